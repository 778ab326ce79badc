import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { EmailKind } from '../../domain/email-template/index.js';
import type { TicketEvent } from '../../domain/ticket/index.js';
import type { JsonObject, RecordedEvent } from '../../eventstore/types.js';
import type { EmailData, TemplateSource } from '../../notifications/templates.js';
import { DEFAULT_TEMPLATES, renderTemplate, ticketUrl } from '../../notifications/templates.js';
import type { DeferredWrites } from '../../db/deferred-writes.js';
import type { ColumnType } from '../batched-writes.js';
import type { JsonRows } from '../../db/combined-reads.js';
import { insertRowsIgnoring, patchRows, storedUuid, storedUuidOrNull } from '../batched-writes.js';
import type { Projection } from '../types.js';
import { EMAIL_TEMPLATES } from './email-templates.js';

export { emailTemplatesProjection } from './email-templates.js';

const TICKETS = 'notification_tickets';
const OUTBOX = 'notification_outbox';

type DataOf<Type extends TicketEvent['type']> = Extract<TicketEvent, { type: Type }>['data'];

/**
 * Turns ticket events into mail in `notification_outbox`: who is told what, rendered with the
 * tenant's template as it stands when the event is projected (not as it stood when the event
 * happened: templates are presentation, and an admin's fix should apply to mail not yet built).
 *
 * It keeps its own small copy of each ticket (requester, assignee, team, watchers, title), so the
 * routing depends on no other projection's progress; names and addresses come from the `users`
 * read model and team members from `team_members`, read in the same transaction. The outbox is
 * a migration's table, not this projection's: a rebuild drops only `notification_tickets`, and
 * outbox ids derived from event id and recipient make the replay insert nothing twice.
 *
 * `publicBaseUrl` (PUBLIC_BASE_URL) makes each mail link to its ticket; without it mail has no link.
 */
export function notificationsProjectionFor(links: { readonly publicBaseUrl: string | null }): Projection {
  return { ...notificationsProjection, apply: (trx, events, writes, preread) => applyPage(trx, events, writes, preread, links.publicBaseUrl) };
}

export const notificationsProjection: Projection = {
  name: 'notifications',
  version: 1,
  runs: 'async',
  filter: { categories: ['ticket'] },
  async createTables(knex: Knex) {
    await knex.schema.createTable(TICKETS, (table) => {
      table.uuid('id').primary();
      table.uuid('tenant_id').notNullable();
      table.text('number').notNullable();
      table.text('title').notNullable();
      table.uuid('requester_id').notNullable();
      table.uuid('assignee_id');
      table.uuid('team_id');
      table.jsonb('watcher_ids').notNullable();
      table.integer('version').notNullable();
    });
  },
  async dropTables(knex: Knex) {
    await knex.schema.dropTableIfExists(TICKETS);
  },
  reads: (knex, events) => {
    const ids = storedTicketIds(events);
    return ids.length === 0 ? [] : [ticketCopies(knex, ids)];
  },
  apply: (trx, events, writes, preread) => applyPage(trx, events, writes, preread, null),
};

async function applyPage(trx: Knex.Transaction, events: readonly RecordedEvent[], writes: DeferredWrites, preread: ReadonlyArray<JsonRows> | undefined, publicBaseUrl: string | null): Promise<void> {
  const page = await NotificationPage.load(trx, storedTicketIds(events), preread, publicBaseUrl);
  for (const recorded of events) await applyOne(page, recorded);
  await page.write(writes);
}

/** The page's tickets that may have a copy here: one opened in this page has none yet (the checkpoint applies each event once). */
function storedTicketIds(events: readonly RecordedEvent[]): string[] {
  const startingHere = new Set(events.filter((recorded) => recorded.type === 'TicketOpened' && recorded.revision === 0).map((recorded) => recorded.streamId));
  return [...new Set(events.filter((recorded) => !startingHere.has(recorded.streamId)).map((recorded) => recorded.streamId.slice('ticket-'.length)))];
}

function ticketCopies(knex: Knex, ids: readonly string[]): Knex.QueryBuilder {
  return knex(TICKETS).select('id', 'tenant_id', 'number', 'title', 'requester_id', 'assignee_id', 'team_id', 'watcher_ids', 'version').whereIn('id', ids);
}

interface TicketRow {
  id: string;
  tenant_id: string;
  number: string;
  title: string;
  requester_id: string;
  assignee_id: string | null;
  team_id: string | null;
  watcher_ids: string[];
  version: number;
}

const TICKET_COLUMNS: Readonly<Record<string, ColumnType>> = { id: 'uuid', title: 'text', assignee_id: 'uuid', team_id: 'uuid', watcher_ids: 'jsonb', version: 'integer' };

/**
 * A page of ticket events, folded in memory: the page's ticket copies are read once and written
 * once, the mail it queues goes into the outbox in one statement, and the people, templates and
 * team members it looks up are read once a page. The routing rules are those of one event at a time.
 */
class NotificationPage {
  private readonly tickets = new Map<string, TicketRow>();
  private readonly fresh = new Set<string>();
  private readonly changed = new Map<string, Record<string, unknown>>();
  private readonly outbox: Array<Record<string, unknown>> = [];
  private readonly users = new Map<string, UserRow | null>();
  private readonly templates = new Map<string, TemplateSource>();
  private readonly teams = new Map<string, string[]>();

  private constructor(
    readonly trx: Knex.Transaction,
    readonly publicBaseUrl: string | null,
  ) {}

  /** `preread`: the rows of ticketCopies, read with the batch's claim (the same columns, as JSON). */
  static async load(trx: Knex.Transaction, ids: readonly string[], preread: ReadonlyArray<JsonRows> | undefined, publicBaseUrl: string | null): Promise<NotificationPage> {
    const page = new NotificationPage(trx, publicBaseUrl);
    const rows = ids.length === 0 ? [] : ((preread?.[0] ?? (await ticketCopies(trx, ids))) as TicketRow[]);
    for (const row of rows) page.tickets.set(row.id, row);
    return page;
  }

  ticket(id: string): TicketRow | null {
    return this.tickets.get(storedUuid(id)) ?? null;
  }

  open(row: TicketRow): boolean {
    if (this.tickets.has(row.id)) return false;
    this.tickets.set(row.id, row);
    this.fresh.add(row.id);
    return true;
  }

  update(ticket: TicketRow, fields: Partial<Omit<TicketRow, 'id'>>): void {
    Object.assign(ticket, fields);
    if (this.fresh.has(ticket.id)) return;
    const changes = this.changed.get(ticket.id) ?? {};
    Object.assign(changes, fields);
    this.changed.set(ticket.id, changes);
  }

  queue(rows: ReadonlyArray<Record<string, unknown>>): void {
    this.outbox.push(...rows);
  }

  /** Active or not, as the users read model has them; null for someone it has not seen. */
  async usersOf(tenantId: string, ids: readonly string[]): Promise<Map<string, UserRow>> {
    const key = (id: string) => `${tenantId}:${id}`;
    const missing = ids.filter((id) => !this.users.has(key(id)));
    if (missing.length > 0) {
      const found = (await this.trx('users').select('id', 'name', 'email', 'status').where({ tenant_id: tenantId }).whereIn('id', missing)) as UserRow[];
      const byId = new Map(found.map((user) => [user.id, user]));
      // Looked up as given, answered in the database's spelling.
      for (const id of missing) this.users.set(key(id), byId.get(storedUuid(id)) ?? null);
    }
    const users = new Map<string, UserRow>();
    for (const id of ids) {
      const user = this.users.get(key(id));
      if (user) users.set(user.id, user);
    }
    return users;
  }

  async templateOf(tenantId: string, kind: EmailKind): Promise<TemplateSource> {
    const key = `${tenantId}:${kind}`;
    let template = this.templates.get(key);
    if (!template) {
      const row = (await this.trx(EMAIL_TEMPLATES).select('subject', 'html', 'text').where({ tenant_id: tenantId, kind }).first()) as TemplateSource | undefined;
      template = row ?? DEFAULT_TEMPLATES[kind];
      this.templates.set(key, template);
    }
    return template;
  }

  async teamMembers(teamId: string): Promise<string[]> {
    let members = this.teams.get(teamId);
    if (!members) {
      const rows = (await this.trx('team_members').select('user_id').where({ group_id: teamId }).orderBy('user_id')) as Array<{ user_id: string }>;
      members = rows.map((row) => row.user_id);
      this.teams.set(teamId, members);
    }
    return members;
  }

  async write(writes: DeferredWrites): Promise<void> {
    const fresh = [...this.fresh].map((id) => {
      const row = this.tickets.get(id)!;
      return { ...row, watcher_ids: JSON.stringify(row.watcher_ids) };
    });
    await insertRowsIgnoring(this.trx, TICKETS, ['id'], fresh, writes);
    await patchRows(
      this.trx,
      TICKETS,
      TICKET_COLUMNS,
      [...this.changed].map(([id, set]) => ({ key: { id }, set })),
      writes,
    );
    await insertRowsIgnoring(this.trx, OUTBOX, ['id'], this.outbox, writes);
  }
}

/**
 * Not an exhaustive switch over TicketEvent: this read model cares about a handful of events and
 * matches them by type string, so events added to tickets later (the SLA alerts among them) move
 * only its checkpoint until someone routes them here.
 */
async function applyOne(page: NotificationPage, recorded: RecordedEvent): Promise<void> {
  const id = recorded.streamId.slice('ticket-'.length);
  const actorId = typeof recorded.metadata.actorId === 'string' ? recorded.metadata.actorId : null;
  if (recorded.type === 'TicketOpened') {
    const d = recorded.data as DataOf<'TicketOpened'>;
    const ticket: TicketRow = {
      id: storedUuid(id),
      tenant_id: storedUuid(d.tenantId),
      number: d.number,
      title: d.title,
      requester_id: storedUuid(d.requesterId),
      assignee_id: null,
      team_id: storedUuidOrNull(d.teamId),
      watcher_ids: [],
      version: recorded.revision,
    };
    if (!page.open(ticket)) return;
    await deliver(page, recorded, 'ticket_created', ticket, [d.requesterId], { actorId: d.openedBy });
    return;
  }
  const ticket = page.ticket(id);
  // The revision guard turns a replayed event into a no-op.
  if (!ticket || ticket.version >= recorded.revision) return;
  page.update(ticket, { version: recorded.revision });
  const others = (userIds: ReadonlyArray<string | null>) => userIds.filter((userId): userId is string => userId !== null && userId !== actorId);
  switch (recorded.type) {
    case 'TicketUpdated': {
      const { changes } = recorded.data as DataOf<'TicketUpdated'>;
      if (changes.title !== undefined) page.update(ticket, { title: changes.title });
      return;
    }
    case 'TicketAssigned': {
      const d = recorded.data as DataOf<'TicketAssigned'>;
      page.update(ticket, { assignee_id: storedUuidOrNull(d.assigneeId), team_id: storedUuidOrNull(d.teamId) });
      if (d.assigneeId !== null && d.assigneeId !== d.previousAssigneeId) await deliver(page, recorded, 'ticket_assigned', { ...ticket, assignee_id: d.assigneeId }, others([d.assigneeId]), { actorId });
      return;
    }
    case 'TicketCommented': {
      const d = recorded.data as DataOf<'TicketCommented'>;
      // Internal notes are for agents: only the assignee hears of them, never the requester or watchers.
      const recipients = d.internal ? [ticket.assignee_id] : [ticket.requester_id, ticket.assignee_id, ...ticket.watcher_ids];
      await deliver(page, recorded, 'ticket_commented', ticket, others(recipients.filter((userId) => userId !== d.authorId)), { actorId: d.authorId, comment: { body: d.body } });
      return;
    }
    case 'TicketResolved': {
      const d = recorded.data as DataOf<'TicketResolved'>;
      await deliver(page, recorded, 'ticket_resolved', ticket, others([ticket.requester_id]), { actorId: d.by, resolution: { code: d.code, notes: d.notes } });
      return;
    }
    case 'TicketApprovalRequested': {
      const d = recorded.data as DataOf<'TicketApprovalRequested'>;
      await deliver(page, recorded, 'approval_requested', ticket, others(d.approverIds), { actorId: d.by });
      return;
    }
    case 'TicketWatcherAdded':
    case 'TicketWatcherRemoved': {
      const { userId } = recorded.data as DataOf<'TicketWatcherAdded'>;
      const rest = ticket.watcher_ids.filter((watcher) => watcher !== userId);
      page.update(ticket, { watcher_ids: recorded.type === 'TicketWatcherAdded' ? [...rest, userId] : rest });
      return;
    }
    case 'SlaWarningReached':
    case 'SlaBreached': {
      const kind: EmailKind = recorded.type === 'SlaWarningReached' ? 'sla_warning' : 'sla_breached';
      const clock = stringField(recorded.data, 'clock') ?? 'resolution';
      const workers = ticket.assignee_id ? [ticket.assignee_id] : ticket.team_id ? await page.teamMembers(ticket.team_id) : [];
      // The people the policy's escalation names hear of it too (events before that field name nobody).
      const { notifyUserIds = [] } = recorded.data as DataOf<'SlaWarningReached'>;
      const recipients = [...workers, ...notifyUserIds];
      await deliver(page, recorded, kind, ticket, recipients, { actorId: null, sla: { clock: clock === 'firstResponse' ? 'first response' : clock } });
      return;
    }
    default:
      return;
  }
}

interface UserRow {
  id: string;
  name: string;
  email: string;
  status: string;
}

interface Extras {
  readonly actorId: string | null;
  readonly comment?: EmailData['comment'];
  readonly resolution?: EmailData['resolution'];
  readonly sla?: EmailData['sla'];
}

/** One outbox row per distinct, active recipient of the ticket's tenant. */
async function deliver(page: NotificationPage, recorded: RecordedEvent, kind: EmailKind, ticket: TicketRow, recipientIds: readonly string[], extras: Extras): Promise<void> {
  const unique = [...new Set(recipientIds)];
  if (unique.length === 0) return;
  const wanted = extras.actorId ? [...unique, extras.actorId] : unique;
  const byId = await page.usersOf(ticket.tenant_id, wanted);
  const template = await page.templateOf(ticket.tenant_id, kind);
  const at = stringField(recorded.data, 'at') ?? recorded.recordedAt.toISOString();
  const actor = extras.actorId ? byId.get(extras.actorId) : undefined;
  const rows = [];
  for (const recipientId of unique) {
    const recipient = byId.get(recipientId);
    // A deactivated person is no longer mailed; one the users read model has not seen yet is missed.
    if (!recipient || recipient.status !== 'active') continue;
    const data: EmailData = {
      recipient: { name: recipient.name, email: recipient.email },
      ticket: { id: ticket.id, number: ticket.number, title: ticket.title, url: ticketUrl(page.publicBaseUrl, ticket.number) },
      actor: actor ? { name: actor.name } : null,
      comment: extras.comment ?? null,
      resolution: extras.resolution ?? null,
      sla: extras.sla ?? null,
      approvers: [],
    };
    const rendered = renderSafely(template, kind, data);
    rows.push({
      id: outboxId(recorded.id, recipientId),
      tenant_id: ticket.tenant_id,
      kind,
      event_id: recorded.id,
      recipient_user_id: recipientId,
      recipient_email: recipient.email,
      ...rendered,
      state: 'pending',
      attempts: 0,
      next_attempt_at: at,
      created_at: at,
    });
  }
  page.queue(rows);
}

/** A saved template was rendered with sample data, but real data may still trip it: fall back rather than stall the projection. */
function renderSafely(template: TemplateSource, kind: EmailKind, data: EmailData): { subject: string; html: string; text: string } {
  try {
    return renderTemplate(template, data);
  } catch {
    return renderTemplate(DEFAULT_TEMPLATES[kind], data);
  }
}

/** A name-based UUID (v5 layout, SHA-256 truncated) of event id and recipient: the same event never queues the same mail twice. */
export function outboxId(eventId: string, recipientUserId: string): string {
  const bytes = createHash('sha256').update(`notification:${eventId}:${recipientUserId}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function stringField(data: JsonObject, key: string): string | null {
  const value = data[key];
  return typeof value === 'string' ? value : null;
}
