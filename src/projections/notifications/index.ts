import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { EmailKind } from '../../domain/email-template/index.js';
import type { TicketEvent } from '../../domain/ticket/index.js';
import type { JsonObject, RecordedEvent } from '../../eventstore/types.js';
import type { EmailData, TemplateSource } from '../../notifications/templates.js';
import { DEFAULT_TEMPLATES, renderTemplate } from '../../notifications/templates.js';
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
 */
export const notificationsProjection: Projection = {
  name: 'notifications',
  version: 1,
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
  async apply(trx, events) {
    for (const recorded of events) await applyOne(trx, recorded);
  },
};

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

/**
 * Not an exhaustive switch over TicketEvent: this read model cares about a handful of events and
 * matches them by type string, so events added to tickets later (the SLA alerts among them) move
 * only its checkpoint until someone routes them here.
 */
async function applyOne(trx: Knex.Transaction, recorded: RecordedEvent): Promise<void> {
  const id = recorded.streamId.slice('ticket-'.length);
  const actorId = typeof recorded.metadata.actorId === 'string' ? recorded.metadata.actorId : null;
  if (recorded.type === 'TicketOpened') {
    const d = recorded.data as DataOf<'TicketOpened'>;
    const inserted = await trx(TICKETS)
      .insert({ id, tenant_id: d.tenantId, number: d.number, title: d.title, requester_id: d.requesterId, assignee_id: null, team_id: d.teamId, watcher_ids: JSON.stringify([]), version: recorded.revision })
      .onConflict('id')
      .ignore()
      .returning('id');
    if (inserted.length === 0) return;
    const ticket = await loadTicket(trx, id);
    if (ticket) await deliver(trx, recorded, 'ticket_created', ticket, [d.requesterId], { actorId: d.openedBy });
    return;
  }
  const ticket = await loadTicket(trx, id);
  // The revision guard turns a replayed event into a no-op.
  if (!ticket || ticket.version >= recorded.revision) return;
  await trx(TICKETS).where({ id }).update({ version: recorded.revision });
  const others = (userIds: ReadonlyArray<string | null>) => userIds.filter((userId): userId is string => userId !== null && userId !== actorId);
  switch (recorded.type) {
    case 'TicketUpdated': {
      const { changes } = recorded.data as DataOf<'TicketUpdated'>;
      if (changes.title !== undefined) await trx(TICKETS).where({ id }).update({ title: changes.title });
      return;
    }
    case 'TicketAssigned': {
      const d = recorded.data as DataOf<'TicketAssigned'>;
      await trx(TICKETS).where({ id }).update({ assignee_id: d.assigneeId, team_id: d.teamId });
      if (d.assigneeId !== null && d.assigneeId !== d.previousAssigneeId) await deliver(trx, recorded, 'ticket_assigned', { ...ticket, assignee_id: d.assigneeId }, others([d.assigneeId]), { actorId });
      return;
    }
    case 'TicketCommented': {
      const d = recorded.data as DataOf<'TicketCommented'>;
      // Internal notes are for agents: only the assignee hears of them, never the requester or watchers.
      const recipients = d.internal ? [ticket.assignee_id] : [ticket.requester_id, ticket.assignee_id, ...ticket.watcher_ids];
      await deliver(trx, recorded, 'ticket_commented', ticket, others(recipients.filter((userId) => userId !== d.authorId)), { actorId: d.authorId, comment: { body: d.body } });
      return;
    }
    case 'TicketResolved': {
      const d = recorded.data as DataOf<'TicketResolved'>;
      await deliver(trx, recorded, 'ticket_resolved', ticket, others([ticket.requester_id]), { actorId: d.by, resolution: { code: d.code, notes: d.notes } });
      return;
    }
    case 'TicketApprovalRequested': {
      const d = recorded.data as DataOf<'TicketApprovalRequested'>;
      await deliver(trx, recorded, 'approval_requested', ticket, others(d.approverIds), { actorId: d.by });
      return;
    }
    case 'TicketWatcherAdded':
    case 'TicketWatcherRemoved': {
      const { userId } = recorded.data as DataOf<'TicketWatcherAdded'>;
      const rest = ticket.watcher_ids.filter((watcher) => watcher !== userId);
      await trx(TICKETS)
        .where({ id })
        .update({ watcher_ids: JSON.stringify(recorded.type === 'TicketWatcherAdded' ? [...rest, userId] : rest) });
      return;
    }
    case 'SlaWarningReached':
    case 'SlaBreached': {
      const kind: EmailKind = recorded.type === 'SlaWarningReached' ? 'sla_warning' : 'sla_breached';
      const clock = stringField(recorded.data, 'clock') ?? 'resolution';
      const recipients = ticket.assignee_id ? [ticket.assignee_id] : ticket.team_id ? await teamMembers(trx, ticket.team_id) : [];
      await deliver(trx, recorded, kind, ticket, recipients, { actorId: null, sla: { clock: clock === 'firstResponse' ? 'first response' : clock } });
      return;
    }
    default:
      return;
  }
}

async function loadTicket(trx: Knex.Transaction, id: string): Promise<TicketRow | null> {
  const row = (await trx(TICKETS).select('*').where({ id }).first()) as TicketRow | undefined;
  return row ?? null;
}

async function teamMembers(trx: Knex.Transaction, teamId: string): Promise<string[]> {
  const rows = (await trx('team_members').select('user_id').where({ group_id: teamId }).orderBy('user_id')) as Array<{ user_id: string }>;
  return rows.map((row) => row.user_id);
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
async function deliver(trx: Knex.Transaction, recorded: RecordedEvent, kind: EmailKind, ticket: TicketRow, recipientIds: readonly string[], extras: Extras): Promise<void> {
  const unique = [...new Set(recipientIds)];
  if (unique.length === 0) return;
  const wanted = extras.actorId ? [...unique, extras.actorId] : unique;
  const users = (await trx('users').select('id', 'name', 'email', 'status').where({ tenant_id: ticket.tenant_id }).whereIn('id', wanted)) as UserRow[];
  const byId = new Map(users.map((user) => [user.id, user]));
  const template = await templateOf(trx, ticket.tenant_id, kind);
  const at = stringField(recorded.data, 'at') ?? recorded.recordedAt.toISOString();
  const actor = extras.actorId ? byId.get(extras.actorId) : undefined;
  const rows = [];
  for (const recipientId of unique) {
    const recipient = byId.get(recipientId);
    // A deactivated person is no longer mailed; one the users read model has not seen yet is missed.
    if (!recipient || recipient.status !== 'active') continue;
    const data: EmailData = {
      recipient: { name: recipient.name, email: recipient.email },
      ticket: { id: ticket.id, number: ticket.number, title: ticket.title },
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
  if (rows.length > 0) await trx(OUTBOX).insert(rows).onConflict('id').ignore();
}

async function templateOf(trx: Knex.Transaction, tenantId: string, kind: EmailKind): Promise<TemplateSource> {
  const row = (await trx(EMAIL_TEMPLATES).select('subject', 'html', 'text').where({ tenant_id: tenantId, kind }).first()) as TemplateSource | undefined;
  return row ?? DEFAULT_TEMPLATES[kind];
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
