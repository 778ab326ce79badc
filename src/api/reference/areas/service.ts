import type { JsonSchema } from '../json-schema.js';
import type { Area } from '../operation.js';
import { DOCS_ASSET_NAMES } from '../docs-page.js';

const html: JsonSchema = { type: 'string', contentMediaType: 'text/html' };

/** The process itself: probes, and this reference. */
export const serviceArea: Area = {
  tag: 'Service',
  description: 'Probes and the API reference.',
  access: 'public',
  idempotent: false,
  operations: [
    { method: 'GET', path: '/healthz', summary: 'Liveness', ok: { status: 200, description: 'The process is alive.', schema: { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } } } },
    {
      method: 'GET',
      path: '/readyz',
      summary: 'Readiness',
      description: 'Dependencies reachable and projections within the allowed lag; 503 otherwise, with the same body.',
      ok: {
        status: 200,
        description: 'Ready to serve.',
        schema: { type: 'object', required: ['status', 'checks'], properties: { status: { type: 'string', enum: ['ready', 'not_ready'] }, checks: { type: 'object', additionalProperties: { type: 'object', required: ['name', 'ok'], properties: { name: { type: 'string' }, ok: { type: 'boolean' }, detail: {} } } } } },
      },
      errors: [503],
    },
    {
      method: 'GET',
      path: '/metrics',
      summary: 'Prometheus metrics',
      description: 'The text exposition format. When the server is configured with a metrics token, only `Authorization: Bearer <that token>` is answered (not a user’s access token).',
      ok: { status: 200, description: 'The metrics.', mediaType: 'text/plain', schema: { type: 'string' } },
      errors: [401],
    },
    { method: 'GET', path: '/openapi.json', summary: 'This OpenAPI document', ok: { status: 200, description: 'The OpenAPI 3.1 document.', schema: { type: 'object', additionalProperties: true } } },
    { method: 'GET', path: '/api/v1/openapi.json', summary: 'This OpenAPI document (under the API base path)', ok: { status: 200, description: 'The OpenAPI 3.1 document.', schema: { type: 'object', additionalProperties: true } } },
    { method: 'GET', path: '/docs', summary: 'The interactive API reference', ok: { status: 200, description: 'An HTML page rendering this document.', mediaType: 'text/html', schema: html } },
    {
      method: 'GET',
      path: '/docs/assets/:file',
      summary: 'A file of the reference page',
      description: 'The page’s scripts and styles, served from this process (no CDN).',
      pathParams: { file: { description: 'The file name.', schema: { type: 'string', enum: [...DOCS_ASSET_NAMES] } } },
      ok: { status: 200, description: 'The file.', mediaType: 'application/octet-stream', schema: { type: 'string' } },
    },
  ],
};
