import type { Knex } from 'knex';
import type { TicketEvent } from '../../domain/ticket/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import type { Projection } from '../types.js';
import { APPROVALS, ATTACHMENTS, COMMENTS, LINKS, TICKETS, createTicketTables, dropTicketTables } from './tables.js';

/** Tickets with their comments, links, approvals and attachments, for lists, detail views and filters. */
export const ticketsProjection: Projection = {
  name: 'tickets',
  // 2: ticket_attachments. 6: tickets.answers. 7: index on asset_ids.
  version: 7,
  filter: { categories: ['ticket'] },
  createTables: createTicketTables,
  dropTables: dropTicketTables,
  async apply(trx, events) {
    for (const recorded of events) await applyOne(trx, recorded, { type: recorded.type, data: recorded.data } as TicketEvent);
  },
};

async function applyOne(trx: Knex.Transaction, recorded: RecordedEvent, event: TicketEvent): Promise<void> {
  const id = recorded.streamId.slice('ticket-'.length);
  if (event.type === 'TicketOpened') {
    const d = event.data;
    await trx(TICKETS)
      .insert({
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
      })
      .onConflict('id')
      .ignore();
    return;
  }
  // Every later event moves the row's version; a replayed event finds it already moved and does nothing.
  const at = event.data.at;
  const moved = await trx(TICKETS).where({ id }).andWhere('version', '<', recorded.revision).update({ updated_at: at, version: recorded.revision });
  if (moved === 0) return;
  const tenant = async () => ((await trx(TICKETS).select('tenant_id').where({ id }).first()) as { tenant_id: string }).tenant_id;
  const row = (fields: Record<string, unknown>) => trx(TICKETS).where({ id }).update(fields);
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
      if (Object.keys(fields).length > 0) await row(fields);
      return;
    }
    case 'TicketPriorityChanged':
      await row({ priority: event.data.priority, priority_overridden: event.data.overridden });
      return;
    case 'TicketAssigned':
      await trx.raw(
        `UPDATE ${TICKETS} SET assignee_id = ?, team_id = ?, status = CASE WHEN ?::uuid IS NULL AND status = 'assigned' THEN 'new' WHEN ?::uuid IS NOT NULL AND status = 'new' THEN 'assigned' ELSE status END WHERE id = ?`,
        [event.data.assigneeId, event.data.teamId, event.data.assigneeId, event.data.assigneeId, id],
      );
      return;
    case 'TicketWorkStarted':
    case 'TicketResumed':
      await row({ status: 'in_progress', pending_reason: null });
      return;
    case 'TicketPended':
      await row({ status: 'pending', pending_reason: event.data.reason });
      return;
    case 'TicketResolved':
      await row({ status: 'resolved', pending_reason: null, resolution_code: event.data.code, resolution_notes: event.data.notes, resolved_at: event.data.at });
      return;
    case 'TicketClosed':
      await row({ status: 'closed', closed_at: event.data.at });
      return;
    case 'TicketReopened':
      await row({ status: event.data.status, resolved_at: null, resolution_code: null, resolution_notes: null, reopen_count: trx.raw('reopen_count + 1') });
      return;
    case 'TicketCancelled':
      await row({ status: 'cancelled', closed_at: event.data.at });
      return;
    case 'TicketCommented':
      await trx(COMMENTS)
        .insert({ id: event.data.commentId, ticket_id: id, tenant_id: await tenant(), author_id: event.data.authorId, body: event.data.body, internal: event.data.internal, carried_from: event.data.carriedFrom, created_at: event.data.at, revision: recorded.revision })
        .onConflict('id')
        .ignore();
      return;
    case 'TicketCommentEdited':
      await trx(COMMENTS).where({ id: event.data.commentId }).update({ body: event.data.body, edited_at: event.data.at });
      return;
    case 'TicketWatcherAdded':
      await trx.raw(`UPDATE ${TICKETS} SET watcher_ids = array_append(array_remove(watcher_ids, ?::uuid), ?::uuid) WHERE id = ?`, [event.data.userId, event.data.userId, id]);
      return;
    case 'TicketWatcherRemoved':
      await trx.raw(`UPDATE ${TICKETS} SET watcher_ids = array_remove(watcher_ids, ?::uuid) WHERE id = ?`, [event.data.userId, id]);
      return;
    case 'TicketApprovalRequested': {
      const tenantId = await tenant();
      await trx(APPROVALS).where({ ticket_id: id }).delete();
      await trx(APPROVALS).insert(event.data.approverIds.map((approverId) => ({ ticket_id: id, approver_id: approverId, tenant_id: tenantId, requested_at: event.data.at })));
      return;
    }
    case 'TicketApproved':
    case 'TicketRejected':
      await trx(APPROVALS)
        .where({ ticket_id: id, approver_id: event.data.approverId })
        .update({ decision: event.type === 'TicketApproved' ? 'approved' : 'rejected', comment: event.data.comment, decided_at: event.data.at });
      return;
    case 'TicketLinked':
      await trx(LINKS).insert({ id: event.data.linkId, ticket_id: id, tenant_id: await tenant(), kind: event.data.kind, target_id: event.data.targetId, created_at: event.data.at }).onConflict('id').ignore();
      return;
    case 'TicketArticleLinked':
      // The articles projection keeps ticket–article links, next to the counter they feed.
      return;
    case 'TicketUnlinked':
      await trx(LINKS).where({ id: event.data.linkId }).delete();
      return;
    case 'TicketAttachmentAdded': {
      const d = event.data;
      await trx(ATTACHMENTS)
        .insert({ id: d.attachmentId, ticket_id: id, tenant_id: await tenant(), sha256: d.sha256, size: d.size, media_type: d.mediaType, filename: d.filename, uploaded_by: d.uploadedBy, created_at: d.at })
        .onConflict('id')
        .ignore();
      return;
    }
    case 'TicketSlaApplied':
      await row({ sla_policy_id: event.data.terms.policyId, sla_terms: JSON.stringify(event.data.terms) });
      return;
    case 'SlaWarningReached':
    case 'SlaBreached':
      // The ticket views show clocks computed on demand; the alerts feed the scheduler and mail.
      return;
    case 'TicketMergedInto':
      await row({ status: 'closed', closed_at: event.data.at });
      return;
    case 'TicketCommentsSplitOff':
      await trx(COMMENTS).where({ ticket_id: id }).whereIn('id', event.data.commentIds).delete();
      return;
    case 'TicketDeleted':
      await row({ deleted: true });
      return;
    case 'TicketRestored':
      await row({ deleted: false });
      return;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
