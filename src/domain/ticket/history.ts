import type { JsonValue } from '../../eventstore/types.js';
import type { OpenTicketState, Ticket, TicketEvent } from './types.js';

/** One field as an event moved it: what an auditor reads as "field: old → new". */
export interface FieldChange {
  readonly field: string;
  readonly from: JsonValue;
  readonly to: JsonValue;
}

export interface HistoryLine {
  readonly summary: string;
  readonly changes: readonly FieldChange[];
}

/** The fields an auditor follows; the rest of the state (comments, files, SLA) is told by the event's own line. */
const TRACKED = [
  'title',
  'description',
  'impact',
  'urgency',
  'priority',
  'status',
  'requesterId',
  'assigneeId',
  'teamId',
  'categoryId',
  'serviceId',
  'tags',
  'assetIds',
  'watchers',
  'risk',
  'plannedStart',
  'plannedEnd',
  'deleted',
] as const satisfies ReadonlyArray<keyof OpenTicketState>;

const LONG_TEXT = 200;

/**
 * Describes what one event did to the ticket, from the state before and after it: the changed
 * fields come from comparing the two states, so every event type is described the same way and a
 * new event type needs only its headline.
 */
export function describeTicketEvent(before: Ticket, after: Ticket, event: TicketEvent): HistoryLine {
  const changes = after.exists ? changedFields(before.exists ? before : null, after) : [];
  const detail = changes.map((change) => `${change.field}: ${shown(change.from)} → ${shown(change.to)}`);
  const headline = HEADLINES[event.type](event as never);
  return { summary: detail.length > 0 && event.type !== 'TicketOpened' ? `${headline} (${detail.join('; ')})` : headline, changes };
}

/** Events a requester may see in their own ticket's history: what they see of the ticket itself. */
export function isPublicTicketEvent(event: TicketEvent, before: Ticket): boolean {
  switch (event.type) {
    case 'TicketCommented':
      return !event.data.internal;
    case 'TicketCommentEdited':
      return before.exists && before.comments.some((comment) => comment.id === event.data.commentId && !comment.internal);
    case 'TicketOpened':
    case 'TicketUpdated':
    case 'TicketPriorityChanged':
    case 'TicketAssigned':
    case 'TicketWorkStarted':
    case 'TicketPended':
    case 'TicketResumed':
    case 'TicketResolved':
    case 'TicketClosed':
    case 'TicketReopened':
    case 'TicketCancelled':
    case 'TicketAttachmentAdded':
    case 'TicketMergedInto':
    case 'TicketUnmerged':
      return true;
    default:
      return false;
  }
}

function changedFields(before: OpenTicketState | null, after: OpenTicketState): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of TRACKED) {
    const from = before ? (before[field] as JsonValue) : null;
    const to = after[field] as JsonValue;
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    changes.push({ field, from: clipped(from), to: clipped(to) });
  }
  return changes;
}

function clipped(value: JsonValue): JsonValue {
  return typeof value === 'string' && value.length > LONG_TEXT ? `${value.slice(0, LONG_TEXT)}…` : value;
}

function shown(value: JsonValue): string {
  if (value === null) return '—';
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[${value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(', ')}]`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

type Headlines = { readonly [K in TicketEvent['type']]: (event: Extract<TicketEvent, { type: K }>) => string };

const HEADLINES: Headlines = {
  TicketOpened: (event) => `opened ${event.data.number}: ${event.data.title}`,
  TicketUpdated: () => 'details updated',
  TicketPriorityChanged: (event) => (event.data.overridden ? `priority overridden${event.data.reason ? `: ${event.data.reason}` : ''}` : 'priority recalculated'),
  TicketAssigned: (event) => (event.data.queueId ? `routed by queue ${event.data.queueId}` : 'assignment changed'),
  TicketWorkStarted: () => 'work started',
  TicketPended: (event) => `pending: ${event.data.reason}`,
  TicketResumed: () => 'resumed',
  TicketResolved: (event) => `resolved (${event.data.code})`,
  TicketClosed: (event) => (event.data.by ? 'closed' : 'closed automatically'),
  TicketReopened: (event) => `reopened: ${event.data.reason}`,
  TicketCancelled: (event) => `cancelled: ${event.data.reason}`,
  TicketCommented: (event) => (event.data.internal ? 'internal note added' : 'comment added'),
  TicketCommentEdited: () => 'comment edited',
  TicketWatcherAdded: () => 'watcher added',
  TicketWatcherRemoved: () => 'watcher removed',
  TicketApprovalRequested: (event) => `approval requested from ${event.data.approverIds.length} approver(s)`,
  TicketApproved: (event) => `approved${event.data.comment ? `: ${event.data.comment}` : ''}`,
  TicketRejected: (event) => `rejected${event.data.comment ? `: ${event.data.comment}` : ''}`,
  TicketLinked: (event) => `linked (${event.data.kind.replaceAll('_', ' ')}) to ${event.data.targetId}`,
  TicketUnlinked: () => 'link removed',
  TicketAttachmentAdded: (event) => `file attached: ${event.data.filename}`,
  TicketMergedInto: (event) => `merged into ${event.data.masterId}`,
  TicketUnmerged: (event) => `merge into ${event.data.masterId} undone: ${event.data.reason}`,
  TicketConversationWithdrawn: (event) => `${event.data.commentIds.length} comment(s) copied from ${event.data.fromTicketId} withdrawn (merge undone)`,
  TicketSlaApplied: (event) => `SLA applied: ${event.data.reason}`,
  SlaWarningReached: (event) => `SLA ${event.data.clock} warning`,
  SlaBreached: (event) => `SLA ${event.data.clock} breached`,
  TicketCommentsSplitOff: (event) => `${event.data.commentIds.length} comment(s) split off to ${event.data.newTicketId}`,
  TicketDeleted: () => 'deleted',
  TicketRestored: () => 'restored',
  TicketArticleLinked: (event) => `knowledge article ${event.data.articleId} linked`,
};
