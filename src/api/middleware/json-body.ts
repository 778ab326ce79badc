import getRawBody from 'raw-body';
import type { Middleware } from 'koa';
import type { AppState } from '../context.js';
import { HttpProblem } from '../problem.js';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Reads JSON request bodies: anything else is 415, too much is 413 (without reading it all),
 * broken JSON is 400. Routes that take uploads (CSV, files) skip it by path prefix.
 */
export function jsonBody(options: { limitBytes: number; skip?: (path: string) => boolean }): Middleware<AppState> {
  return async (ctx, next) => {
    ctx.state.body = undefined;
    if (!METHODS_WITH_BODY.has(ctx.method) || options.skip?.(ctx.path)) {
      await next();
      return;
    }
    const length = ctx.request.length;
    const hasBody = (length !== undefined && length > 0) || ctx.get('Transfer-Encoding') !== '';
    if (!hasBody) {
      await next();
      return;
    }
    if (!ctx.is('application/json', 'application/*+json')) {
      throw new HttpProblem(415, 'unsupported-media-type', 'Unsupported Media Type', `expected application/json, got ${ctx.get('Content-Type') || 'no Content-Type'}`, { Accept: 'application/json' });
    }
    if (length !== undefined && length > options.limitBytes) throw tooLarge(options.limitBytes);
    let text: string;
    try {
      text = await getRawBody(ctx.req, { limit: options.limitBytes, encoding: 'utf-8', ...(length !== undefined ? { length } : {}) });
    } catch (error) {
      const type = (error as { type?: unknown }).type;
      if (type === 'entity.too.large') throw tooLarge(options.limitBytes);
      throw new HttpProblem(400, 'unreadable-body', 'Bad Request', 'the request body could not be read');
    }
    let body: unknown;
    try {
      body = text.length === 0 ? undefined : (JSON.parse(text) as unknown);
    } catch {
      throw new HttpProblem(400, 'malformed-json', 'Bad Request', 'the request body is not valid JSON');
    }
    // PostgreSQL text and jsonb cannot hold U+0000: refuse it here rather than fail in SQL.
    if (holdsNul(body)) throw new HttpProblem(400, 'invalid-characters', 'Bad Request', 'the request body contains a NUL character (\\u0000)');
    ctx.state.body = body;
    await next();
  };
}

function tooLarge(limitBytes: number): HttpProblem {
  return new HttpProblem(413, 'body-too-large', 'Content Too Large', `the request body is larger than ${limitBytes} bytes`);
}

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value !== null && typeof value === 'object') return Object.entries(value).some(([key, inner]) => key.includes('\u0000') || holdsNul(inner));
  return false;
}
