import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { IdentityDependencies } from '../../commands/identity/dependencies.js';
import { changePassword, disableMfa, enableMfa, refreshSession, signIn, signOut, startMfaSetup, verifySecondFactor } from '../../commands/identity/authentication.js';
import { signup } from '../../commands/identity/signup.js';
import { NotFoundError } from '../../domain/errors.js';
import { getUser } from '../../projections/users/queries.js';
import type { AppState } from '../context.js';
import { anonymousContext, commandContext, setVersion } from '../http.js';
import { parseInput } from '../validation.js';
import { actorOf } from './actor.js';

const text = (max: number) => z.string().max(max);
/** `timeZone`: an IANA name for the office hours the tenant starts with (UTC when left out). */
export const signupBody = z.object({ organization: text(200), email: text(320), password: text(1024), name: text(200), timeZone: text(64).optional() }).strict();
export const loginBody = z.object({ tenant: text(64), email: text(320), password: text(1024) }).strict();
export const mfaVerifyBody = z.object({ mfaToken: text(128), code: text(64) }).strict();
export const refreshBody = z.object({ refreshToken: text(256) }).strict();
export const codeBody = z.object({ code: text(64) }).strict();
export const passwordBody = z.object({ currentPassword: text(1024), newPassword: text(1024) }).strict();
const emptyBody = z.object({}).strict().optional();

export function authRouter(deps: IdentityDependencies, authenticate: Middleware<AppState>): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1' });

  router.post('/signup', async (ctx) => {
    const input = parseInput(signupBody, ctx.state.body);
    const result = await signup(deps, input, anonymousContext(ctx, deps.clock()));
    ctx.status = 201;
    ctx.body = { tenant: result.tenant, user: result.user, ...result.tokens };
  });

  router.post('/auth/login', async (ctx) => {
    const input = parseInput(loginBody, ctx.state.body);
    const result = await signIn(deps, input, ctx.ip, anonymousContext(ctx, deps.clock()));
    ctx.body = result.kind === 'tokens' ? result.tokens : { mfaRequired: true, mfaToken: result.mfaToken };
  });

  router.post('/auth/mfa/verify', async (ctx) => {
    const input = parseInput(mfaVerifyBody, ctx.state.body);
    ctx.body = await verifySecondFactor(deps, input, ctx.ip, anonymousContext(ctx, deps.clock()));
  });

  router.post('/auth/refresh', async (ctx) => {
    const input = parseInput(refreshBody, ctx.state.body);
    ctx.body = await refreshSession(deps, input, anonymousContext(ctx, deps.clock()));
  });

  router.post('/auth/logout', async (ctx) => {
    const input = parseInput(refreshBody, ctx.state.body);
    await signOut(deps, input, anonymousContext(ctx, deps.clock()));
    ctx.status = 204;
  });

  router.post('/auth/mfa/setup', authenticate, async (ctx) => {
    parseInput(emptyBody, ctx.state.body);
    const actor = actorOf(ctx);
    ctx.body = await startMfaSetup(deps, actor, commandContext(ctx, actor, deps.clock()));
  });

  router.post('/auth/mfa/enable', authenticate, async (ctx) => {
    const input = parseInput(codeBody, ctx.state.body);
    const actor = actorOf(ctx);
    ctx.body = await enableMfa(deps, actor, input, commandContext(ctx, actor, deps.clock()));
  });

  router.post('/auth/mfa/disable', authenticate, async (ctx) => {
    const input = parseInput(codeBody, ctx.state.body);
    const actor = actorOf(ctx);
    await disableMfa(deps, actor, input, ctx.ip, commandContext(ctx, actor, deps.clock()));
    ctx.status = 204;
  });

  router.post('/auth/password', authenticate, async (ctx) => {
    const input = parseInput(passwordBody, ctx.state.body);
    const actor = actorOf(ctx);
    await changePassword(deps, actor, input, ctx.ip, commandContext(ctx, actor, deps.clock()));
    ctx.status = 204;
  });

  router.get('/me', authenticate, async (ctx) => {
    const actor = actorOf(ctx);
    const user = await getUser(deps.knex, actor.tenantId, actor.userId);
    if (!user) throw new NotFoundError('user not found');
    setVersion(ctx, user.version);
    ctx.body = { ...user, tenantId: actor.tenantId };
  });

  return router;
}
