import type { z } from 'zod';
import type { JsonSchema } from './json-schema.js';
import { bodyIsOptional, ref, requestSchema } from './json-schema.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** How a request body is described: a zod schema that validates it, or a media type with a hand-written schema. */
export type BodySpec = z.ZodType | { readonly mediaType: string; readonly schema: JsonSchema; readonly required: boolean; readonly description?: string };

export interface ResponseSpec {
  readonly status: number;
  readonly description: string;
  /** Absent for answers without a body (204). */
  readonly schema?: JsonSchema;
  readonly mediaType?: string;
  /** The answer carries the resource's version as an ETag. */
  readonly etag?: boolean;
  /** The answer names the created resource in Location. */
  readonly location?: boolean;
}

export interface ParameterNote {
  readonly description?: string;
  readonly schema?: JsonSchema;
}

/** One route as the reference documents it; `path` is the router's own template (`/tickets/:id`). */
export interface OperationSpec {
  readonly method: Method;
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  /** Overrides the area's access (a public route inside a signed-in area, or the reverse). */
  readonly access?: Access;
  readonly pathParams?: Readonly<Record<string, ParameterNote>>;
  readonly query?: z.ZodType;
  /** Descriptions of query parameters the schema cannot carry (comma lists, formats on the wire). */
  readonly queryNotes?: Readonly<Record<string, string>>;
  readonly body?: BodySpec;
  readonly ok: ResponseSpec;
  /** A command answered read-your-writes: 202 with the log position when the projection lags. */
  readonly afterWrite?: boolean;
  /** Honours If-Match (412 when stale). */
  readonly ifMatch?: boolean;
  /** Problem statuses beyond the ones every operation of its kind may answer. */
  readonly errors?: readonly number[];
  /** What a problem status means on this route, where the shared description would mislead. */
  readonly problemNotes?: Readonly<Record<number, string>>;
  /** Overrides the area's Idempotency-Key support (a route mounted without it). */
  readonly idempotent?: boolean;
}

export type Access = 'public' | 'signedIn';

/** A group of operations shown under one tag. */
export interface Area {
  readonly tag: string;
  readonly description: string;
  readonly access: Access;
  /** The area's command routes honour Idempotency-Key. */
  readonly idempotent: boolean;
  readonly operations: readonly OperationSpec[];
}

const COMMAND_METHODS: ReadonlySet<Method> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const PROBLEM_RESPONSES: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  412: 'PreconditionFailed',
  413: 'ContentTooLarge',
  415: 'UnsupportedMediaType',
  422: 'UnprocessableContent',
  429: 'TooManyRequests',
  503: 'ServiceUnavailable',
};

/** `/tickets/:id/comments/:commentId` → `/tickets/{id}/comments/{commentId}`. */
export function openApiPath(template: string): string {
  return template.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

export function pathParameterNames(template: string): string[] {
  return [...template.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1] ?? '');
}

/** An id in a path: any UUID, or (for tickets) the human number. */
function defaultPathParameter(name: string): ParameterNote {
  return { schema: { type: 'string', format: 'uuid' }, description: name === 'id' ? 'The resource id.' : `The ${name.replace(/Id$/, '')} id.` };
}

/** The list convention's parameters mean the same everywhere. */
const COMMON_QUERY_NOTES: Readonly<Record<string, string>> = { limit: 'Rows per page.', cursor: 'The `nextCursor` of the previous page.' };

function queryParameters(spec: OperationSpec): JsonSchema[] {
  if (!spec.query) return [];
  const schema = requestSchema(spec.query);
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    const note = spec.queryNotes?.[name] ?? (typeof description === 'string' ? description : COMMON_QUERY_NOTES[name]);
    return { name, in: 'query', required: required.has(name), schema: rest, ...(note ? { description: note } : {}) };
  });
}

function requestBody(body: BodySpec): JsonSchema {
  if ('safeParse' in body) {
    return { required: !bodyIsOptional(body), content: { 'application/json': { schema: requestSchema(body) } } };
  }
  return { required: body.required, ...(body.description ? { description: body.description } : {}), content: { [body.mediaType]: { schema: body.schema } } };
}

function successResponse(ok: ResponseSpec): JsonSchema {
  const headers: Record<string, JsonSchema> = {};
  if (ok.etag) headers.ETag = { $ref: '#/components/headers/ETag' };
  if (ok.location) headers.Location = { $ref: '#/components/headers/Location' };
  return {
    description: ok.description,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(ok.schema ? { content: { [ok.mediaType ?? 'application/json']: { schema: ok.schema } } } : {}),
  };
}

/** The operation object of one route, with the problems its kind of route can answer. */
export function operationObject(area: Area, spec: OperationSpec): JsonSchema {
  const access = spec.access ?? area.access;
  const command = COMMAND_METHODS.has(spec.method);
  const keyed = command && access === 'signedIn' && (spec.idempotent ?? area.idempotent);
  const pathNames = pathParameterNames(spec.path);
  const parameters: JsonSchema[] = [
    ...pathNames.map((name) => {
      const note = { ...defaultPathParameter(name), ...spec.pathParams?.[name] };
      return { name, in: 'path', required: true, schema: note.schema, description: note.description };
    }),
    ...queryParameters(spec),
    ...(spec.ifMatch ? [{ $ref: '#/components/parameters/IfMatch' }] : []),
    ...(keyed ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
  ];

  const statuses = new Set<number>(spec.errors ?? []);
  if (spec.body || spec.query || spec.ifMatch) statuses.add(400);
  if (access === 'signedIn') statuses.add(401).add(403);
  if (pathNames.length > 0) statuses.add(404);
  if (spec.ifMatch) statuses.add(412);
  if (keyed) statuses.add(409).add(422);
  if (spec.body && !('safeParse' in spec.body)) statuses.add(415);
  statuses.add(429);

  const responses: Record<string, JsonSchema> = { [String(spec.ok.status)]: successResponse(spec.ok) };
  if (spec.afterWrite) responses['202'] = { $ref: '#/components/responses/Accepted' };
  for (const status of [...statuses].sort((a, b) => a - b)) {
    const name = PROBLEM_RESPONSES[status];
    const note = spec.problemNotes?.[status];
    responses[String(status)] = name && !note ? { $ref: `#/components/responses/${name}` } : { description: note ?? 'A problem.', content: { 'application/problem+json': { schema: ref('Problem') } } };
  }
  responses.default = { $ref: '#/components/responses/Problem' };

  return {
    tags: [area.tag],
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    operationId: operationId(spec),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.body ? { requestBody: requestBody(spec.body) } : {}),
    responses,
    security: access === 'public' ? [] : [{ bearerAuth: [] }],
  };
}

/**
 * A stable id from method and path: `postApiV1TicketsIdComments`. No underscores: Swagger UI's deep
 * links read `_` as an escaped space.
 */
function operationId(spec: OperationSpec): string {
  const words = spec.path.split(/[^A-Za-z0-9]+/).filter((word) => word.length > 0);
  return [spec.method.toLowerCase(), ...words.map((word) => word.charAt(0).toUpperCase() + word.slice(1))].join('');
}
