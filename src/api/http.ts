import { z } from 'zod';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import type { LogPosition } from '../eventstore/types.js';
import { formatPosition } from '../eventstore/types.js';
import type { AppContext } from './context.js';
import type { CommandContext } from '../commands/metadata.js';
import type { Actor } from '../commands/identity/actor.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that is not a UUID cannot name anything: 404, never a database error. */
export function idParam(ctx: AppContext, name: string): string {
  const value = (ctx.params as Record<string, string | undefined>)[name] ?? '';
  if (!UUID.test(value)) throw new NotFoundError('not found');
  return value.toLowerCase();
}

/** If-Match carries the version (stream revision) the client decided on; `*` or absent means any. */
export function expectedVersion(ctx: AppContext): number | undefined {
  const header = ctx.get('If-Match').trim();
  if (header === '' || header === '*') return undefined;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(header);
  if (!match) throw new ValidationError('invalid If-Match', [{ path: '/headers/if-match', message: 'expected an ETag such as "3"' }]);
  return Number(match[1]);
}

export function setVersion(ctx: AppContext, version: number): void {
  ctx.set('ETag', `"${version}"`);
}

export function commandContext(ctx: AppContext, actor: Actor | null, now: Date): CommandContext {
  return { ...anonymousContext(ctx, now), tenantId: actor?.tenantId ?? '', actorId: actor?.userId ?? null };
}

export function anonymousContext(ctx: AppContext, now: Date): Omit<CommandContext, 'tenantId' | 'actorId'> {
  return { correlationId: ctx.state.correlationId, causationId: ctx.state.requestId, now, idempotency: ctx.state.idempotency };
}

export const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().max(512).optional(),
  })
  .strict();

/**
 * Read-your-writes: answers with the resource as projected after the command. If the projection
 * has not caught up within the bound, 202 with the log position to poll for instead.
 */
export async function respondAfterWrite<View extends { version: number }>(
  ctx: AppContext,
  options: { position: LogPosition | null; waitFor: (position: LogPosition) => Promise<boolean>; read: () => Promise<View | null>; status: number; location?: string },
): Promise<void> {
  if (options.position && !(await options.waitFor(options.position))) {
    ctx.status = 202;
    ctx.body = { status: 'accepted', position: formatPosition(options.position) };
    return;
  }
  const view = await options.read();
  if (!view) throw new NotFoundError('not found');
  ctx.status = options.status;
  if (options.location) ctx.set('Location', options.location);
  setVersion(ctx, view.version);
  ctx.body = view;
}
