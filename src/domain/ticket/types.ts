import type { JsonObject } from '../json.js';
import type { DomainEvent } from '../decider.js';
import type { Level, Priority } from './priority.js';

export const TICKET_TYPES = ['incident', 'service_request', 'problem', 'change'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

export const NUMBER_PREFIX: Readonly<Record<TicketType, string>> = { incident: 'INC', service_request: 'REQ', problem: 'PRB', change: 'CHG' };

export const STATUSES = ['new', 'assigned', 'in_progress', 'pending', 'resolved', 'closed', 'cancelled'] as const;
export type TicketStatus = (typeof STATUSES)[number];

export const LINK_KINDS = ['relates_to', 'duplicate_of', 'parent_of', 'child_of', 'caused_by'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export const RISKS = ['low', 'medium', 'high'] as const;
export type Risk = (typeof RISKS)[number];

/** Fields a ticket's owner can edit after opening it; each absent field is left alone. */
export type TicketDetails = {
  title?: string;
  description?: string;
  impact?: Level;
  urgency?: Level;
  categoryId?: string | null;
  serviceId?: string | null;
  tags?: string[];
  assetIds?: string[];
  risk?: Risk | null;
  plannedStart?: string | null;
  plannedEnd?: string | null;
};

export type TicketOpened = DomainEvent<
  'TicketOpened',
  {
    ticketId: string;
    tenantId: string;
    number: string;
    type: TicketType;
    title: string;
    description: string;
    impact: Level;
    urgency: Level;
    priority: Priority;
    requesterId: string;
    teamId: string | null;
    categoryId: string | null;
    serviceId: string | null;
    tags: string[];
    assetIds: string[];
    risk: Risk | null;
    plannedStart: string | null;
    plannedEnd: string | null;
    openedBy: string;
    at: string;
    /** A service request's answers to its service's form; tickets opened before answers existed lack it (read as {}). */
    answers?: JsonObject;
  }
>;
export type TicketUpdated = DomainEvent<'TicketUpdated', { changes: TicketDetails; at: string }>;
export type TicketPriorityChanged = DomainEvent<'TicketPriorityChanged', { priority: Priority; previous: Priority; reason: string | null; overridden: boolean; at: string }>;
/** `queueId`: present when a queue routed the ticket on opening rather than a person assigning it. */
export type TicketAssigned = DomainEvent<'TicketAssigned', { assigneeId: string | null; teamId: string | null; previousAssigneeId: string | null; at: string; queueId?: string }>;
export type TicketWorkStarted = DomainEvent<'TicketWorkStarted', { by: string; at: string }>;
export type TicketPended = DomainEvent<'TicketPended', { reason: string; at: string }>;
export type TicketResumed = DomainEvent<'TicketResumed', { at: string }>;
export type TicketResolved = DomainEvent<'TicketResolved', { code: string; notes: string; by: string; at: string }>;
export type TicketClosed = DomainEvent<'TicketClosed', { by: string | null; at: string }>;
export type TicketReopened = DomainEvent<'TicketReopened', { reason: string; by: string; status: TicketStatus; at: string }>;
export type TicketCancelled = DomainEvent<'TicketCancelled', { reason: string; by: string; at: string }>;
export type TicketCommented = DomainEvent<'TicketCommented', { commentId: string; authorId: string; body: string; internal: boolean; at: string; carriedFrom: string | null }>;
export type TicketCommentEdited = DomainEvent<'TicketCommentEdited', { commentId: string; body: string; previousBody: string; by: string; at: string }>;
/** `carriedFrom`: the ticket whose merge brought the watcher here (absent when they were added for themselves). */
export type TicketWatcherAdded = DomainEvent<'TicketWatcherAdded', { userId: string; at: string; carriedFrom?: string }>;
export type TicketWatcherRemoved = DomainEvent<'TicketWatcherRemoved', { userId: string; at: string }>;
export type TicketApprovalRequested = DomainEvent<'TicketApprovalRequested', { approverIds: string[]; by: string; at: string }>;
export type TicketApproved = DomainEvent<'TicketApproved', { approverId: string; comment: string; at: string }>;
export type TicketRejected = DomainEvent<'TicketRejected', { approverId: string; comment: string; at: string }>;
export type TicketLinked = DomainEvent<'TicketLinked', { linkId: string; kind: LinkKind; targetId: string; at: string }>;
export type TicketUnlinked = DomainEvent<'TicketUnlinked', { linkId: string; at: string }>;
export type TicketAttachmentAdded = DomainEvent<
  'TicketAttachmentAdded',
  { attachmentId: string; sha256: string; size: number; mediaType: string; filename: string; uploadedBy: string; at: string }
>;
/** The SLA a ticket runs under: which policy and calendar versions, and the targets for its priority. */
export type SlaTerms = {
  policyId: string;
  policyVersion: number;
  calendarId: string;
  calendarVersion: number;
  priority: Priority;
  firstResponseMinutes: number;
  resolutionMinutes: number;
  warningShare: number;
};
export type TicketSlaApplied = DomainEvent<'TicketSlaApplied', { terms: SlaTerms; reason: string; at: string }>;

export const SLA_CLOCKS = ['firstResponse', 'resolution'] as const;
export type SlaClock = (typeof SLA_CLOCKS)[number];
/**
 * The scheduler saw the clock pass its warning share. `dueAt` is when the target falls due, null
 * while the clock is paused (the due instant is unknown until it runs again); `warningAt` is when
 * the share was reached; `at` is when it was recorded.
 */
export type SlaWarningReached = DomainEvent<'SlaWarningReached', { clock: SlaClock; dueAt: string | null; warningAt: string; at: string; notifyUserIds?: string[] }>;
/** The scheduler saw the clock pass its target at `dueAt`; `at` is when it was recorded. `notifyUserIds`: as on the warning. */
export type SlaBreached = DomainEvent<'SlaBreached', { clock: SlaClock; dueAt: string; at: string; notifyUserIds?: string[] }>;
/** One recorded alert: a clock's warning or breach. */
export type SlaAlert = `${SlaClock}:${'warning' | 'breach'}`;

/** This ticket duplicated `masterId`: its conversation now lives there, and it is closed. */
export type TicketMergedInto = DomainEvent<'TicketMergedInto', { masterId: string; by: string; at: string }>;
/** A mistaken merge undone: the duplicate is live again, in `status` (the one it had before the merge). */
export type TicketUnmerged = DomainEvent<'TicketUnmerged', { masterId: string; status: TicketStatus; reason: string; by: string; at: string }>;
/**
 * The master lets go of what a merge from `fromTicketId` copied into it: those comments leave its
 * conversation (the history keeps them, and the duplicate still has its own).
 */
export type TicketConversationWithdrawn = DomainEvent<'TicketConversationWithdrawn', { fromTicketId: string; commentIds: string[]; by: string; at: string }>;
/** Comments moved to a new ticket; they leave this ticket's conversation (the history keeps them). */
export type TicketCommentsSplitOff = DomainEvent<'TicketCommentsSplitOff', { commentIds: string[]; newTicketId: string; by: string; at: string }>;
/** A knowledge-base article that helped with this ticket; the article projection counts it once the ticket is resolved. */
export type TicketArticleLinked = DomainEvent<'TicketArticleLinked', { articleId: string; at: string }>;
export type TicketDeleted = DomainEvent<'TicketDeleted', { by: string; at: string }>;
export type TicketRestored = DomainEvent<'TicketRestored', { by: string; at: string }>;

export type TicketEvent =
  | TicketOpened
  | TicketUpdated
  | TicketPriorityChanged
  | TicketAssigned
  | TicketWorkStarted
  | TicketPended
  | TicketResumed
  | TicketResolved
  | TicketClosed
  | TicketReopened
  | TicketCancelled
  | TicketCommented
  | TicketCommentEdited
  | TicketWatcherAdded
  | TicketWatcherRemoved
  | TicketApprovalRequested
  | TicketApproved
  | TicketRejected
  | TicketLinked
  | TicketUnlinked
  | TicketAttachmentAdded
  | TicketMergedInto
  | TicketUnmerged
  | TicketConversationWithdrawn
  | TicketSlaApplied
  | SlaWarningReached
  | SlaBreached
  | TicketCommentsSplitOff
  | TicketDeleted
  | TicketRestored
  | TicketArticleLinked;

export interface Comment {
  readonly id: string;
  readonly authorId: string;
  readonly body: string;
  readonly internal: boolean;
  readonly at: string;
  /** The ticket a merge or split copied this comment from; null for a comment written here. */
  readonly carriedFrom: string | null;
}

/** How a duplicate was merged: into which ticket, and the status it had before (an undo returns to it). */
export interface MergeRecord {
  readonly masterId: string;
  readonly statusBefore: TicketStatus;
}

export interface Link {
  readonly id: string;
  readonly kind: LinkKind;
  readonly targetId: string;
}

/** A file attached to the ticket: the bytes live in the blob store under `sha256`. */
export interface Attachment {
  readonly id: string;
  readonly sha256: string;
  readonly size: number;
  readonly mediaType: string;
  readonly filename: string;
  readonly uploadedBy: string;
  readonly at: string;
}

export interface Approvals {
  readonly approverIds: readonly string[];
  /** approverId → their decision; absent means not decided yet. */
  readonly decisions: Readonly<Record<string, 'approved' | 'rejected'>>;
}

export interface OpenTicketState {
  readonly exists: true;
  readonly id: string;
  readonly tenantId: string;
  readonly number: string;
  readonly type: TicketType;
  readonly title: string;
  readonly description: string;
  readonly impact: Level;
  readonly urgency: Level;
  readonly priority: Priority;
  readonly priorityOverridden: boolean;
  readonly requesterId: string;
  readonly assigneeId: string | null;
  readonly teamId: string | null;
  readonly categoryId: string | null;
  readonly serviceId: string | null;
  readonly tags: readonly string[];
  readonly assetIds: readonly string[];
  readonly watchers: readonly string[];
  /** Watchers a merge brought in, with the duplicate they came from: an undo of that merge removes them. */
  readonly carriedWatchers: ReadonlyArray<{ readonly userId: string; readonly fromTicketId: string }>;
  readonly status: TicketStatus;
  readonly resolvedAt: string | null;
  readonly risk: Risk | null;
  readonly plannedStart: string | null;
  readonly plannedEnd: string | null;
  readonly approvals: Approvals | null;
  readonly links: readonly Link[];
  /** Knowledge-base articles linked to the ticket, each once. */
  readonly articleIds: readonly string[];
  readonly comments: readonly Comment[];
  readonly attachments: readonly Attachment[];
  readonly deleted: boolean;
  /** Set while this ticket is a merged duplicate. */
  readonly mergedInto: MergeRecord | null;
  /** The SLA terms recorded for the ticket; a later policy edit never rewrites them. */
  readonly sla: SlaTerms | null;
  /**
   * Warnings and breaches recorded under the current terms. New terms clear them (the targets
   * moved, so the clocks are judged afresh); a reopen does not, since the resolution clock resumes
   * where it stood and a breach already recorded stays the same breach.
   */
  readonly slaAlerts: readonly SlaAlert[];
}

export type Ticket = { readonly exists: false } | OpenTicketState;
