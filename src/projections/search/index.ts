import type { Knex } from 'knex';
import type { ArticleEvent } from '../../domain/articles/index.js';
import type { AssetEvent } from '../../domain/cmdb/index.js';
import type { TicketEvent, TicketStatus } from '../../domain/ticket/index.js';
import { statusAfter } from '../../domain/ticket/index.js';
import type { JsonObject, RecordedEvent } from '../../eventstore/types.js';
import type { FilterField, SearchDocument, SearchIndex, SearchKind, SearchRef, SearchWriter } from '../../search/types.js';
import type { JsonRows } from '../../db/combined-reads.js';
import { lockProjection } from '../checkpoints.js';
import type { Projection } from '../types.js';

/** The documents as folded from the log: the source of truth the index is fed from and rebuilt from. */
export const SEARCH_DOCUMENTS = 'search_documents';
export const SEARCH_PROJECTION = 'search';

interface SourceComment {
  readonly id: string;
  readonly body: string;
  readonly internal: boolean;
}

/** What the projection keeps per document between events. */
interface Source {
  readonly kind: SearchKind;
  readonly tenantId: string;
  readonly reference: string | null;
  readonly title: string;
  readonly body: string;
  readonly resolution: string | null;
  readonly comments: readonly SourceComment[];
  readonly fields: Readonly<Partial<Record<FilterField, string | null>>>;
  readonly updatedAt: string;
  /** Articles only: the working copy, which differs from what readers find while a revision is pending. */
  readonly article?: ArticleSource;
}

interface ArticleText {
  readonly title: string;
  readonly body: string;
  readonly audience: string;
  readonly categoryId: string | null;
}

interface ArticleSource {
  /** Whether a published version is what readers see (then title, body and fields are that version's). */
  readonly live: boolean;
  readonly working: ArticleText;
  /** The working copy's workflow status, which the document's status shows only when nothing is live. */
  readonly status: string;
}

interface Tracked {
  readonly id: string;
  revision: number;
  deleted: boolean;
  source: Source;
  /** Whether what the index holds must change at the end of the batch. */
  dirty: boolean;
  /** Whether search_documents must be written at the end of the batch. */
  touched: boolean;
}

type Change = { readonly source: Source; readonly deleted: boolean; readonly indexed: boolean } | null;

/**
 * Feeds the search index from ticket, article and asset events. The folded documents live in
 * search_documents, written in the batch's transaction; the index gets each changed document once
 * per batch, carrying its stream revision, so a replay or an older revision never overwrites a newer
 * one. A soft-deleted ticket leaves the index and comes back, as it now is, when restored.
 */
export function searchProjection(index: SearchWriter): Projection {
  return {
    name: SEARCH_PROJECTION,
    // Each adapter has versions of its own, so switching adapters rebuilds the index from the log.
    // Version 2: article documents keep their published version while a revision is pending.
    version: index.name === 'meilisearch' ? 1_002 : 2,
    runs: 'async',
    filter: { categories: ['ticket', 'article', 'asset'] },
    async createTables(knex: Knex) {
      await knex.schema.createTable(SEARCH_DOCUMENTS, (table) => {
        table.uuid('id').primary();
        table.text('kind').notNullable();
        table.uuid('tenant_id').notNullable();
        table.integer('revision').notNullable();
        table.boolean('deleted').notNullable();
        table.jsonb('source').notNullable();
      });
      await index.create(knex);
    },
    async dropTables(knex: Knex) {
      await index.drop(knex);
      await knex.schema.dropTableIfExists(SEARCH_DOCUMENTS);
    },
    reads(knex, events) {
      const ids = storedIds(events);
      return ids.length === 0 ? [] : [storedDocuments(knex, ids)];
    },
    async apply(trx, events, writes, preread) {
      const batch = await loadAll(trx, events, preread);
      for (const recorded of events) {
        const kind = kindOf(recorded.streamId);
        if (!kind) continue;
        const id = recorded.streamId.slice(kind.length + 1);
        const tracked = batch.get(id) ?? null;
        if (tracked && recorded.revision <= tracked.revision) continue;
        const change = evolve(kind, tracked, recorded);
        if (!tracked) {
          if (change) batch.set(id, { id, revision: recorded.revision, deleted: change.deleted, source: change.source, dirty: true, touched: true });
          continue;
        }
        batch.set(id, tracked);
        tracked.revision = recorded.revision;
        tracked.touched = true;
        if (change) {
          tracked.dirty ||= change.indexed || change.deleted !== tracked.deleted;
          tracked.source = change.source;
          tracked.deleted = change.deleted;
        }
      }
      const touched = [...batch.values()].filter((tracked) => tracked.touched);
      for (let start = 0; start < touched.length; start += 500) {
        writes.add(
          trx(SEARCH_DOCUMENTS)
            .insert(
              touched.slice(start, start + 500).map((tracked) => ({ id: tracked.id, kind: tracked.source.kind, tenant_id: tracked.source.tenantId, revision: tracked.revision, deleted: tracked.deleted, source: JSON.stringify(tracked.source) })),
            )
            .onConflict('id')
            .merge(['revision', 'deleted', 'source'])
            .where(`${SEARCH_DOCUMENTS}.revision`, '<', trx.raw('excluded.revision')),
        );
      }
      const dirty = touched.filter((tracked) => tracked.dirty);
      const live = dirty.filter((tracked) => !tracked.deleted);
      const gone = dirty.filter((tracked) => tracked.deleted);
      if (live.length > 0) await index.upsert(trx, live.map((tracked) => documentOf(tracked.id, tracked.revision, tracked.source)), writes);
      if (gone.length > 0) await index.remove(trx, gone.map((tracked): SearchRef => ({ kind: tracked.source.kind, id: tracked.id, tenantId: tracked.source.tenantId, revision: tracked.revision })), writes);
    },
  };
}

/**
 * Refills a freshly emptied index from search_documents, without replaying the log: what
 * `itsm reindex` does after an index was lost or its settings changed. Holds the projection's lock,
 * so no batch writes to the index meanwhile.
 */
export async function reindexSearch(knex: Knex, index: SearchWriter & Pick<SearchIndex, 'settle'>, onProgress?: (done: number) => void): Promise<number> {
  return knex.transaction(async (trx) => {
    await lockProjection(trx, SEARCH_PROJECTION);
    return reindexFromDocuments(trx, index, onProgress);
  });
}

async function reindexFromDocuments(knex: Knex, index: SearchWriter & Pick<SearchIndex, 'settle'>, onProgress?: (done: number) => void): Promise<number> {
  await index.drop(knex);
  await index.create(knex);
  let done = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = (await knex(SEARCH_DOCUMENTS).select('id', 'revision', 'source').where('deleted', false).andWhere('id', '>', after).orderBy('id').limit(1000)) as Array<{ id: string; revision: number; source: Source }>;
    if (rows.length === 0) break;
    await index.upsert(knex, rows.map((row) => documentOf(row.id, row.revision, row.source)));
    done += rows.length;
    after = rows.at(-1)!.id;
    onProgress?.(done);
  }
  await index.settle();
  return done;
}

function kindOf(streamId: string): SearchKind | null {
  if (streamId.startsWith('ticket-')) return 'ticket';
  if (streamId.startsWith('article-')) return 'article';
  if (streamId.startsWith('asset-')) return 'asset';
  return null;
}

/** The batch's documents as stored, read in one query (or with the batch's claim: `preread`). */
async function loadAll(trx: Knex.Transaction, events: readonly RecordedEvent[], preread: ReadonlyArray<JsonRows> | undefined): Promise<Map<string, Tracked>> {
  const ids = storedIds(events);
  const rows = ids.length === 0 ? [] : ((preread?.[0] ?? (await storedDocuments(trx, ids))) as Array<{ id: string; revision: number; deleted: boolean; source: Source }>);
  return new Map(rows.map((row) => [row.id, { id: row.id, revision: row.revision, deleted: row.deleted, source: row.source, dirty: false, touched: false }]));
}

/** The batch's documents that may be stored: those created in the batch have nothing stored yet (the checkpoint applies each event once). */
function storedIds(events: readonly RecordedEvent[]): string[] {
  const ids = new Set(events.flatMap((recorded) => (kindOf(recorded.streamId) ? [recorded.streamId.slice(recorded.streamId.indexOf('-') + 1)] : [])));
  for (const recorded of events) if (recorded.revision === 0 && CREATING_TYPES.has(recorded.type)) ids.delete(recorded.streamId.slice(recorded.streamId.indexOf('-') + 1));
  return [...ids];
}

function storedDocuments(knex: Knex, ids: readonly string[]): Knex.QueryBuilder {
  return knex(SEARCH_DOCUMENTS).select('id', 'revision', 'deleted', 'source').whereIn('id', ids);
}

/** The first event of each searchable stream. */
const CREATING_TYPES: ReadonlySet<string> = new Set(['TicketOpened', 'ArticleCreated', 'AssetRegistered']);

function documentOf(id: string, revision: number, source: Source): SearchDocument {
  return {
    kind: source.kind,
    id,
    tenantId: source.tenantId,
    revision,
    reference: source.reference,
    title: source.title,
    body: source.resolution ? `${source.body}\n${source.resolution}` : source.body,
    comments: source.comments
      .filter((comment) => !comment.internal)
      .map((comment) => comment.body)
      .join('\n'),
    internal: [...source.comments.filter((comment) => comment.internal).map((comment) => comment.body), ...pendingRevision(source)].join('\n'),
    fields: source.fields,
    updatedAt: source.updatedAt,
  };
}

/** An article's unpublished revision: agents find it by its words, readers never do. */
function pendingRevision(source: Source): string[] {
  const article = source.article;
  if (!article?.live) return [];
  const { title, body } = article.working;
  return title === source.title && body === source.body ? [] : [title, body];
}

function evolve(kind: SearchKind, tracked: Tracked | null, recorded: RecordedEvent): Change {
  const event = { type: recorded.type, data: recorded.data };
  switch (kind) {
    case 'ticket':
      return evolveTicket(tracked, event as TicketEvent);
    case 'article':
      return evolveArticle(tracked, event as ArticleEvent);
    case 'asset':
      return evolveAsset(tracked, event as AssetEvent);
    default: {
      const _exhaustive: never = kind;
      return _exhaustive;
    }
  }
}

function evolveTicket(tracked: Tracked | null, event: TicketEvent): Change {
  if (event.type === 'TicketOpened') {
    const d = event.data;
    const source: Source = {
      kind: 'ticket',
      tenantId: d.tenantId,
      reference: d.number,
      title: d.title,
      body: d.description,
      resolution: null,
      comments: [],
      fields: { status: 'new', ticketType: d.type, priority: d.priority, teamId: d.teamId, assigneeId: null, requesterId: d.requesterId, categoryId: d.categoryId },
      updatedAt: d.at,
    };
    return { source, deleted: false, indexed: true };
  }
  if (!tracked) return null;
  const current = tracked.source;
  const at = event.data.at;
  const set = (changes: Partial<Source>, fields: Source['fields'] = {}): Change => ({
    source: { ...current, ...changes, fields: { ...current.fields, ...fields }, updatedAt: at },
    deleted: tracked.deleted,
    indexed: true,
  });
  switch (event.type) {
    case 'TicketUpdated': {
      const c = event.data.changes;
      return set({ ...(c.title !== undefined ? { title: c.title } : {}), ...(c.description !== undefined ? { body: c.description } : {}) }, c.categoryId !== undefined ? { categoryId: c.categoryId } : {});
    }
    case 'TicketPriorityChanged':
      return set({}, { priority: event.data.priority });
    case 'TicketAssigned': {
      const { assigneeId, teamId } = event.data;
      return set({}, { assigneeId, teamId, status: current.fields.status ? statusAfter(current.fields.status as TicketStatus, event) : null });
    }
    case 'TicketWorkStarted':
    case 'TicketResumed':
    case 'TicketPended':
    case 'TicketClosed':
    case 'TicketMergedInto':
    case 'TicketUnmerged':
    case 'TicketCancelled':
      return set({}, { status: statusAfter(current.fields.status as TicketStatus, event) });
    case 'TicketResolved':
      return set({ resolution: event.data.notes }, { status: statusAfter(current.fields.status as TicketStatus, event) });
    case 'TicketReopened':
      return set({ resolution: null }, { status: statusAfter(current.fields.status as TicketStatus, event) });
    case 'TicketCommented':
      return set({ comments: [...current.comments.filter((comment) => comment.id !== event.data.commentId), { id: event.data.commentId, body: event.data.body, internal: event.data.internal }] });
    case 'TicketCommentEdited':
      return set({ comments: current.comments.map((comment) => (comment.id === event.data.commentId ? { ...comment, body: event.data.body } : comment)) });
    case 'TicketCommentsSplitOff':
    case 'TicketConversationWithdrawn':
      return set({ comments: current.comments.filter((comment) => !event.data.commentIds.includes(comment.id)) });
    case 'TicketDeleted':
      return { source: current, deleted: true, indexed: false };
    case 'TicketRestored':
      return { source: current, deleted: false, indexed: true };
    case 'TicketWatcherAdded':
    case 'TicketWatcherRemoved':
    case 'TicketApprovalRequested':
    case 'TicketApproved':
    case 'TicketRejected':
    case 'TicketLinked':
    case 'TicketUnlinked':
    case 'TicketAttachmentAdded':
    case 'TicketSlaApplied':
    case 'SlaWarningReached':
    case 'SlaBreached':
    case 'TicketArticleLinked':
      // Nothing searchable changes; the revision still moves, so a replay stays a no-op.
      return null;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/**
 * While a published version is live, the document is that version (what readers must find) and a
 * pending revision is agents-only text; otherwise it is the working copy with its status.
 */
function evolveArticle(tracked: Tracked | null, event: ArticleEvent): Change {
  if (event.type === 'ArticleCreated') {
    const d = event.data;
    const working = { title: d.title, body: d.body, audience: d.audience, categoryId: d.categoryId };
    const base: Source = { kind: 'article', tenantId: d.tenantId, reference: null, title: d.title, body: d.body, resolution: null, comments: [], fields: {}, updatedAt: d.at };
    return { source: articleSource(base, null, { live: false, working, status: 'draft' }), deleted: false, indexed: true };
  }
  if (!tracked) return null;
  const current = tracked.source;
  const article: ArticleSource = current.article ?? {
    live: current.fields.status === 'published',
    working: { title: current.title, body: current.body, audience: current.fields.audience ?? 'internal', categoryId: current.fields.categoryId ?? null },
    status: current.fields.status ?? 'draft',
  };
  const next = (changes: Partial<ArticleSource>, at: string): Change => ({ source: articleSource({ ...current, updatedAt: at }, article, { ...article, ...changes }), deleted: tracked.deleted, indexed: true });
  switch (event.type) {
    case 'ArticleEdited': {
      const { title, body, audience, categoryId } = event.data;
      return next({ working: { title, body, audience, categoryId }, status: 'draft' }, event.data.at);
    }
    case 'ArticleSubmitted':
      return next({ status: 'in_review' }, event.data.at);
    case 'ArticlePublished':
      return next({ live: true, status: 'published' }, event.data.at);
    case 'ArticleArchived':
      return next({ live: false, status: 'archived' }, event.data.at);
    case 'ArticleDraftDiscarded':
      // The working copy is the live version again: what the document shows.
      return next({ working: { title: current.title, body: current.body, audience: current.fields.audience ?? 'internal', categoryId: current.fields.categoryId ?? null }, status: 'published' }, event.data.at);
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/** The document of an article: the live version stays as it is until another is published; otherwise the working copy shows. */
function articleSource(base: Source, previous: ArticleSource | null, article: ArticleSource): Source {
  if (article.live && previous?.live && article.status !== 'published') return { ...base, article };
  const { title, body, audience, categoryId } = article.working;
  return { ...base, title, body, fields: { ...base.fields, status: article.live ? 'published' : article.status, audience, categoryId }, article };
}

function evolveAsset(tracked: Tracked | null, event: AssetEvent): Change {
  switch (event.type) {
    case 'AssetRegistered':
    case 'AssetUpdated': {
      const d = event.data;
      const base = event.type === 'AssetRegistered' ? { tenantId: event.data.tenantId, reference: event.data.tag, status: event.data.status } : tracked ? { tenantId: tracked.source.tenantId, reference: tracked.source.reference, status: tracked.source.fields.status ?? null } : null;
      if (!base) return null;
      return {
        source: {
          kind: 'asset',
          tenantId: base.tenantId,
          reference: base.reference,
          title: d.name,
          body: [d.serial, d.vendor, d.location, ...attributeTexts(d.attributes)].filter((part): part is string => typeof part === 'string' && part.length > 0).join('\n'),
          resolution: null,
          comments: [],
          fields: { status: base.status, categoryId: d.categoryId, ownerUserId: d.ownerUserId },
          updatedAt: d.at,
        },
        deleted: false,
        indexed: true,
      };
    }
    case 'AssetStatusChanged':
      if (!tracked) return null;
      return { source: { ...tracked.source, fields: { ...tracked.source.fields, status: event.data.to }, updatedAt: event.data.at }, deleted: tracked.deleted, indexed: true };
    case 'AssetMaintenancePlanned':
    case 'AssetMaintenanceCompleted':
    case 'AssetMaintenanceCancelled':
      return null;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/** Text and numbers among an asset's attributes, so "16GB" or a model name finds it. */
function attributeTexts(attributes: JsonObject): string[] {
  return Object.values(attributes).flatMap((value) => (typeof value === 'string' || typeof value === 'number' ? [String(value)] : []));
}
