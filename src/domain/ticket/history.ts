import type { JsonValue } from '../json.js';
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

/** What a ticket refers to by id and a history line names. */
export type NamedKind = 'user' | 'team' | 'queue';
export interface Reference {
  readonly kind: NamedKind;
  readonly id: string;
}
/** The name `id` had when the event happened; null when it is not known (the id is shown instead). */
export type NameOf = (reference: Reference) => string | null;
const noNames: NameOf = () => null;

/** Tracked fields that hold ids of named things: shown by name, under a label without `Id`. */
const NAMED_FIELDS: Partial<Record<(typeof TRACKED)[number], { readonly label: string; readonly kind: NamedKind }>> = {
  requesterId: { label: 'requester', kind: 'user' },
  assigneeId: { label: 'assignee', kind: 'user' },
  teamId: { label: 'team', kind: 'team' },
  watchers: { label: 'watchers', kind: 'user' },
};

/**
 * Describes what one event did to the ticket, from the state before and after it: the changed
 * fields come from comparing the two states, so every event type is described the same way and a
 * new event type needs only its headline. People, teams and queues are named by `names` (as they
 * were then); `changes` keeps the ids.
 */
export function describeTicketEvent(before: Ticket, after: Ticket, event: TicketEvent, names: NameOf = noNames): HistoryLine {
  const changes = after.exists ? changedFields(before.exists ? before : null, after) : [];
  const detail = changes.map((change) => {
    const named = NAMED_FIELDS[change.field as (typeof TRACKED)[number]];
    if (!named) return `${change.field}: ${shown(change.from)} → ${shown(change.to)}`;
    const name = (value: JsonValue): JsonValue => nameIn(value, named.kind, names);
    return `${named.label}: ${shown(name(change.from))} → ${shown(name(change.to))}`;
  });
  const headline = HEADLINES[event.type](event as never, (kind, id) => names({ kind, id }) ?? id);
  return { summary: detail.length > 0 && event.type !== 'TicketOpened' ? `${headline} (${detail.join('; ')})` : headline, changes };
}

/** Every person, team and queue an event's line names: what to look names up for before describing it. */
export function referencesOf(before: Ticket, after: Ticket, event: TicketEvent): Reference[] {
  const references: Reference[] = [];
  const add = (kind: NamedKind, value: unknown) => {
    for (const id of Array.isArray(value) ? value : [value]) if (typeof id === 'string') references.push({ kind, id });
  };
  for (const state of [before, after]) {
    if (!state.exists) continue;
    for (const [field, named] of Object.entries(NAMED_FIELDS)) add(named.kind, state[field as keyof typeof NAMED_FIELDS]);
  }
  if (event.type === 'TicketAssigned') add('queue', event.data.queueId);
  if (event.type === 'TicketWatcherAdded' || event.type === 'TicketWatcherRemoved') add('user', event.data.userId);
  if (event.type === 'TicketApprovalRequested') add('user', event.data.approverIds);
  return references;
}

function nameIn(value: JsonValue, kind: NamedKind, names: NameOf): JsonValue {
  if (typeof value === 'string') return names({ kind, id: value }) ?? value;
  return Array.isArray(value) ? value.map((item) => nameIn(item, kind, names)) : value;
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

/** `name`: the name of a referenced person, team or queue as it was then, or its id. */
type Headlines = { readonly [K in TicketEvent['type']]: (event: Extract<TicketEvent, { type: K }>, name: (kind: NamedKind, id: string) => string) => string };

const HEADLINES: Headlines = {
  TicketOpened: (event) => `opened ${event.data.number}: ${event.data.title}`,
  TicketUpdated: () => 'details updated',
  TicketPriorityChanged: (event) => (event.data.overridden ? `priority overridden${event.data.reason ? `: ${event.data.reason}` : ''}` : 'priority recalculated'),
  TicketAssigned: (event, name) => (event.data.queueId ? `routed by queue ${name('queue', event.data.queueId)}` : 'assignment changed'),
  TicketWorkStarted: () => 'work started',
  TicketPended: (event) => `pending: ${event.data.reason}`,
  TicketResumed: () => 'resumed',
  TicketResolved: (event) => `resolved (${event.data.code})`,
  TicketClosed: (event) => (event.data.by ? 'closed' : 'closed automatically'),
  TicketReopened: (event) => `reopened: ${event.data.reason}`,
  TicketCancelled: (event) => `cancelled: ${event.data.reason}`,
  TicketCommented: (event) => (event.data.internal ? 'internal note added' : 'comment added'),
  TicketCommentEdited: () => 'comment edited',
  TicketWatcherAdded: (event, name) => `watcher added: ${name('user', event.data.userId)}`,
  TicketWatcherRemoved: (event, name) => `watcher removed: ${name('user', event.data.userId)}`,
  TicketApprovalRequested: (event, name) => `approval requested from ${event.data.approverIds.map((id) => name('user', id)).join(', ')}`,
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
