import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { EmailTemplateDependencies } from '../../commands/notifications/email-templates.js';
import { previewEmailTemplate, saveEmailTemplate } from '../../commands/notifications/email-templates.js';
import { authorize } from '../../commands/identity/actor.js';
import type { EmailKind } from '../../domain/email-template/index.js';
import { isEmailKind } from '../../domain/email-template/index.js';
import { NotFoundError } from '../../domain/errors.js';
import type { LogPosition } from '../../eventstore/types.js';
import { getEmailTemplate, listEmailTemplates } from '../../projections/notifications/queries.js';
import type { AppContext, AppState } from '../context.js';
import { commandContext, expectedVersion, respondAfterWrite, setVersion } from '../http.js';
import { actorOf } from '../identity/actor.js';
import { parseInput } from '../validation.js';

export const templateBody = z.object({ subject: z.string().max(500), html: z.string().max(100_000), text: z.string().max(100_000) }).strict();
/**
 * A preview renders the draft it is given; a part left out (or the whole body, or `{}`) is the
 * current template's, so an admin can preview only the subject they are changing.
 */
export const previewBody = templateBody.partial().optional();

function kindParam(ctx: AppContext): EmailKind {
  const kind = (ctx.params as Record<string, string | undefined>).kind;
  if (!isEmailKind(kind)) throw new NotFoundError('no such kind of email');
  return kind;
}

/** `/api/v1/email-templates`: what the tenant's mail says, per kind. Admins only. */
export function emailTemplatesRouter(deps: EmailTemplateDependencies, authenticate: Middleware<AppState>, waitFor: (position: LogPosition) => Promise<boolean>): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/email-templates' });
  router.use(authenticate);

  router.get('/', async (ctx) => {
    const actor = actorOf(ctx);
    authorize(actor, 'notifications.manage');
    ctx.body = { data: await listEmailTemplates(deps.knex, actor.tenantId), nextCursor: null };
  });

  router.get('/:kind', async (ctx) => {
    const kind = kindParam(ctx);
    const actor = actorOf(ctx);
    authorize(actor, 'notifications.manage');
    const template = await getEmailTemplate(deps.knex, actor.tenantId, kind);
    if (template.version !== null) setVersion(ctx, template.version);
    ctx.body = template;
  });

  router.put('/:kind', async (ctx) => {
    const kind = kindParam(ctx);
    const input = parseInput(templateBody, ctx.state.body);
    const actor = actorOf(ctx);
    const written = await saveEmailTemplate(deps, actor, kind, input, commandContext(ctx, actor, deps.clock()), expectedVersion(ctx));
    const read = async () => {
      const view = await getEmailTemplate(deps.knex, actor.tenantId, kind);
      return view.version === null ? null : { ...view, version: view.version };
    };
    await respondAfterWrite(ctx, { position: written.position, waitFor, read, status: 200 });
  });

  router.post('/:kind/preview', async (ctx) => {
    const kind = kindParam(ctx);
    const draft = parseInput(previewBody, ctx.state.body);
    const actor = actorOf(ctx);
    authorize(actor, 'notifications.manage');
    const current = await getEmailTemplate(deps.knex, actor.tenantId, kind);
    ctx.body = previewEmailTemplate(actor, { subject: draft?.subject ?? current.subject, html: draft?.html ?? current.html, text: draft?.text ?? current.text });
  });
  return router;
}
