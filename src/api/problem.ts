import { DomainError } from '../domain/errors.js';
import { VolatileStateUnavailableError } from '../volatile/index.js';
import type { FieldError } from '../domain/errors.js';

/** An RFC 9457 problem document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** A failure that belongs to HTTP itself (media type, size, syntax), not to the domain. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
  }
}

export function problemType(slug: string): string {
  return `urn:itsm:problem:${slug}`;
}

export interface RenderedProblem {
  readonly problem: Problem;
  readonly headers: Readonly<Record<string, string>>;
  /** True when the fault is ours (5xx): the error goes to the log, never to the client. */
  readonly ours: boolean;
}

/** Maps anything thrown below the API to what the client may see. */
export function renderProblem(error: unknown): RenderedProblem {
  if (error instanceof HttpProblem) {
    return { problem: { type: problemType(error.slug), title: error.title, status: error.status, detail: error.message }, headers: error.headers, ours: false };
  }
  if (error instanceof DomainError) return renderDomainError(error);
  if (error instanceof VolatileStateUnavailableError) {
    // A dependency of ours is down: say so (and when to retry), and log it as our fault.
    return { problem: { type: problemType('unavailable'), title: 'Service Unavailable', status: 503, detail: 'a backing service is unavailable; try again shortly' }, headers: { 'Retry-After': '5' }, ours: true };
  }
  const status = httpErrorStatus(error);
  if (status !== null && status >= 400 && status < 500) {
    // Koa and its routers throw http-errors for 404/405 and the like; their messages are safe.
    return { problem: { type: problemType(`http-${status}`), title: statusTitle(status), status, detail: (error as Error).message }, headers: {}, ours: false };
  }
  return {
    problem: { type: problemType('internal'), title: 'Internal Server Error', status: 500, detail: 'Something went wrong on our side; the request id helps us find it.' },
    headers: {},
    ours: true,
  };
}

function renderDomainError(error: DomainError): RenderedProblem {
  const base = (status: number, slug: string, title: string): Problem => ({ type: problemType(slug), title, status, detail: error.message });
  switch (error.kind) {
    case 'validation': {
      const problem = base(400, 'validation', 'Invalid request');
      if ('errors' in error && Array.isArray(error.errors)) problem.errors = [...(error.errors as FieldError[])];
      return { problem, headers: {}, ours: false };
    }
    case 'not_found':
      return { problem: base(404, 'not-found', 'Not found'), headers: {}, ours: false };
    case 'illegal_state': {
      const details = 'details' in error ? (error.details as Record<string, unknown>) : {};
      return { problem: { ...details, ...base(409, 'illegal-state', 'Not allowed in the current state') }, headers: {}, ours: false };
    }
    case 'concurrency': {
      const currentVersion = 'currentVersion' in error ? error.currentVersion : null;
      return { problem: { ...base(412, 'stale-version', 'Precondition failed'), currentVersion }, headers: {}, ours: false };
    }
    case 'conflict':
      return { problem: base(409, 'conflict', 'Conflict'), headers: {}, ours: false };
    case 'forbidden':
      return { problem: base(403, 'forbidden', 'Forbidden'), headers: {}, ours: false };
    case 'unauthorized':
      return { problem: base(401, 'unauthorized', 'Unauthorized'), headers: { 'WWW-Authenticate': 'Bearer' }, ours: false };
    case 'rate_limited': {
      const retryAfter = 'retryAfterSeconds' in error ? Number(error.retryAfterSeconds) : 1;
      return { problem: base(429, 'rate-limited', 'Too many requests'), headers: { 'Retry-After': String(retryAfter) }, ours: false };
    }
  }
}

function httpErrorStatus(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  const candidate = error as { status?: unknown; expose?: unknown };
  return typeof candidate.status === 'number' && candidate.expose === true ? candidate.status : null;
}

function statusTitle(status: number): string {
  const titles: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable', 409: 'Conflict', 411: 'Length Required', 413: 'Content Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Content', 429: 'Too Many Requests', 501: 'Not Implemented' };
  return titles[status] ?? 'Client Error';
}
