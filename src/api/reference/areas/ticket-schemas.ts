import { LEVELS, LINK_KINDS, PRIORITIES, RISKS, STATUSES, TICKET_TYPES } from '../../../domain/ticket/index.js';
import type { JsonSchema } from '../json-schema.js';
import { instant, nullable, ref, uuid } from '../json-schema.js';

const text = { type: 'string' } as const;
const integer = { type: 'integer', minimum: 0 } as const;
const minutes = { type: 'number', minimum: 0, description: 'Business minutes, with a fraction while the clock runs.' } as const;
const strings = { type: 'array', items: text } as const;
const ids = { type: 'array', items: uuid } as const;

/** What a ticket looks like in lists and after commands (src/projections/tickets/queries.ts, TicketView). */
const ticketFields: Record<string, JsonSchema> = {
  id: uuid,
  number: { type: 'string', pattern: '^(INC|REQ|PRB|CHG)-\\d{6,}$', examples: ['INC-000042'] },
  type: { type: 'string', enum: [...TICKET_TYPES] },
  title: text,
  description: text,
  status: { type: 'string', enum: [...STATUSES] },
  impact: { type: 'string', enum: [...LEVELS] },
  urgency: { type: 'string', enum: [...LEVELS] },
  priority: { type: 'string', enum: [...PRIORITIES], description: 'From impact × urgency unless overridden.' },
  priorityOverridden: { type: 'boolean' },
  requesterId: uuid,
  assigneeId: nullable(uuid),
  teamId: nullable(uuid),
  categoryId: nullable(uuid),
  serviceId: nullable(uuid),
  tags: strings,
  assetIds: ids,
  watcherIds: ids,
  risk: nullable({ type: 'string', enum: [...RISKS] }),
  plannedStart: nullable(instant),
  plannedEnd: nullable(instant),
  pendingReason: nullable(text),
  resolution: nullable({ type: 'object', required: ['code', 'notes'], properties: { code: text, notes: text } }),
  resolvedAt: nullable(instant),
  closedAt: nullable(instant),
  reopenCount: integer,
  createdAt: instant,
  updatedAt: instant,
  version: { ...integer, description: 'The stream revision; also sent as the ETag.' },
};

const outcome: JsonSchema = {
  type: 'object',
  description: "One ticket's result in a batch: its status, and the problem when it was refused.",
  required: ['id', 'status'],
  properties: { id: uuid, status: { type: 'integer' }, problem: ref('Problem') },
};

const clock: JsonSchema = {
  type: 'object',
  properties: {
    state: text,
    phase: text,
    targetMinutes: integer,
    // A running clock is read between minute boundaries: its business minutes have a fraction.
    elapsedMinutes: minutes,
    pausedMinutes: minutes,
    remainingMinutes: minutes,
    dueAt: nullable(instant),
    warningAt: nullable(instant),
    breachedAt: nullable(instant),
    metAt: nullable(instant),
  },
  additionalProperties: true,
};

export const ticketSchemas: Record<string, JsonSchema> = {
  Ticket: { type: 'object', required: Object.keys(ticketFields), properties: ticketFields },
  TicketDetail: {
    description: 'One ticket with its answers, links, approvals and attachments.',
    allOf: [
      ref('Ticket'),
      {
        type: 'object',
        required: ['answers', 'links', 'approvals', 'attachments'],
        properties: {
          answers: { type: 'object', description: "A service request's answers to its service's request form; {} otherwise.", additionalProperties: true },
          links: { type: 'array', items: { type: 'object', required: ['id', 'kind', 'targetId', 'createdAt'], properties: { id: uuid, kind: { type: 'string', enum: [...LINK_KINDS] }, targetId: uuid, createdAt: instant } } },
          approvals: {
            type: 'array',
            items: { type: 'object', required: ['approverId', 'decision', 'comment', 'decidedAt'], properties: { approverId: uuid, decision: nullable({ type: 'string', enum: ['approved', 'rejected'] }), comment: nullable(text), decidedAt: nullable(instant) } },
          },
          attachments: { type: 'array', items: ref('Attachment') },
        },
      },
    ],
  },
  TicketPage: {
    type: 'object',
    required: ['data', 'nextCursor'],
    properties: {
      data: { type: 'array', items: ref('Ticket') },
      nextCursor: { ...nullable(text), description: 'Pass as `cursor` for the next page; null on the last page.' },
      total: { ...integer, description: 'Only with `count=true`.' },
    },
  },
  TicketSettled: {
    description: 'The ticket after resolve/close; with `resolveLinkedIncidents`, each linked incident’s result too.',
    allOf: [ref('TicketDetail'), { type: 'object', properties: { linkedIncidents: { type: 'array', items: outcome } } }],
  },
  TicketComment: {
    type: 'object',
    required: ['id', 'authorId', 'authorName', 'body', 'internal', 'createdAt', 'editedAt', 'copiedFrom'],
    properties: {
      id: uuid,
      authorId: uuid,
      authorName: { ...nullable(text), description: "The author's name now; `[forgotten]` once they were forgotten." },
      body: text,
      internal: { type: 'boolean', description: 'Internal notes are shown to agents only.' },
      createdAt: instant,
      editedAt: nullable(instant),
      copiedFrom: { ...nullable(uuid), description: 'The ticket a merge or split copied this comment from; null for a comment written here.' },
    },
  },
  Attachment: {
    type: 'object',
    required: ['id', 'ticketId', 'filename', 'mediaType', 'size', 'sha256', 'uploadedBy', 'createdAt'],
    properties: { id: uuid, ticketId: uuid, filename: text, mediaType: { type: 'string', description: 'Detected from the content at upload.' }, size: integer, sha256: text, uploadedBy: uuid, createdAt: instant },
  },
  BulkResult: { type: 'object', required: ['results', 'succeeded', 'failed'], properties: { results: { type: 'array', items: outcome }, succeeded: integer, failed: integer } },
  TicketSla: {
    type: 'object',
    required: ['policy', 'clocks'],
    properties: {
      policy: nullable({ type: 'object', required: ['id', 'version', 'calendarId', 'calendarVersion', 'priority'], properties: { id: uuid, version: integer, calendarId: uuid, calendarVersion: integer, priority: text } }),
      clocks: nullable({ type: 'object', required: ['firstResponse', 'resolution'], properties: { firstResponse: clock, resolution: clock } }),
    },
  },
  TicketHistoryEntry: {
    type: 'object',
    required: ['revision', 'position', 'eventId', 'type', 'occurredAt', 'recordedAt', 'actor', 'summary', 'changes'],
    properties: {
      revision: integer,
      position: text,
      eventId: text,
      type: text,
      occurredAt: instant,
      recordedAt: instant,
      actor: nullable({ type: 'object', required: ['id', 'name'], properties: { id: text, name: nullable(text) } }),
      summary: text,
      changes: { type: 'array', items: { type: 'object', additionalProperties: true } },
    },
  },
};
