import getRawBody from 'raw-body';
import type { Middleware } from 'koa';
import type { AppState } from '../context.js';
import { ValidationError } from '../../domain/errors.js';
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
    const refused = unstorable(body);
    if (refused?.kind === 'nul') throw new HttpProblem(400, 'invalid-characters', 'Bad Request', 'the request body contains a NUL character (\\u0000)');
    if (refused?.kind === 'depth') throw new ValidationError('the request body is nested too deep', [{ path: refused.field, message: `nested more than ${MAX_DEPTH} levels deep` }]);
    ctx.state.body = body;
    await next();
  };
}

function tooLarge(limitBytes: number): HttpProblem {
  return new HttpProblem(413, 'body-too-large', 'Content Too Large', `the request body is larger than ${limitBytes} bytes`);
}

/** Deeper than any body a route accepts; recursive code downstream must never meet a deeper one. */
const MAX_DEPTH = 64;

/**
 * What PostgreSQL or our own recursion cannot take, found without recursing ourselves (a body
 * nested thousands deep would otherwise overflow the stack here): a NUL, or too much nesting,
 * with the top-level field it is under.
 */
function unstorable(value: unknown): { kind: 'nul' } | { kind: 'depth'; field: string } | null {
  const pending: Array<[unknown, number, string]> = [[value, 0, '']];
  while (pending.length > 0) {
    const [current, depth, field] = pending.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return { kind: 'nul' };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_DEPTH) return { kind: 'depth', field };
    for (const [key, inner] of Object.entries(current)) {
      if (key.includes('\u0000')) return { kind: 'nul' };
      pending.push([inner, depth + 1, depth === 0 ? `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}` : field]);
    }
  }
  return null;
}
