import { EMAIL_KINDS } from '../../../domain/email-template/index.js';
import * as audit from '../../audit/router.js';
import * as templates from '../../notifications/email-templates-router.js';
import * as outbox from '../../notifications/outbox-router.js';
import * as queues from '../../queues/router.js';
import { searchQuery } from '../../search/router.js';
import type { JsonSchema } from '../json-schema.js';
import { instant, page, ref, resource } from '../json-schema.js';
import type { Area, ParameterNote } from '../operation.js';
import { z } from 'zod';

const open = (description: string): JsonSchema => ({ type: 'object', description, additionalProperties: true });
const queueWritten = (status = 200) => ({ status, description: 'The queue as projected after the command.', schema: ref('Queue'), etag: true, ...(status === 201 ? { location: true } : {}) });
const noBody = z.object({}).strict().optional();

export const deskSchemas: Record<string, JsonSchema> = {
  Queue: resource('A queue: the rules that route new tickets to a team, and how it assigns them.'),
  EmailTemplate: open('The subject, HTML and text of one kind of email (Handlebars), with its version once edited.'),
  OutboxMessage: open('A mail waiting, sent or failed.'),
  SearchHit: open('A ticket, article or asset that matched, with its kind and a highlighted snippet.'),
};

export const queuesArea: Area = {
  tag: 'Queues',
  description: 'How new tickets are routed to teams and assignees.',
  access: 'signedIn',
  idempotent: true,
  operations: [
    { method: 'POST', path: '/api/v1/queues', summary: 'Create a queue', body: queues.createBody, ok: queueWritten(201), afterWrite: true, errors: [409] },
    { method: 'GET', path: '/api/v1/queues', summary: 'List queues', query: queues.queuesQuery, ok: { status: 200, description: 'A page of queues, by position.', schema: page(ref('Queue')) } },
    { method: 'GET', path: '/api/v1/queues/:id', summary: 'Read a queue', ok: { status: 200, description: 'The queue.', schema: ref('Queue'), etag: true } },
    { method: 'PATCH', path: '/api/v1/queues/:id', summary: 'Edit a queue', body: queues.patchBody, ok: queueWritten(), afterWrite: true, errors: [409] },
    { method: 'POST', path: '/api/v1/queues/:id/deactivate', summary: 'Deactivate a queue', body: noBody, ok: queueWritten(), afterWrite: true, errors: [409] },
    { method: 'POST', path: '/api/v1/queues/:id/reactivate', summary: 'Reactivate a queue', body: noBody, ok: queueWritten(), afterWrite: true, errors: [409] },
  ],
};

const kind: ParameterNote = { description: 'The kind of email.', schema: { type: 'string', enum: [...EMAIL_KINDS] } };
const rendered: JsonSchema = { type: 'object', required: ['subject', 'html', 'text'], properties: { subject: { type: 'string' }, html: { type: 'string' }, text: { type: 'string' } } };

export const notificationsArea: Area = {
  tag: 'Notifications',
  description: 'Email templates and the mail outbox (admins).',
  access: 'signedIn',
  idempotent: true,
  operations: [
    { method: 'GET', path: '/api/v1/email-templates', summary: 'List email templates', ok: { status: 200, description: 'Every kind, edited or default.', schema: page(ref('EmailTemplate')) } },
    { method: 'GET', path: '/api/v1/email-templates/:kind', summary: 'Read an email template', pathParams: { kind }, ok: { status: 200, description: 'The template.', schema: ref('EmailTemplate'), etag: true } },
    {
      method: 'PUT',
      path: '/api/v1/email-templates/:kind',
      summary: 'Replace an email template',
      pathParams: { kind },
      body: templates.templateBody,
      ifMatch: true,
      ok: { status: 200, description: 'The template as projected after the command.', schema: ref('EmailTemplate'), etag: true },
      afterWrite: true,
      errors: [409],
    },
    {
      method: 'POST',
      path: '/api/v1/email-templates/:kind/preview',
      summary: 'Preview an email template',
      description: 'Renders the draft given with sample data; a field left out (or an empty body, or `{}`) is taken from the current template. Changes nothing.',
      pathParams: { kind },
      body: templates.previewBody,
      ok: { status: 200, description: 'The rendered mail.', schema: rendered },
    },
    { method: 'GET', path: '/api/v1/notifications/outbox', summary: 'List the mail outbox', query: outbox.outboxQuery, ok: { status: 200, description: 'A page of messages.', schema: page(ref('OutboxMessage')) } },
  ],
};

const auditEvent: JsonSchema = {
  type: 'object',
  required: ['position', 'streamId', 'revision', 'id', 'type', 'recordedAt', 'data', 'metadata', 'hash'],
  properties: {
    position: { type: 'string' },
    streamId: { type: 'string' },
    revision: { type: 'integer' },
    id: { type: 'string' },
    type: { type: 'string' },
    recordedAt: instant,
    data: { type: 'object', description: 'The event’s data, secrets removed.', additionalProperties: true },
    metadata: { type: 'object', additionalProperties: true },
    hash: { type: ['string', 'null'], description: 'The event’s link in the tenant’s hash chain.' },
  },
};

export const auditArea: Area = {
  tag: 'Audit',
  description: "The tenant's event log and its hash chain.",
  access: 'signedIn',
  idempotent: false,
  operations: [
    {
      method: 'GET',
      path: '/api/v1/audit/verify',
      summary: 'Verify the hash chain',
      description: "The whole tenant's chain, or one stream's.",
      query: audit.verifyQuery,
      queryNotes: { stream: 'One stream, such as `ticket-<uuid>`.' },
      ok: { status: 200, description: 'Whether the chain holds, and where it breaks if not.', schema: { type: 'object', required: ['verifiedAt'], properties: { verifiedAt: instant }, additionalProperties: true } },
    },
    {
      method: 'GET',
      path: '/api/v1/audit/events',
      summary: "Export the tenant's events",
      query: audit.eventsQuery,
      queryNotes: { after: 'The `nextCursor` of the previous page.' },
      ok: { status: 200, description: 'A page of events, oldest first.', schema: { type: 'object', required: ['data', 'nextCursor', 'end'], properties: { data: { type: 'array', items: auditEvent }, nextCursor: { type: 'string' }, end: { type: 'boolean' } } } },
    },
  ],
};

export const searchArea: Area = {
  tag: 'Search',
  description: 'Full-text search across tickets, articles and assets the caller may see.',
  access: 'signedIn',
  idempotent: false,
  operations: [
    {
      method: 'GET',
      path: '/api/v1/search',
      summary: 'Search',
      query: searchQuery,
      queryNotes: {
        q: 'The words to look for.',
        type: 'Comma-separated kinds to search (ticket, article, asset); all by default.',
        status: 'Comma-separated statuses.',
        ticketType: 'Comma-separated ticket types.',
        priority: 'Comma-separated priorities.',
        audience: 'Comma-separated article audiences (public, internal).',
      },
      ok: { status: 200, description: 'A page of hits, best first.', schema: page(ref('SearchHit')) },
    },
  ],
};
