import type { JsonSchema } from './json-schema.js';
import { ref } from './json-schema.js';

const problemContent = (schema: JsonSchema): JsonSchema => ({ 'application/problem+json': { schema } });

function problemResponse(description: string, extra: JsonSchema = {}): JsonSchema {
  return { description, content: problemContent(ref('Problem')), ...extra };
}

/** Shapes every area shares: RFC 9457 problems, the read-your-writes 202, the headers of versioned writes. */
export const sharedComponents = {
  schemas: {
    Problem: {
      type: 'object',
      description: 'An RFC 9457 problem document. Never carries a stack trace or a database message.',
      required: ['type', 'title', 'status'],
      properties: {
        type: { type: 'string', format: 'uri-reference', examples: ['urn:itsm:problem:validation'] },
        title: { type: 'string' },
        status: { type: 'integer', minimum: 400, maximum: 599 },
        detail: { type: 'string' },
        instance: { type: 'string' },
        errors: { type: 'array', description: 'Validation failures, one per field, located by JSON pointer.', items: ref('FieldError') },
        currentVersion: { type: ['integer', 'null'], description: 'On 412: the version the resource is at now.' },
      },
      additionalProperties: true,
    },
    FieldError: {
      type: 'object',
      required: ['path', 'message'],
      properties: { path: { type: 'string', description: 'A JSON pointer into the body or query (`/title`).' }, message: { type: 'string' } },
    },
    Accepted: {
      type: 'object',
      description: 'The command was applied but its read model has not caught up yet; poll the resource until it shows `position`.',
      required: ['status'],
      properties: { status: { const: 'accepted' }, position: { type: 'string', description: 'The log position the command was appended at.' } },
      additionalProperties: true,
    },
  },
  responses: {
    Accepted: { description: 'Applied; the read model lags (read-your-writes bound passed).', content: { 'application/json': { schema: ref('Accepted') } } },
    BadRequest: problemResponse('The body, query or a header is not valid; `errors` lists each field.'),
    Unauthorized: problemResponse('No valid access token.', { headers: { 'WWW-Authenticate': { schema: { type: 'string', const: 'Bearer' } } } }),
    Forbidden: problemResponse("The caller's role may not do this."),
    NotFound: problemResponse("No such resource in the caller's tenant (another tenant's ids answer this too)."),
    Conflict: problemResponse('Not allowed in the current state, a conflicting write, or a request with the same Idempotency-Key still running (then with Retry-After).'),
    PreconditionFailed: problemResponse('If-Match names a version that is no longer current; `currentVersion` says which is.'),
    ContentTooLarge: problemResponse('The body is larger than allowed.'),
    UnsupportedMediaType: problemResponse('The body is not of a media type this route reads.'),
    UnprocessableContent: problemResponse('The Idempotency-Key was already used with a different request.'),
    TooManyRequests: problemResponse('Rate limited; retry after the number of seconds in Retry-After.', { headers: { 'Retry-After': { schema: { type: 'integer', minimum: 0 } } } }),
    ServiceUnavailable: problemResponse('A backing service is unavailable; retry after Retry-After.'),
    Problem: problemResponse('Any other problem (RFC 9457).'),
  },
  parameters: {
    IfMatch: {
      name: 'If-Match',
      in: 'header',
      required: false,
      description: 'The version (ETag) the change was decided on, e.g. `"3"`. When the resource has moved on, the answer is 412. Absent or `*`: any version.',
      schema: { type: 'string', examples: ['"3"'] },
    },
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Makes a retry safe: the first request with a key runs and its answer is kept for 24 hours; a retry with the same key and request gets that answer again with `Idempotent-Replayed: true`, and nothing is appended twice. A key whose command committed is answered from the event log even when its answer was lost in a crash (a ticket creation: 201 with that ticket; other routes: 202 with the log position), at once and however late. The same key with another request answers 422; while the first still runs, 409 with Retry-After.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$' },
    },
  },
  headers: {
    ETag: { description: 'The resource version (stream revision), e.g. `"3"`; send it back in If-Match.', schema: { type: 'string' } },
    Location: { description: 'Where the created resource is.', schema: { type: 'string', format: 'uri-reference' } },
  },
  securitySchemes: {
    bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from POST /api/v1/auth/login (or /signup, /auth/refresh, /auth/mfa/verify).' },
  },
} as const satisfies Record<string, Record<string, JsonSchema>>;
