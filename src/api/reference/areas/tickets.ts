import { listWithText } from '../../tickets/router.js';
import * as body from '../../tickets/schemas.js';
import type { JsonSchema } from '../json-schema.js';
import { all, ref } from '../json-schema.js';
import type { Area, OperationSpec, ParameterNote } from '../operation.js';

const ticketId: ParameterNote = {
  description: 'The ticket: its UUID, or its number such as `INC-000042`.',
  schema: { type: 'string', anyOf: [{ format: 'uuid' }, { pattern: '^(INC|REQ|PRB|CHG)-\\d{6,}$' }] },
};
const path = (suffix = ''): string => `/api/v1/tickets${suffix}`;
const ticket = ref('TicketDetail');

/** A command that answers the ticket as projected after it. */
function command(method: OperationSpec['method'], suffix: string, summary: string, extra: Partial<OperationSpec> = {}): OperationSpec {
  return {
    method,
    path: path(suffix),
    summary,
    pathParams: { id: ticketId },
    ok: { status: 200, description: 'The ticket after the command.', schema: ticket, etag: true },
    afterWrite: true,
    errors: [409],
    ...extra,
  };
}

const listNotes: Record<string, string> = {
  status: 'Comma-separated statuses, e.g. `new,assigned` (new, assigned, in_progress, pending, resolved, closed, cancelled).',
  type: 'Comma-separated types (incident, service_request, problem, change).',
  priority: 'Comma-separated priorities, e.g. `P1,P2`.',
  count: '`true` adds `total` (it costs a count).',
  cursor: 'The `nextCursor` of the previous page.',
  sort: 'Order; a leading `-` is descending: newest or highest first. `-priority` is the most urgent first (P1, P2, … P5), `priority` the least urgent first (P5 … P1). Ties are broken by id.',
  assigneeId: "One agent's tickets (a user id), or `none` for the tickets nobody is assigned.",
  teamId: "One team's tickets (a team id), or `none` for the tickets with no team.",
  tag: 'Tickets carrying this tag.',
  createdFrom: 'Created at or after this instant.',
  createdTo: 'Created before this instant.',
  updatedFrom: 'Updated at or after this instant.',
  updatedTo: 'Updated before this instant.',
  q: 'Words to look for in title, description and comments, through the search index.',
};

const multipartFile: JsonSchema = { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', contentMediaType: 'application/octet-stream' } } };

export const ticketsArea: Area = {
  tag: 'Tickets',
  description: 'Incidents, service requests, problems and changes: their lifecycle, comments, links, approvals, SLA and files.',
  access: 'signedIn',
  idempotent: true,
  operations: [
    {
      method: 'POST',
      path: path(),
      summary: 'Raise a ticket',
      description: 'Opens a ticket; the number (INC-…, REQ-…) is given per tenant. A service request is checked against its service’s request form.',
      body: body.openBody,
      ok: { status: 201, description: 'The ticket as projected after it was raised.', schema: ticket, etag: true, location: true },
      afterWrite: true,
      errors: [409],
    },
    {
      method: 'POST',
      path: path('/bulk'),
      summary: 'Apply one action to many tickets',
      description: 'Each ticket succeeds or fails on its own; the answer lists every ticket’s status and problem.',
      body: body.bulkBody,
      ok: { status: 200, description: 'Per-ticket results.', schema: ref('BulkResult') },
    },
    {
      method: 'GET',
      path: path(),
      summary: 'List tickets',
      description: 'Keyset pages, filtered; requesters see only the tickets they raised.',
      query: listWithText,
      queryNotes: listNotes,
      ok: { status: 200, description: 'A page of tickets.', schema: ref('TicketPage') },
    },
    {
      method: 'GET',
      path: path('/:id'),
      summary: 'Read a ticket',
      description: 'With `asOf` or `asOfVersion`, the ticket as it was then (time travel; agents and auditors).',
      pathParams: { id: ticketId },
      query: body.asOfQuery,
      queryNotes: { asOf: 'An instant: the ticket as it was then.', asOfVersion: 'A stream revision: the ticket as it was at that version. Not with `asOf`.' },
      ok: { status: 200, description: 'The ticket.', schema: ticket, etag: true },
    },
    {
      method: 'GET',
      path: path('/:id/history'),
      summary: "Read a ticket's history",
      description: 'Every event of the ticket’s stream in order, with what it changed; requesters see only the public part.',
      pathParams: { id: ticketId },
      ok: { status: 200, description: 'The history.', schema: all(ref('TicketHistoryEntry')) },
    },
    command('PATCH', '/:id', 'Edit a ticket', { body: body.patchBody, ifMatch: true }),
    command('POST', '/:id/priority', 'Override the priority', { body: body.priorityBody, ifMatch: true }),
    command('POST', '/:id/assign', 'Assign a ticket', {
      body: body.assignBody,
      ifMatch: true,
      description: '`assigneeId: null` unassigns. Managers assign anyone; a technician takes a ticket themselves, or hands over a ticket assigned to them or to one of their teams (to a team, or an agent of that team).',
    }),
    command('POST', '/:id/start', 'Start work on a ticket', { body: body.emptyBody, ifMatch: true }),
    command('POST', '/:id/pend', 'Put a ticket on hold', { body: body.reasonBody, ifMatch: true, description: 'Pauses the SLA resolution clock.' }),
    command('POST', '/:id/resume', 'Resume a pending ticket', { body: body.emptyBody, ifMatch: true }),
    command('POST', '/:id/reopen', 'Reopen a resolved ticket', { body: body.reasonBody, ifMatch: true }),
    command('POST', '/:id/cancel', 'Cancel a ticket', { body: body.reasonBody, ifMatch: true }),
    command('POST', '/:id/resolve', 'Resolve a ticket', {
      body: body.resolveBody,
      ifMatch: true,
      description:
        'From assigned, in progress or pending. With `resolveLinkedIncidents`, a problem also resolves every open incident linked to it (the incident `caused_by` or `child_of` it, or the problem `parent_of` the incident), whatever stage each reached, each with its own result.',
      ok: { status: 200, description: 'The ticket after the command.', schema: ref('TicketSettled'), etag: true },
    }),
    command('POST', '/:id/close', 'Close a ticket', {
      body: body.closeBody,
      ifMatch: true,
      ok: { status: 200, description: 'The ticket after the command.', schema: ref('TicketSettled'), etag: true },
    }),
    {
      method: 'GET',
      path: path('/:id/sla'),
      summary: "Read a ticket's SLA clocks",
      pathParams: { id: ticketId },
      ok: { status: 200, description: 'The policy the ticket runs under and its clocks.', schema: ref('TicketSla') },
    },
    {
      method: 'POST',
      path: path('/:id/sla/what-if'),
      summary: 'Compute the SLA clocks under another policy',
      description: 'Changes nothing.',
      pathParams: { id: ticketId },
      body: body.whatIfBody,
      ok: { status: 200, description: 'The clocks under that policy’s current version.', schema: ref('TicketSla') },
    },
    command('POST', '/:id/merge', 'Merge a duplicate into a master ticket', {
      body: body.mergeBody,
      description:
        'The master takes copies of the duplicate’s comments (each marked with `copiedFrom`) and its watchers; the duplicate is closed with a `duplicate_of` link. 409 when the master is closed, cancelled, deleted, itself merged, or the same ticket.',
    }),
    command('POST', '/:id/unmerge', 'Undo a mistaken merge', {
      body: body.reasonBody,
      description:
        'Managers and admins, on the duplicate: it reopens in the status it had before the merge and loses its `duplicate_of` link; the copies the merge put into the master leave the master’s conversation (its history keeps them) and the watchers the merge added stop watching. 409 when the ticket was not merged.',
    }),
    command('POST', '/:id/split', 'Split comments off into a new ticket', {
      body: body.splitBody,
      ok: { status: 201, description: 'The new ticket.', schema: ticket, etag: true, location: true },
    }),
    {
      method: 'GET',
      path: path('/:id/comments'),
      summary: "List a ticket's comments",
      description: 'Internal notes only for agents.',
      pathParams: { id: ticketId },
      ok: { status: 200, description: 'The comments, oldest first.', schema: all(ref('TicketComment')) },
    },
    {
      method: 'POST',
      path: path('/:id/comments'),
      summary: 'Comment on a ticket',
      pathParams: { id: ticketId },
      body: body.commentBody,
      ok: { status: 201, description: 'The comment.', schema: ref('TicketComment'), location: true },
      afterWrite: true,
      errors: [409],
    },
    {
      method: 'PATCH',
      path: path('/:id/comments/:commentId'),
      summary: 'Edit a comment',
      pathParams: { id: ticketId },
      body: body.editCommentBody,
      ok: { status: 200, description: 'The comment after the edit.', schema: ref('TicketComment') },
      errors: [409],
    },
    {
      method: 'GET',
      path: path('/:id/articles'),
      summary: 'List the articles linked to a ticket',
      description: 'Requesters see only articles published for them.',
      pathParams: { id: ticketId },
      ok: { status: 200, description: 'The linked articles.', schema: all({ type: 'object', additionalProperties: true }) },
    },
    {
      method: 'POST',
      path: path('/:id/articles'),
      summary: 'Link an article to a ticket',
      pathParams: { id: ticketId },
      body: body.articleLinkBody,
      ok: { status: 201, description: 'The linked articles after the link.', schema: all({ type: 'object', additionalProperties: true }) },
      errors: [409],
    },
    command('POST', '/:id/links', 'Link a ticket to another', { body: body.linkBody, ok: { status: 201, description: 'The ticket after the link.', schema: ticket, etag: true } }),
    command('DELETE', '/:id/links/:linkId', 'Remove a link'),
    command('POST', '/:id/watchers', 'Add a watcher', { body: body.watcherBody }),
    command('DELETE', '/:id/watchers/:userId', 'Remove a watcher'),
    command('POST', '/:id/approvals', 'Request approvals', { body: body.approvalsBody }),
    command('POST', '/:id/approve', 'Approve (as a requested approver)', { body: body.decisionBody }),
    command('POST', '/:id/reject', 'Reject (as a requested approver)', { body: body.decisionBody }),
    {
      method: 'DELETE',
      path: path('/:id'),
      summary: 'Delete a ticket (soft)',
      description: 'An event like any other: the history keeps it, and restore brings the ticket back.',
      pathParams: { id: ticketId },
      ifMatch: true,
      ok: { status: 204, description: 'Deleted.' },
      errors: [409],
    },
    {
      method: 'POST',
      path: path('/:id/restore'),
      summary: 'Restore a deleted ticket',
      pathParams: { id: { description: 'The ticket’s UUID (a deleted ticket has no number lookup).' } },
      body: body.emptyBody,
      ok: { status: 200, description: 'The ticket after the command.', schema: ticket, etag: true },
      afterWrite: true,
      errors: [409],
    },
    {
      method: 'POST',
      path: path('/:id/attachments'),
      summary: 'Attach a file to a ticket',
      description: 'One multipart field named `file`. The media type is detected from the content. 413 when the file is larger than ATTACHMENT_MAX_BYTES (`attachment-too-large`) or does not fit in what is left of the tenant’s ATTACHMENT_QUOTA_BYTES_PER_TENANT (`attachment-quota-exceeded`); nothing of a refused file is kept.',
      pathParams: { id: { description: 'The ticket’s UUID.' } },
      body: { mediaType: 'multipart/form-data', schema: multipartFile, required: true },
      ok: { status: 201, description: 'The attachment.', schema: ref('Attachment'), location: true },
      afterWrite: true,
      errors: [409, 413],
    },
    {
      method: 'GET',
      path: path('/:id/attachments'),
      summary: "List a ticket's files",
      pathParams: { id: { description: 'The ticket’s UUID.' } },
      ok: { status: 200, description: 'The attachments.', schema: all(ref('Attachment')) },
    },
    {
      method: 'GET',
      path: '/api/v1/attachments/:id',
      summary: "Read a file's metadata",
      ok: { status: 200, description: 'The attachment.', schema: ref('Attachment') },
    },
    {
      method: 'GET',
      path: '/api/v1/attachments/:id/content',
      summary: "Download a file's bytes",
      description: 'Always served as a download (Content-Disposition: attachment), never rendered.',
      ok: { status: 200, description: 'The bytes, with the detected media type.', mediaType: 'application/octet-stream', schema: { type: 'string', format: 'binary' } },
    },
  ],
};
