import type { Knex } from 'knex';
import type { EnqueuedTaskPromise, Filter, Hit, MultiSearchQueryWithFederation, Task } from 'meilisearch';
import { Meilisearch } from 'meilisearch';
import { generateTenantToken } from 'meilisearch/token';
import { decodeOffsetCursor, encodeOffsetCursor } from '../cursor.js';
import type { SearchDocument, SearchHit, SearchIndex, SearchKind, SearchPage, SearchRef, SearchRequest, SearchScope } from '../types.js';
import { FILTER_FIELDS, SEARCH_KINDS } from '../types.js';

/** A document as Meilisearch holds it: flat, with a tombstone flag so a soft delete keeps its revision. */
type MeiliDocument = {
  id: string;
  tenantId: string;
  revision: number;
  deleted: boolean;
  reference: string | null;
  title: string;
  body: string;
  comments: string;
  internal: string;
  updatedAt: string;
  updatedAtMs: number;
} & Partial<Record<(typeof FILTER_FIELDS)[number], string | null>>;

const PUBLIC_ATTRIBUTES = ['reference', 'title', 'body', 'comments'];
const ALL_ATTRIBUTES = [...PUBLIC_ATTRIBUTES, 'internal'];
const RETRIEVED = ['id', 'reference', 'title', 'status', 'updatedAt', 'body', 'comments', 'internal'];

export interface MeilisearchOptions {
  readonly url: string;
  readonly key?: string;
  /** Prepended to every index name, so several deployments (or test runs) can share a server. */
  readonly indexPrefix?: string;
  readonly timeoutMs?: number;
}

/**
 * Meilisearch: one index per document kind, settings applied on create, every write awaited so the
 * projection's checkpoint never runs ahead of the index. Every query carries the tenant filter.
 * Pages are offset-based (Meilisearch ranks per request): stable while the index does not change.
 * Its own revision guard reads before it writes, which holds because only the search projection,
 * under its lock and in log order, writes.
 */
export class MeilisearchIndex implements SearchIndex {
  readonly name = 'meilisearch';
  private readonly client: Meilisearch;
  private readonly prefix: string;

  constructor(options: MeilisearchOptions) {
    this.client = new Meilisearch({ host: options.url, ...(options.key !== undefined ? { apiKey: options.key } : {}), timeout: options.timeoutMs ?? 10_000 });
    this.prefix = options.indexPrefix ?? 'itsm_';
  }

  uid(kind: SearchKind): string {
    return `${this.prefix}${kind}s`;
  }

  async create(_knex: Knex): Promise<void> {
    for (const kind of SEARCH_KINDS) {
      // An index that already exists fails this task harmlessly; the settings below still apply.
      await this.client.createIndex(this.uid(kind), { primaryKey: 'id' }).waitTask();
      await succeeded(
        this.client.index(this.uid(kind)).updateSettings({
          // Attribute order is rank order: a match in the title outranks one in the body, then in comments.
          searchableAttributes: ALL_ATTRIBUTES,
          filterableAttributes: ['id', 'tenantId', 'deleted', ...FILTER_FIELDS],
          sortableAttributes: ['updatedAtMs'],
          displayedAttributes: ['*'],
        }),
      );
    }
  }

  async drop(_knex: Knex): Promise<void> {
    for (const kind of SEARCH_KINDS) await this.client.deleteIndex(this.uid(kind)).waitTask();
  }

  async upsert(_knex: Knex, documents: readonly SearchDocument[]): Promise<void> {
    for (const kind of SEARCH_KINDS) {
      const ofKind = documents.filter((doc) => doc.kind === kind);
      if (ofKind.length === 0) continue;
      const newer = await this.newerThanIndexed(kind, ofKind);
      if (newer.length === 0) continue;
      await succeeded(this.client.index<MeiliDocument>(this.uid(kind)).addDocuments(newer.map(toMeili)));
    }
  }

  async remove(_knex: Knex, refs: readonly SearchRef[]): Promise<void> {
    for (const kind of SEARCH_KINDS) {
      const ofKind = refs.filter((ref) => ref.kind === kind);
      if (ofKind.length === 0) continue;
      const newer = await this.newerThanIndexed(kind, ofKind);
      if (newer.length === 0) continue;
      const tombstones = newer.map(
        (ref): MeiliDocument => ({ id: ref.id, tenantId: ref.tenantId, revision: ref.revision, deleted: true, reference: null, title: '', body: '', comments: '', internal: '', updatedAt: new Date(0).toISOString(), updatedAtMs: 0 }),
      );
      await succeeded(this.client.index<MeiliDocument>(this.uid(kind)).addDocuments(tombstones));
    }
  }

  async query(request: SearchRequest): Promise<SearchPage> {
    const offset = request.cursor ? decodeOffsetCursor(request.cursor) : 0;
    const kinds = request.kinds.filter((kind) => scopeFilter(request.scope, kind) !== null);
    if (kinds.length === 0 || request.text.trim() === '') return { data: [], nextCursor: null };
    const quoted = request.scope.internalText ? ['body', 'comments', 'internal'] : ['body', 'comments'];
    const queries = kinds.map((kind): MultiSearchQueryWithFederation => {
      const filter: string[] = [`tenantId = ${quote(request.tenantId)}`, 'deleted = false', scopeFilter(request.scope, kind)!];
      for (const field of FILTER_FIELDS) {
        const values = request.filters[field];
        if (values && values.length > 0) filter.push(`${field} IN [${values.map(quote).join(', ')}]`);
      }
      return {
        indexUid: this.uid(kind),
        q: request.text,
        filter,
        // Requesters' words never meet internal text, and their snippets never quote it.
        attributesToSearchOn: request.scope.internalText ? ALL_ATTRIBUTES : PUBLIC_ATTRIBUTES,
        attributesToRetrieve: RETRIEVED,
        attributesToCrop: quoted,
        attributesToHighlight: quoted,
        cropLength: 24,
        highlightPreTag: '**',
        highlightPostTag: '**',
        showRankingScore: true,
      };
    });
    const response = await this.client.multiSearch<{ federation: { limit: number; offset: number }; queries: MultiSearchQueryWithFederation[] }, MeiliDocument>({
      federation: { limit: request.limit + 1, offset },
      queries,
    });
    const byUid = new Map(SEARCH_KINDS.map((kind) => [this.uid(kind), kind] as const));
    const hits = response.hits.slice(0, request.limit);
    return {
      data: hits.map((hit) => toHit(hit, byUid.get(hit._federation?.indexUid ?? '') ?? 'ticket', quoted)),
      nextCursor: response.hits.length > request.limit ? encodeOffsetCursor(offset + request.limit) : null,
    };
  }

  /**
   * A search key for a browser: a tenant token that can only ever see the tenant's live documents
   * the scope allows. Derived from a search-only API key and its uid; the server never hands out the key.
   */
  async tenantToken(options: { apiKey: string; apiKeyUid: string; tenantId: string; scope: SearchScope; expiresAt: Date }): Promise<string> {
    const searchRules: Record<string, { filter: Filter } | null> = {};
    for (const kind of SEARCH_KINDS) {
      const scoped = scopeFilter(options.scope, kind);
      if (scoped !== null) searchRules[this.uid(kind)] = { filter: [`tenantId = ${quote(options.tenantId)}`, 'deleted = false', scoped] };
    }
    return generateTenantToken({ apiKey: options.apiKey, apiKeyUid: options.apiKeyUid, searchRules, expiresAt: options.expiresAt });
  }

  async settle(): Promise<void> {
    // Every write already waited for its task.
  }

  async close(): Promise<void> {
    // The client holds no connections of its own (it uses fetch).
  }

  /** Only what is newer than what the index holds: an older revision never replaces a newer one. */
  private async newerThanIndexed<Item extends { id: string; revision: number }>(kind: SearchKind, items: readonly Item[]): Promise<Item[]> {
    const indexed = new Map<string, number>();
    const ids = [...new Set(items.map((item) => item.id))];
    for (let start = 0; start < ids.length; start += 1000) {
      const slice = ids.slice(start, start + 1000);
      const found = await this.client.index<MeiliDocument>(this.uid(kind)).getDocuments<{ id: string; revision: number }>({ ids: slice, fields: ['id', 'revision'], limit: slice.length });
      for (const doc of found.results) indexed.set(doc.id, doc.revision);
    }
    const latest = new Map<string, Item>();
    for (const item of items) {
      const seen = latest.get(item.id);
      if ((indexed.get(item.id) ?? -1) < item.revision && (!seen || seen.revision < item.revision)) latest.set(item.id, item);
    }
    return [...latest.values()];
  }
}

async function succeeded(task: EnqueuedTaskPromise): Promise<Task> {
  const done = await task.waitTask();
  if (done.status !== 'succeeded') throw new Error(`meilisearch task ${done.uid} ${done.status}: ${done.error?.message ?? 'no detail'}`);
  return done;
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (character) => `\\${character}`)}"`;
}

/** null: the caller may not see this kind at all. */
function scopeFilter(scope: SearchScope, kind: SearchKind): string | null {
  switch (kind) {
    case 'ticket':
      return scope.tickets === 'none' ? null : scope.tickets === 'all' ? 'id EXISTS' : `requesterId = ${quote(scope.tickets.requesterId)}`;
    case 'article':
      return scope.articles === 'none' ? null : scope.articles === 'all' ? 'id EXISTS' : `status = "published" AND audience = "public"`;
    case 'asset':
      return scope.assets === 'none' ? null : scope.assets === 'all' ? 'id EXISTS' : `ownerUserId = ${quote(scope.assets.ownerUserId)}`;
    default: {
      const _exhaustive: never = kind;
      return _exhaustive;
    }
  }
}

function toMeili(doc: SearchDocument): MeiliDocument {
  return {
    id: doc.id,
    tenantId: doc.tenantId,
    revision: doc.revision,
    deleted: false,
    reference: doc.reference,
    title: doc.title,
    body: doc.body,
    comments: doc.comments,
    internal: doc.internal,
    updatedAt: doc.updatedAt,
    updatedAtMs: Date.parse(doc.updatedAt),
    ...Object.fromEntries(FILTER_FIELDS.map((field) => [field, doc.fields[field] ?? null])),
  };
}

function toHit(hit: Hit<MeiliDocument>, kind: SearchKind, quoted: readonly string[]): SearchHit {
  const formatted = hit._formatted ?? {};
  const snippets = quoted.map((field) => formatted[field as 'body' | 'comments' | 'internal']).filter((text): text is string => typeof text === 'string' && text.length > 0);
  return {
    type: kind,
    id: hit.id,
    reference: hit.reference,
    title: hit.title,
    snippet: snippets.find((text) => text.includes('**')) ?? snippets[0] ?? '',
    score: hit._federation?.weightedRankingScore ?? hit._rankingScore ?? 0,
    status: hit.status ?? null,
    updatedAt: hit.updatedAt,
  };
}
