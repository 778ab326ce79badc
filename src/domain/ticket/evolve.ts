import type { OpenTicketState, Ticket, TicketDetails, TicketEvent } from './types.js';
import { statusAfter } from './status.js';

export function initialState(): Ticket {
  return { exists: false };
}

export function evolve(state: Ticket, event: TicketEvent): Ticket {
  if (event.type === 'TicketOpened') {
    const d = event.data;
    return {
      exists: true,
      id: d.ticketId,
      tenantId: d.tenantId,
      number: d.number,
      type: d.type,
      title: d.title,
      description: d.description,
      impact: d.impact,
      urgency: d.urgency,
      priority: d.priority,
      priorityOverridden: false,
      requesterId: d.requesterId,
      assigneeId: null,
      teamId: d.teamId,
      categoryId: d.categoryId,
      serviceId: d.serviceId,
      tags: d.tags,
      assetIds: d.assetIds,
      watchers: [],
      carriedWatchers: [],
      status: 'new',
      resolvedAt: null,
      risk: d.risk,
      plannedStart: d.plannedStart,
      plannedEnd: d.plannedEnd,
      approvals: null,
      links: [],
      articleIds: [],
      comments: [],
      attachments: [],
      deleted: false,
      mergedInto: null,
      sla: null,
      slaAlerts: [],
    };
  }
  if (!state.exists) return state;
  return evolveOpen(state, event);
}

function evolveOpen(state: OpenTicketState, event: Exclude<TicketEvent, { type: 'TicketOpened' }>): OpenTicketState {
  const status = statusAfter(state.status, event);
  switch (event.type) {
    case 'TicketUpdated':
      return applyDetails(state, event.data.changes);
    case 'TicketPriorityChanged':
      return { ...state, priority: event.data.priority, priorityOverridden: event.data.overridden };
    case 'TicketAssigned':
      return { ...state, assigneeId: event.data.assigneeId, teamId: event.data.teamId, status };
    case 'TicketWorkStarted':
    case 'TicketPended':
    case 'TicketResumed':
    case 'TicketClosed':
    case 'TicketCancelled':
      return { ...state, status };
    case 'TicketResolved':
      return { ...state, status, resolvedAt: event.data.at };
    case 'TicketReopened':
      return { ...state, status, resolvedAt: null };
    case 'TicketCommented':
      return { ...state, comments: [...state.comments, { id: event.data.commentId, authorId: event.data.authorId, body: event.data.body, internal: event.data.internal, at: event.data.at, carriedFrom: event.data.carriedFrom }] };
    case 'TicketCommentEdited':
      return { ...state, comments: state.comments.map((comment) => (comment.id === event.data.commentId ? { ...comment, body: event.data.body } : comment)) };
    case 'TicketWatcherAdded': {
      const { userId, carriedFrom } = event.data;
      return { ...state, watchers: [...state.watchers, userId], carriedWatchers: carriedFrom === undefined ? state.carriedWatchers : [...state.carriedWatchers, { userId, fromTicketId: carriedFrom }] };
    }
    case 'TicketWatcherRemoved':
      return { ...state, watchers: state.watchers.filter((watcher) => watcher !== event.data.userId), carriedWatchers: state.carriedWatchers.filter((carried) => carried.userId !== event.data.userId) };
    case 'TicketApprovalRequested':
      return { ...state, approvals: { approverIds: event.data.approverIds, decisions: {} } };
    case 'TicketApproved':
    case 'TicketRejected':
      return state.approvals
        ? { ...state, approvals: { ...state.approvals, decisions: { ...state.approvals.decisions, [event.data.approverId]: event.type === 'TicketApproved' ? 'approved' : 'rejected' } } }
        : state;
    case 'TicketLinked':
      return { ...state, links: [...state.links, { id: event.data.linkId, kind: event.data.kind, targetId: event.data.targetId }] };
    case 'TicketArticleLinked':
      return state.articleIds.includes(event.data.articleId) ? state : { ...state, articleIds: [...state.articleIds, event.data.articleId] };
    case 'TicketUnlinked':
      return { ...state, links: state.links.filter((link) => link.id !== event.data.linkId) };
    case 'TicketAttachmentAdded': {
      const d = event.data;
      return { ...state, attachments: [...state.attachments, { id: d.attachmentId, sha256: d.sha256, size: d.size, mediaType: d.mediaType, filename: d.filename, uploadedBy: d.uploadedBy, at: d.at }] };
    }
    case 'TicketSlaApplied':
      return { ...state, sla: event.data.terms, slaAlerts: [] };
    case 'SlaWarningReached':
      return { ...state, slaAlerts: [...state.slaAlerts, `${event.data.clock}:warning`] };
    case 'SlaBreached':
      return { ...state, slaAlerts: [...state.slaAlerts, `${event.data.clock}:breach`] };
    case 'TicketMergedInto':
      return { ...state, status, mergedInto: { masterId: event.data.masterId, statusBefore: state.status } };
    case 'TicketUnmerged':
      return { ...state, status, mergedInto: null };
    case 'TicketConversationWithdrawn':
      return { ...state, comments: state.comments.filter((comment) => !event.data.commentIds.includes(comment.id)) };
    case 'TicketCommentsSplitOff':
      return { ...state, comments: state.comments.filter((comment) => !event.data.commentIds.includes(comment.id)) };
    case 'TicketDeleted':
      return { ...state, deleted: true };
    case 'TicketRestored':
      return { ...state, deleted: false };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

function applyDetails(state: OpenTicketState, changes: TicketDetails): OpenTicketState {
  const next: { -readonly [K in keyof OpenTicketState]: OpenTicketState[K] } = { ...state };
  if (changes.title !== undefined) next.title = changes.title;
  if (changes.description !== undefined) next.description = changes.description;
  if (changes.impact !== undefined) next.impact = changes.impact;
  if (changes.urgency !== undefined) next.urgency = changes.urgency;
  if (changes.categoryId !== undefined) next.categoryId = changes.categoryId;
  if (changes.serviceId !== undefined) next.serviceId = changes.serviceId;
  if (changes.tags !== undefined) next.tags = changes.tags;
  if (changes.assetIds !== undefined) next.assetIds = changes.assetIds;
  if (changes.risk !== undefined) next.risk = changes.risk;
  if (changes.plannedStart !== undefined) next.plannedStart = changes.plannedStart;
  if (changes.plannedEnd !== undefined) next.plannedEnd = changes.plannedEnd;
  return next;
}
