import type { Knex } from 'knex';
import type { TicketEvent, TicketStatus } from '../../domain/ticket/index.js';
import { statusAfter } from '../../domain/ticket/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import type { DeferredWrites } from '../../db/deferred-writes.js';
import type { ColumnType } from '../batched-writes.js';
import { insertRowsIgnoring, patchRows, storedUuid } from '../batched-writes.js';
import type { Projection } from '../types.js';
import { APPROVALS, ATTACHMENTS, COMMENTS, LINKS, TICKETS, createTicketTables, dropTicketTables } from './tables.js';

/** Tickets with their comments, links, approvals and attachments, for lists, detail views and filters. */
export const ticketsProjection: Projection = {
  name: 'tickets',
  // 2: ticket_attachments. 6: tickets.answers. 7: index on asset_ids. 8: attachment indexes for the blob sweep and quota.
  version: 8,
  runs: 'inline',
  filter: { categories: ['ticket'] },
  createTables: createTicketTables,
  dropTables: dropTicketTables,
  async apply(trx, events, writes) {
    // A ticket whose stream starts in this page has no row yet: asking for it is a wasted round trip
    // on every create (checkpoints, and the inline switch, apply each event once).
    const startingHere = new Set(events.filter((recorded) => recorded.type === 'TicketOpened' && recorded.revision === 0).map((recorded) => recorded.streamId));
    const page = await TicketPage.load(trx, [...new Set(events.filter((recorded) => !startingHere.has(recorded.streamId)).map((recorded) => recorded.streamId.slice('ticket-'.length)))]);
    for (const recorded of events) await applyOne(page, recorded, { type: recorded.type, data: recorded.data } as TicketEvent);
    await page.write(writes);
  },
};

const TICKET_COLUMNS: Readonly<Record<string, ColumnType>> = {
  id: 'uuid',
  title: 'text',
  description: 'text',
  status: 'text',
  impact: 'text',
  urgency: 'text',
  priority: 'text',
  priority_overridden: 'boolean',
  assignee_id: 'uuid',
  team_id: 'uuid',
  category_id: 'uuid',
  service_id: 'uuid',
  tags: 'text[]',
  asset_ids: 'uuid[]',
  watcher_ids: 'uuid[]',
  risk: 'text',
  planned_start: 'timestamptz',
  planned_end: 'timestamptz',
  pending_reason: 'text',
  resolution_code: 'text',
  resolution_notes: 'text',
  resolved_at: 'timestamptz',
  closed_at: 'timestamptz',
  reopen_count: 'integer',
  sla_policy_id: 'uuid',
  sla_terms: 'jsonb',
  deleted: 'boolean',
  updated_at: 'timestamptz',
  version: 'integer',
};

/** What the fold reads back of a ticket row; everything else it only writes. */
interface TicketState {
  readonly tenantId: string;
  version: number;
  status: TicketStatus;
  watcherIds: string[];
  reopenCount: number;
  /** Inserted by this page (written whole) rather than stored before it (patched). */
  readonly fresh: boolean;
  /** Every column this page set: the whole row when fresh. */
  readonly changes: Record<string, unknown>;
}

/**
 * A page of ticket events folded in memory: each ticket row is read once and written once (new
 * tickets in one multi-row insert, the rest in one multi-row update), and comments, links and
 * attachments are inserted together. A statement that must see earlier rows of its table (an edit,
 * a delete) first writes what is pending for that table, so the order of effects stays the log's.
 */
class TicketPage {
  private readonly tickets = new Map<string, TicketState>();
  private readonly pending = new Map<string, Array<Record<string, unknown>>>();

  private constructor(readonly trx: Knex.Transaction) {}

  static async load(trx: Knex.Transaction, ids: readonly string[]): Promise<TicketPage> {
    const page = new TicketPage(trx);
    const rows =
      ids.length === 0
        ? []
        : ((await trx(TICKETS).select('id', 'tenant_id', 'version', 'status', 'watcher_ids', 'reopen_count').whereIn('id', ids)) as Array<{
            id: string;
            tenant_id: string;
            version: number;
            status: string;
            watcher_ids: string[];
            reopen_count: number;
          }>);
    for (const row of rows) {
      page.tickets.set(row.id, { tenantId: row.tenant_id, version: row.version, status: row.status as TicketStatus, watcherIds: row.watcher_ids, reopenCount: row.reopen_count, fresh: false, changes: {} });
    }
    return page;
  }

  ticket(id: string): TicketState | undefined {
    return this.tickets.get(storedUuid(id));
  }

  open(id: string, row: Record<string, unknown> & { tenant_id: string; version: number }): void {
    const key = storedUuid(id);
    if (this.tickets.has(key)) return;
    this.tickets.set(key, { tenantId: storedUuid(row.tenant_id), version: row.version, status: 'new', watcherIds: [], reopenCount: 0, fresh: true, changes: row });
  }

  /** Inserted (ON CONFLICT DO NOTHING) with the table's other pending rows. */
  insert(table: string, row: Record<string, unknown>): void {
    let rows = this.pending.get(table);
    if (!rows) {
      rows = [];
      this.pending.set(table, rows);
    }
    rows.push(row);
  }

  /** A statement that reads or changes rows of `table`: runs after the table's pending inserts. */
  async afterPending(table: string, statement: (trx: Knex.Transaction) => Promise<unknown>): Promise<void> {
    await this.flush(table);
    await statement(this.trx);
  }

  /** The page's rows, left to `writes`: what nothing later in the page reads. */
  async write(writes: DeferredWrites): Promise<void> {
    const fresh: Array<Record<string, unknown>> = [];
    const patches: Array<{ key: { id: string }; set: Record<string, unknown> }> = [];
    for (const [id, ticket] of this.tickets) {
      if (ticket.fresh) fresh.push(ticket.changes);
      else if (Object.keys(ticket.changes).length > 0) patches.push({ key: { id }, set: ticket.changes });
    }
    await insertRowsIgnoring(this.trx, TICKETS, ['id'], fresh, writes);
    await patchRows(this.trx, TICKETS, TICKET_COLUMNS, patches, writes);
    for (const table of [...this.pending.keys()]) await this.flush(table, writes);
  }

  private async flush(table: string, writes?: DeferredWrites): Promise<void> {
    const rows = this.pending.get(table);
    if (!rows || rows.length === 0) return;
    this.pending.delete(table);
    await insertRowsIgnoring(this.trx, table, table === APPROVALS ? ['ticket_id', 'approver_id'] : ['id'], rows, writes);
  }
}

async function applyOne(page: TicketPage, recorded: RecordedEvent, event: TicketEvent): Promise<void> {
  const id = recorded.streamId.slice('ticket-'.length);
  if (event.type === 'TicketOpened') {
    const d = event.data;
    page.open(id, {
      id,
      tenant_id: d.tenantId,
      number: d.number,
      type: d.type,
      title: d.title,
      description: d.description,
      status: 'new',
      impact: d.impact,
      urgency: d.urgency,
      priority: d.priority,
      requester_id: d.requesterId,
      team_id: d.teamId,
      category_id: d.categoryId,
      service_id: d.serviceId,
      tags: d.tags,
      asset_ids: d.assetIds,
      watcher_ids: [],
      risk: d.risk,
      planned_start: d.plannedStart,
      planned_end: d.plannedEnd,
      answers: JSON.stringify(d.answers ?? {}),
      created_at: d.at,
      updated_at: d.at,
      version: recorded.revision,
    });
    return;
  }
  // Every later event moves the row's version; a replayed event finds it already moved and does nothing.
  const ticket = page.ticket(id);
  if (!ticket || ticket.version >= recorded.revision) return;
  const row = (fields: Record<string, unknown>) => Object.assign(ticket.changes, fields);
  ticket.version = recorded.revision;
  row({ updated_at: event.data.at, version: recorded.revision });
  const tenantId = ticket.tenantId;
  switch (event.type) {
    case 'TicketUpdated': {
      const c = event.data.changes;
      const fields: Record<string, unknown> = {};
      if (c.title !== undefined) fields.title = c.title;
      if (c.description !== undefined) fields.description = c.description;
      if (c.impact !== undefined) fields.impact = c.impact;
      if (c.urgency !== undefined) fields.urgency = c.urgency;
      if (c.categoryId !== undefined) fields.category_id = c.categoryId;
      if (c.serviceId !== undefined) fields.service_id = c.serviceId;
      if (c.tags !== undefined) fields.tags = c.tags;
      if (c.assetIds !== undefined) fields.asset_ids = c.assetIds;
      if (c.risk !== undefined) fields.risk = c.risk;
      if (c.plannedStart !== undefined) fields.planned_start = c.plannedStart;
      if (c.plannedEnd !== undefined) fields.planned_end = c.plannedEnd;
      row(fields);
      return;
    }
    case 'TicketPriorityChanged':
      row({ priority: event.data.priority, priority_overridden: event.data.overridden });
      return;
    case 'TicketAssigned': {
      const { assigneeId, teamId } = event.data;
      ticket.status = statusAfter(ticket.status, event);
      row({ assignee_id: assigneeId, team_id: teamId, status: ticket.status });
      return;
    }
    case 'TicketWorkStarted':
    case 'TicketResumed':
      ticket.status = statusAfter(ticket.status, event);
      row({ status: ticket.status, pending_reason: null });
      return;
    case 'TicketPended':
      ticket.status = statusAfter(ticket.status, event);
      row({ status: ticket.status, pending_reason: event.data.reason });
      return;
    case 'TicketResolved':
      ticket.status = statusAfter(ticket.status, event);
      row({ status: ticket.status, pending_reason: null, resolution_code: event.data.code, resolution_notes: event.data.notes, resolved_at: event.data.at });
      return;
    case 'TicketClosed':
    case 'TicketMergedInto':
      ticket.status = statusAfter(ticket.status, event);
      row({ status: ticket.status, closed_at: event.data.at });
      return;
    case 'TicketUnmerged':
      ticket.status = statusAfter(ticket.status, event);
      row({ status: ticket.status, closed_at: null });
      return;
    case 'TicketReopened':
      ticket.status = statusAfter(ticket.status, event);
      ticket.reopenCount += 1;
      row({ status: ticket.status, resolved_at: null, resolution_code: null, resolution_notes: null, reopen_count: ticket.reopenCount });
      return;
    case 'TicketCancelled':
      ticket.status = statusAfter(ticket.status, event);
      row({ status: ticket.status, closed_at: event.data.at });
      return;
    case 'TicketCommented':
      page.insert(COMMENTS, { id: event.data.commentId, ticket_id: id, tenant_id: tenantId, author_id: event.data.authorId, body: event.data.body, internal: event.data.internal, carried_from: event.data.carriedFrom, created_at: event.data.at, revision: recorded.revision });
      return;
    case 'TicketCommentEdited': {
      const { commentId, body, at } = event.data;
      await page.afterPending(COMMENTS, (trx) => trx(COMMENTS).where({ id: commentId }).update({ body, edited_at: at }));
      return;
    }
    case 'TicketWatcherAdded':
    case 'TicketWatcherRemoved': {
      // array_append(array_remove(watcher_ids, user), user) and array_remove, as uuids compare.
      const userId = storedUuid(event.data.userId);
      const rest = ticket.watcherIds.filter((watcher) => watcher !== userId);
      ticket.watcherIds = event.type === 'TicketWatcherAdded' ? [...rest, userId] : rest;
      row({ watcher_ids: ticket.watcherIds });
      return;
    }
    case 'TicketApprovalRequested': {
      const { approverIds, at } = event.data;
      await page.afterPending(APPROVALS, (trx) => trx(APPROVALS).where({ ticket_id: id }).delete());
      await page.afterPending(APPROVALS, (trx) => trx(APPROVALS).insert(approverIds.map((approverId) => ({ ticket_id: id, approver_id: approverId, tenant_id: tenantId, requested_at: at }))));
      return;
    }
    case 'TicketApproved':
    case 'TicketRejected': {
      const { approverId, comment, at } = event.data;
      const decision = event.type === 'TicketApproved' ? 'approved' : 'rejected';
      await page.afterPending(APPROVALS, (trx) => trx(APPROVALS).where({ ticket_id: id, approver_id: approverId }).update({ decision, comment, decided_at: at }));
      return;
    }
    case 'TicketLinked':
      page.insert(LINKS, { id: event.data.linkId, ticket_id: id, tenant_id: tenantId, kind: event.data.kind, target_id: event.data.targetId, created_at: event.data.at });
      return;
    case 'TicketArticleLinked':
      // The articles projection keeps ticket–article links, next to the counter they feed.
      return;
    case 'TicketUnlinked': {
      const { linkId } = event.data;
      await page.afterPending(LINKS, (trx) => trx(LINKS).where({ id: linkId }).delete());
      return;
    }
    case 'TicketAttachmentAdded': {
      const d = event.data;
      page.insert(ATTACHMENTS, { id: d.attachmentId, ticket_id: id, tenant_id: tenantId, sha256: d.sha256, size: d.size, media_type: d.mediaType, filename: d.filename, uploaded_by: d.uploadedBy, created_at: d.at });
      return;
    }
    case 'TicketSlaApplied':
      row({ sla_policy_id: event.data.terms.policyId, sla_terms: JSON.stringify(event.data.terms) });
      return;
    case 'SlaWarningReached':
    case 'SlaBreached':
      // The ticket views show clocks computed on demand; the alerts feed the scheduler and mail.
      return;
    // Comments that moved to another ticket, or copies an undone merge takes back, leave the conversation; the log keeps them.
    case 'TicketCommentsSplitOff':
    case 'TicketConversationWithdrawn': {
      const { commentIds } = event.data;
      await page.afterPending(COMMENTS, (trx) => trx(COMMENTS).where({ ticket_id: id }).whereIn('id', commentIds).delete());
      return;
    }
    case 'TicketDeleted':
      row({ deleted: true });
      return;
    case 'TicketRestored':
      row({ deleted: false });
      return;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
