import { requireAnswers } from '../catalog/index.js';
import { ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '../errors.js';
import type { FieldError } from '../errors.js';
import type {
  AddAttachment,
  AddComment,
  AssignTicket,
  DecideApproval,
  EditComment,
  LinkTicket,
  OpenTicket,
  OverridePriority,
  ReopenTicket,
  RequestApproval,
  TicketCommand,
  ResolveWithProblem,
  UpdateTicket,
} from './commands.js';
import { MAX_ATTACHMENTS, sanitiseFilename } from './attachments.js';
import { isOpen, transition } from './lifecycle.js';
import { absorb, mergeInto, splitOff, undoMerge, withdraw } from './merge.js';
import { requireText } from './text.js';
import { priorityOf } from './priority.js';
import type { OpenTicketState, SlaTerms, Ticket, TicketDetails, TicketEvent } from './types.js';

const MAX_TAGS = 20;
const MAX_APPROVERS = 20;

export function decide(command: TicketCommand, state: Ticket): TicketEvent[] {
  if (command.type === 'OpenTicket') return open(command, state);
  if (!state.exists) throw new NotFoundError('ticket not found');
  if (command.type === 'RestoreTicket') {
    return state.deleted ? [{ type: 'TicketRestored', data: { by: command.actorId, at: command.now.toISOString() } }] : [];
  }
  // Undoing a merge into a ticket deleted since must still take the copies back, or a restore would show them.
  if (command.type === 'WithdrawConversation') return withdraw(command, state);
  // A deleted ticket is hidden: to everything but restore it looks absent.
  if (state.deleted) throw new NotFoundError('ticket not found');
  const at = command.now.toISOString();
  switch (command.type) {
    case 'UpdateTicket':
      return update(command, state);
    case 'OverridePriority':
      return overridePriority(command, state);
    case 'AssignTicket':
      return assign(command, state);
    case 'StartWork':
      transition(state.status, 'start');
      if (state.type === 'change') requireApproved(state);
      return [
        ...(state.assigneeId === null ? [{ type: 'TicketAssigned' as const, data: { assigneeId: command.actorId, teamId: state.teamId, previousAssigneeId: null, at } }] : []),
        { type: 'TicketWorkStarted', data: { by: command.actorId, at } },
      ];
    case 'PendTicket':
      transition(state.status, 'pend');
      return [{ type: 'TicketPended', data: { reason: requireText(command.reason, '/reason', 'a reason', 1000), at } }];
    case 'ResumeTicket':
      transition(state.status, 'resume');
      return [{ type: 'TicketResumed', data: { at } }];
    case 'ResolveTicket':
      transition(state.status, 'resolve');
      return [{ type: 'TicketResolved', data: { code: requireCode(command.code), notes: requireText(command.notes, '/notes', 'resolution notes', 10_000), by: command.actorId, at } }];
    case 'CloseTicket':
      transition(state.status, 'close');
      return [{ type: 'TicketClosed', data: { by: command.actorId, at } }];
    case 'ReopenTicket':
      return reopen(command, state);
    case 'CancelTicket':
      transition(state.status, 'cancel');
      return [{ type: 'TicketCancelled', data: { reason: requireText(command.reason, '/reason', 'a reason', 1000), by: command.actorId, at } }];
    case 'AddComment':
      return comment(command);
    case 'EditComment':
      return editComment(command, state);
    case 'AddWatcher':
      return state.watchers.includes(command.userId) ? [] : [{ type: 'TicketWatcherAdded', data: { userId: command.userId, at } }];
    case 'RemoveWatcher':
      return state.watchers.includes(command.userId) ? [{ type: 'TicketWatcherRemoved', data: { userId: command.userId, at } }] : [];
    case 'RequestApproval':
      return requestApproval(command, state);
    case 'DecideApproval':
      return decideApproval(command, state);
    case 'LinkTicket':
      return link(command, state);
    case 'UnlinkTicket':
      if (!state.links.some((existing) => existing.id === command.linkId)) throw new NotFoundError('link not found');
      return [{ type: 'TicketUnlinked', data: { linkId: command.linkId, at } }];
    case 'AbsorbConversation':
      return absorb(command, state);
    case 'ApplySla':
      // Recorded once per change of terms: the clocks replay against exactly these versions.
      if (command.terms === null || sameTerms(command.terms, state.sla)) return [];
      return [{ type: 'TicketSlaApplied', data: { terms: command.terms, reason: command.reason, at: command.now.toISOString() } }];
    case 'RecordSlaWarning':
      // A repeat (a second scheduler, a retried timer) finds the alert recorded and adds nothing.
      if (state.sla === null || state.slaAlerts.includes(`${command.clock}:warning`)) return [];
      return [{ type: 'SlaWarningReached', data: { clock: command.clock, dueAt: command.dueAt?.toISOString() ?? null, warningAt: command.warningAt.toISOString(), at, ...(command.notifyUserIds?.length ? { notifyUserIds: [...command.notifyUserIds] } : {}) } }];
    case 'RecordSlaBreach':
      if (state.sla === null || state.slaAlerts.includes(`${command.clock}:breach`)) return [];
      return [{ type: 'SlaBreached', data: { clock: command.clock, dueAt: command.dueAt.toISOString(), at, ...(command.notifyUserIds?.length ? { notifyUserIds: [...command.notifyUserIds] } : {}) } }];
    case 'MergeInto':
      return mergeInto(command, state);
    case 'UndoMerge':
      return undoMerge(command, state);
    case 'ResolveWithProblem':
      return resolveWithProblem(command, state);
    case 'SplitOffComments':
      return splitOff(command, state);
    case 'AddAttachment':
      return attach(command, state);
    case 'LinkArticle':
      if (!command.articleReadable) throw new ValidationError('invalid article', [{ path: '/articleId', message: 'no article with this id' }]);
      // Linking again is a no-op, so the article's "resolved tickets" count can never see the ticket twice.
      return state.articleIds.includes(command.articleId) ? [] : [{ type: 'TicketArticleLinked', data: { articleId: command.articleId, at } }];
    case 'DeleteTicket':
      return [{ type: 'TicketDeleted', data: { by: command.actorId, at } }];
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function open(command: OpenTicket, state: Ticket): TicketEvent[] {
  if (state.exists) throw new IllegalStateError('the ticket already exists');
  const details = validDetails(
    {
      title: command.title,
      description: command.description,
      tags: command.tags,
      assetIds: command.assetIds,
      risk: command.risk,
      plannedStart: command.plannedStart,
      plannedEnd: command.plannedEnd,
    },
    command.ticketType === 'change',
  );
  // Only a service request answers its service's form; anything else has nothing to answer.
  const answers = requireAnswers(command.ticketType === 'service_request' ? (command.requestForm ?? null) : null, command.answers ?? {});
  return [
    {
      type: 'TicketOpened',
      data: {
        ticketId: command.ticketId,
        tenantId: command.tenantId,
        number: command.number,
        type: command.ticketType,
        title: details.title ?? '',
        description: details.description ?? '',
        impact: command.impact,
        urgency: command.urgency,
        priority: priorityOf(command.impact, command.urgency),
        requesterId: command.requesterId,
        teamId: command.teamId,
        categoryId: command.categoryId,
        serviceId: command.serviceId,
        tags: details.tags ?? [],
        assetIds: details.assetIds ?? [],
        risk: details.risk ?? null,
        plannedStart: details.plannedStart ?? null,
        plannedEnd: details.plannedEnd ?? null,
        openedBy: command.actorId,
        at: command.now.toISOString(),
        // Left out when empty, as in events from before answers existed: absent means {}.
        ...(Object.keys(answers).length > 0 ? { answers } : {}),
      },
    },
  ];
}

function update(command: UpdateTicket, state: OpenTicketState): TicketEvent[] {
  if (!isOpen(state.status)) throw new IllegalStateError(`a ${state.status} ticket cannot be edited`, { currentStatus: state.status });
  const changes = validDetails(command.changes, state.type === 'change', state);
  // A field given as undefined is a field not given.
  const actual = Object.fromEntries(Object.entries(changes).filter(([key, value]) => value !== undefined && JSON.stringify(value) !== JSON.stringify(state[key as keyof TicketDetails]))) as TicketDetails;
  if (Object.keys(actual).length === 0) return [];
  const at = command.now.toISOString();
  const events: TicketEvent[] = [{ type: 'TicketUpdated', data: { changes: actual, at } }];
  const priority = priorityOf(actual.impact ?? state.impact, actual.urgency ?? state.urgency);
  // A manager's override stands until they override again; the matrix only moves unpinned priorities.
  if (!state.priorityOverridden && priority !== state.priority) {
    events.push({ type: 'TicketPriorityChanged', data: { priority, previous: state.priority, reason: null, overridden: false, at } });
  }
  return events;
}

function overridePriority(command: OverridePriority, state: OpenTicketState): TicketEvent[] {
  if (!isOpen(state.status)) throw new IllegalStateError(`the priority of a ${state.status} ticket is final`, { currentStatus: state.status });
  const reason = requireText(command.reason, '/reason', 'a reason for the override', 1000);
  if (command.priority === state.priority && state.priorityOverridden) return [];
  return [{ type: 'TicketPriorityChanged', data: { priority: command.priority, previous: state.priority, reason, overridden: true, at: command.now.toISOString() } }];
}

function assign(command: AssignTicket, state: OpenTicketState): TicketEvent[] {
  transition(state.status, 'assign');
  if (command.assigneeId !== null && !command.assigneeEligible) {
    throw new ValidationError('the assignee must be an active technician or manager of this tenant', [{ path: '/assigneeId', message: 'not an active agent' }]);
  }
  if (command.assigneeId !== null && command.teamId !== null && !command.assigneeInTeam) {
    throw new ValidationError('the assignee must be a member of the team', [{ path: '/assigneeId', message: 'not a member of the team' }]);
  }
  if (command.assigneeId === state.assigneeId && command.teamId === state.teamId) return [];
  const routedBy = command.queueId !== undefined ? { queueId: command.queueId } : {};
  return [{ type: 'TicketAssigned', data: { assigneeId: command.assigneeId, teamId: command.teamId, previousAssigneeId: state.assigneeId, at: command.now.toISOString(), ...routedBy } }];
}

function reopen(command: ReopenTicket, state: OpenTicketState): TicketEvent[] {
  transition(state.status, 'reopen');
  const resolvedAt = state.resolvedAt ? Date.parse(state.resolvedAt) : 0;
  if (command.now.getTime() - resolvedAt > command.reopenWindowMs) {
    throw new IllegalStateError('the reopen window has passed; raise a new ticket instead', { currentStatus: state.status, reopenWindowMs: command.reopenWindowMs });
  }
  const status = state.assigneeId === null ? 'new' : 'in_progress';
  return [{ type: 'TicketReopened', data: { reason: requireText(command.reason, '/reason', 'a reason', 1000), by: command.actorId, status, at: command.now.toISOString() } }];
}

function comment(command: AddComment): TicketEvent[] {
  const body = requireText(command.body, '/body', 'a comment', 20_000);
  return [{ type: 'TicketCommented', data: { commentId: command.commentId, authorId: command.authorId, body, internal: command.internal, at: command.now.toISOString(), carriedFrom: null } }];
}

function editComment(command: EditComment, state: OpenTicketState): TicketEvent[] {
  const existing = state.comments.find((candidate) => candidate.id === command.commentId);
  if (!existing) throw new NotFoundError('comment not found');
  if (existing.authorId !== command.editorId) throw new ForbiddenError('only the author may edit a comment');
  if (command.now.getTime() - Date.parse(existing.at) > command.editWindowMs) {
    throw new IllegalStateError('the edit window for this comment has passed', { editWindowMs: command.editWindowMs });
  }
  const body = requireText(command.body, '/body', 'a comment', 20_000);
  if (body === existing.body) return [];
  return [{ type: 'TicketCommentEdited', data: { commentId: existing.id, body, previousBody: existing.body, by: command.editorId, at: command.now.toISOString() } }];
}

function requestApproval(command: RequestApproval, state: OpenTicketState): TicketEvent[] {
  if (state.type !== 'change' && state.type !== 'service_request') {
    throw new IllegalStateError(`a ${state.type.replace('_', ' ')} does not take approvals`, { type: state.type });
  }
  if (state.status !== 'new' && state.status !== 'assigned') {
    throw new IllegalStateError('approval is requested before work starts', { currentStatus: state.status });
  }
  const approverIds = [...new Set(command.approverIds)];
  if (approverIds.length === 0 || approverIds.length > MAX_APPROVERS) {
    throw new ValidationError('name between 1 and 20 approvers', [{ path: '/approverIds', message: `between 1 and ${MAX_APPROVERS} approvers` }]);
  }
  if (!command.approversEligible) throw new ValidationError('every approver must be an active manager or admin of this tenant', [{ path: '/approverIds', message: 'not all eligible' }]);
  return [{ type: 'TicketApprovalRequested', data: { approverIds, by: command.actorId, at: command.now.toISOString() } }];
}

function decideApproval(command: DecideApproval, state: OpenTicketState): TicketEvent[] {
  if (!state.approvals || !state.approvals.approverIds.includes(command.approverId)) throw new ForbiddenError('you are not an approver of this ticket');
  if (state.status !== 'new' && state.status !== 'assigned') throw new IllegalStateError('approvals are decided before work starts', { currentStatus: state.status });
  if (state.approvals.decisions[command.approverId] !== undefined) throw new IllegalStateError('you have already decided on this ticket', { decision: state.approvals.decisions[command.approverId] });
  const comment = command.comment.trim();
  if (command.decision === 'rejected' && comment.length === 0) throw new ValidationError('a rejection needs a comment', [{ path: '/comment', message: 'required when rejecting' }]);
  const at = command.now.toISOString();
  return [command.decision === 'approved' ? { type: 'TicketApproved', data: { approverId: command.approverId, comment, at } } : { type: 'TicketRejected', data: { approverId: command.approverId, comment, at } }];
}

function link(command: LinkTicket, state: OpenTicketState): TicketEvent[] {
  if (command.targetId === state.id) throw new ValidationError('a ticket cannot link to itself', [{ path: '/targetId', message: 'the same ticket' }]);
  if (!command.targetExists) throw new ValidationError('no such ticket to link to', [{ path: '/targetId', message: 'no ticket with this id in this tenant' }]);
  if (command.kind === 'caused_by' && state.type !== 'incident') {
    throw new ValidationError('only an incident is caused by a problem', [{ path: '/kind', message: 'caused_by links an incident to its problem' }]);
  }
  if (state.links.some((existing) => existing.kind === command.kind && existing.targetId === command.targetId)) return [];
  return [{ type: 'TicketLinked', data: { linkId: command.linkId, kind: command.kind, targetId: command.targetId, at: command.now.toISOString() } }];
}

/** Anyone who sees the ticket may attach, in any status: evidence often arrives after resolution. */
function attach(command: AddAttachment, state: OpenTicketState): TicketEvent[] {
  // The same attachment id twice is a retried request, already done.
  if (state.attachments.some((existing) => existing.id === command.attachmentId)) return [];
  if (state.attachments.length >= MAX_ATTACHMENTS) throw new IllegalStateError(`a ticket holds at most ${MAX_ATTACHMENTS} attachments`, { maxAttachments: MAX_ATTACHMENTS });
  if (command.size <= 0) throw new ValidationError('the file is empty', [{ path: '/file', message: 'an attachment needs content' }]);
  const { attachmentId, sha256, size, mediaType, uploadedBy } = command;
  return [{ type: 'TicketAttachmentAdded', data: { attachmentId, sha256, size, mediaType, filename: sanitiseFilename(command.filename), uploadedBy, at: command.now.toISOString() } }];
}

/** A change may start only when approval was requested, nobody rejected and everybody approved. */
function requireApproved(state: OpenTicketState): void {
  const approvals = state.approvals;
  const decisions = approvals ? approvals.approverIds.map((id) => approvals.decisions[id]) : [];
  if (!approvals) throw new IllegalStateError('a change needs approval before work starts; request it first', { approvals: null });
  if (decisions.includes('rejected')) throw new IllegalStateError('the change was rejected', { approvals });
  if (decisions.some((decision) => decision === undefined)) throw new IllegalStateError('the change is still waiting for approvals', { approvals });
}

function validDetails(changes: TicketDetails, isChange: boolean, current?: OpenTicketState): TicketDetails {
  const errors: FieldError[] = [];
  const out: TicketDetails = { ...changes };
  if (changes.title !== undefined) {
    out.title = changes.title.trim();
    if (out.title.length === 0 || out.title.length > 300) errors.push({ path: '/title', message: 'between 1 and 300 characters' });
  }
  if (changes.description !== undefined) {
    out.description = changes.description.trim();
    if (out.description.length > 50_000) errors.push({ path: '/description', message: 'at most 50,000 characters' });
  }
  if (changes.tags !== undefined) {
    out.tags = [...new Set(changes.tags.map((tag) => tag.trim().toLowerCase()).filter((tag) => tag.length > 0))];
    if (out.tags.length > MAX_TAGS || out.tags.some((tag) => tag.length > 50)) errors.push({ path: '/tags', message: `at most ${MAX_TAGS} tags of at most 50 characters` });
  }
  if (changes.assetIds !== undefined) out.assetIds = [...new Set(changes.assetIds)];
  const changeOnly = (['risk', 'plannedStart', 'plannedEnd'] as const).filter((key) => changes[key] !== undefined && changes[key] !== null);
  if (!isChange && changeOnly.length > 0) errors.push(...changeOnly.map((key) => ({ path: `/${key}`, message: 'only changes have a risk and a planned window' })));
  const start = changes.plannedStart !== undefined ? changes.plannedStart : (current?.plannedStart ?? null);
  const end = changes.plannedEnd !== undefined ? changes.plannedEnd : (current?.plannedEnd ?? null);
  if (start !== null && end !== null && Date.parse(end) <= Date.parse(start)) errors.push({ path: '/plannedEnd', message: 'must be after plannedStart' });
  if (errors.length > 0) throw new ValidationError('the ticket is not valid', errors);
  return out;
}

function requireCode(raw: string): string {
  const code = raw.trim();
  if (!/^[a-z0-9_]{1,50}$/.test(code)) throw new ValidationError('a resolution code is required', [{ path: '/code', message: 'lowercase letters, digits and underscores, e.g. fixed, workaround, duplicate' }]);
  return code;
}

/** The problem behind an open incident is solved: the incident is settled with it, whatever stage it had reached. */
function resolveWithProblem(command: ResolveWithProblem, state: OpenTicketState): TicketEvent[] {
  if (!isOpen(state.status)) throw new IllegalStateError(`${state.number} is ${state.status.replace('_', ' ')} already`, { currentStatus: state.status });
  return [{ type: 'TicketResolved', data: { code: 'problem_resolved', notes: `Resolved with problem ${command.problemNumber}`, by: command.actorId, at: command.now.toISOString() } }];
}

// Keyed by every field, so a field added to SlaTerms cannot be left out of the comparison.
const SLA_TERM_FIELDS = Object.keys({ policyId: 0, policyVersion: 0, calendarId: 0, calendarVersion: 0, priority: 0, firstResponseMinutes: 0, resolutionMinutes: 0, warningShare: 0 } satisfies Record<keyof SlaTerms, 0>) as (keyof SlaTerms)[];

/**
 * Field by field: terms read back from the log come in the key order the store keeps (PostgreSQL's
 * jsonb sorts keys), so comparing serialisations took unchanged terms for new ones.
 */
function sameTerms(a: SlaTerms, b: SlaTerms | null): boolean {
  return b !== null && SLA_TERM_FIELDS.every((field) => a[field] === b[field]);
}
