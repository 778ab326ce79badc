import type { JsonObject } from '../json.js';
import type { Level, Priority } from './priority.js';
import type { LinkKind, Risk, SlaClock, SlaTerms, TicketDetails, TicketStatus, TicketType } from './types.js';

export type OpenTicket = {
  type: 'OpenTicket';
  ticketId: string;
  tenantId: string;
  number: string;
  ticketType: TicketType;
  title: string;
  description: string;
  impact: Level;
  urgency: Level;
  requesterId: string;
  teamId: string | null;
  categoryId: string | null;
  serviceId: string | null;
  tags: string[];
  assetIds: string[];
  risk: Risk | null;
  plannedStart: string | null;
  plannedEnd: string | null;
  /** The requester's answers; absent reads as `{}`. */
  answers?: JsonObject;
  /** The request form of the named service, looked up by the caller; absent or null when it has none. */
  requestForm?: JsonObject | null;
  actorId: string;
  now: Date;
};
export type UpdateTicket = { type: 'UpdateTicket'; changes: TicketDetails; now: Date };
export type OverridePriority = { type: 'OverridePriority'; priority: Priority; reason: string; now: Date };
/** `assigneeEligible`/`assigneeInTeam`: looked up by the caller (an active agent of the tenant; a member of the team). */
/** `queueId`: the queue that routed the ticket, when the assignment is routing rather than a person's decision. */
export type AssignTicket = { type: 'AssignTicket'; assigneeId: string | null; teamId: string | null; assigneeEligible: boolean; assigneeInTeam: boolean; queueId?: string; now: Date };
export type StartWork = { type: 'StartWork'; actorId: string; now: Date };
export type PendTicket = { type: 'PendTicket'; reason: string; now: Date };
export type ResumeTicket = { type: 'ResumeTicket'; now: Date };
export type ResolveTicket = { type: 'ResolveTicket'; code: string; notes: string; actorId: string; now: Date };
export type CloseTicket = { type: 'CloseTicket'; actorId: string | null; now: Date };
export type ReopenTicket = { type: 'ReopenTicket'; reason: string; actorId: string; reopenWindowMs: number; now: Date };
export type CancelTicket = { type: 'CancelTicket'; reason: string; actorId: string; now: Date };
export type AddComment = { type: 'AddComment'; commentId: string; authorId: string; body: string; internal: boolean; now: Date };
export type EditComment = { type: 'EditComment'; commentId: string; editorId: string; body: string; editWindowMs: number; now: Date };
export type AddWatcher = { type: 'AddWatcher'; userId: string; now: Date };
export type RemoveWatcher = { type: 'RemoveWatcher'; userId: string; now: Date };
/** `approversEligible`: every named approver is an active manager or admin of the tenant. */
export type RequestApproval = { type: 'RequestApproval'; approverIds: string[]; approversEligible: boolean; actorId: string; now: Date };
export type DecideApproval = { type: 'DecideApproval'; approverId: string; decision: 'approved' | 'rejected'; comment: string; now: Date };
/** `targetExists`: the target is a ticket of the same tenant. */
export type LinkTicket = { type: 'LinkTicket'; linkId: string; kind: LinkKind; targetId: string; targetExists: boolean; now: Date };
export type UnlinkTicket = { type: 'UnlinkTicket'; linkId: string; now: Date };
/**
 * `sha256`, `size` and `mediaType` describe bytes already in the blob store, the media type as read
 * from the content; `filename` is the uploader's, sanitised by the decider.
 */
export type AddAttachment = { type: 'AddAttachment'; attachmentId: string; sha256: string; size: number; mediaType: string; filename: string; uploadedBy: string; now: Date };
/** `articleReadable`: the article is of the ticket's tenant and the caller may read it (looked up by the caller). */
export type LinkArticle = { type: 'LinkArticle'; articleId: string; articleReadable: boolean; now: Date };
export type DeleteTicket = { type: 'DeleteTicket'; actorId: string; now: Date };
export type RestoreTicket = { type: 'RestoreTicket'; actorId: string; now: Date };

/** A conversation carried over from another ticket (merge or split), kept as it was written. */
export type CarriedComment = { commentId: string; authorId: string; body: string; internal: boolean };
export type AbsorbConversation = { type: 'AbsorbConversation'; fromTicketId: string; comments: CarriedComment[]; watcherIds: string[]; now: Date };
/** The ticket a duplicate is to be merged into, as the caller found it in the same tenant; null when there is none. */
export type MergeTarget = { id: string; number: string; status: TicketStatus; deleted: boolean; mergedInto: string | null } | null;
export type MergeInto = { type: 'MergeInto'; master: MergeTarget; linkId: string; actorId: string; now: Date };
/** Undoes the merge of this duplicate; its master is told separately (WithdrawConversation). */
export type UndoMerge = { type: 'UndoMerge'; reason: string; actorId: string; now: Date };
/** The master's half of an undone merge: what the merge from `fromTicketId` copied in leaves again. */
export type WithdrawConversation = { type: 'WithdrawConversation'; fromTicketId: string; actorId: string; now: Date };
/** An incident resolved because the problem that caused it was: allowed from any open status. */
export type ResolveWithProblem = { type: 'ResolveWithProblem'; problemNumber: string; actorId: string; now: Date };
export type SplitOffComments = { type: 'SplitOffComments'; commentIds: string[]; newTicketId: string; linkId: string; actorId: string; now: Date };

/** `terms`: the policy the caller selected and looked up for this ticket (null: no policy applies). */
export type ApplySla = { type: 'ApplySla'; terms: SlaTerms | null; reason: string; now: Date };
/**
 * Issued by the scheduler once its evaluation of the clock (under the recorded terms) passed the warning share.
 * `notifyUserIds`: the people the policy's escalation step names, told of the alert besides the assignee or team.
 */
export type RecordSlaWarning = { type: 'RecordSlaWarning'; clock: SlaClock; dueAt: Date | null; warningAt: Date; notifyUserIds?: readonly string[]; now: Date };
/** Issued by the scheduler once its evaluation of the clock passed the target at `dueAt`. */
export type RecordSlaBreach = { type: 'RecordSlaBreach'; clock: SlaClock; dueAt: Date; notifyUserIds?: readonly string[]; now: Date };

export type TicketCommand =
  | OpenTicket
  | UpdateTicket
  | OverridePriority
  | AssignTicket
  | StartWork
  | PendTicket
  | ResumeTicket
  | ResolveTicket
  | CloseTicket
  | ReopenTicket
  | CancelTicket
  | AddComment
  | EditComment
  | AddWatcher
  | RemoveWatcher
  | RequestApproval
  | DecideApproval
  | LinkTicket
  | UnlinkTicket
  | AddAttachment
  | AbsorbConversation
  | ApplySla
  | RecordSlaWarning
  | RecordSlaBreach
  | MergeInto
  | UndoMerge
  | WithdrawConversation
  | ResolveWithProblem
  | SplitOffComments
  | DeleteTicket
  | RestoreTicket
  | LinkArticle;
