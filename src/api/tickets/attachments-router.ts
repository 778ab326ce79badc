import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { AttachmentDependencies, UploadAllowance } from '../../commands/tickets/attachments.js';
import { attachToTicket } from '../../commands/tickets/attachments.js';
import type { Actor } from '../../commands/identity/actor.js';
import { NotFoundError } from '../../domain/errors.js';
import { can } from '../../domain/permissions.js';
import { TICKET_NUMBER_PATTERN } from '../../domain/ticket/index.js';
import type { LogPosition } from '../../eventstore/types.js';
import { formatPosition } from '../../eventstore/types.js';
import type { AttachmentView, TicketScope } from '../../projections/tickets/queries.js';
import { getAttachment, getTicket, listAttachments, ticketIdByNumber } from '../../projections/tickets/queries.js';
import type { AppContext, AppState } from '../context.js';
import { commandContext, idParam } from '../http.js';
import { actorOf } from '../identity/actor.js';
import { receiveFile, requireMultipart } from '../multipart.js';
import { PLAIN_TEXT } from '../../blobs/index.js';

const UPLOAD_PATH = /^\/api\/v1\/tickets\/[^/]+\/attachments\/?$/;

/** The upload route reads its own (multipart) body: the app's JSON body parser must let it through. */
export const isAttachmentUpload = (path: string): boolean => UPLOAD_PATH.test(path);

const scopeOf = (actor: Actor): TicketScope => ({ tenantId: actor.tenantId, requesterId: can(actor.role, 'ticket.readAll') ? null : actor.userId });

/**
 * Files on tickets. `POST /api/v1/tickets/:id/attachments` takes one multipart file field named
 * `file`; `GET /api/v1/tickets/:id/attachments` lists a ticket's files (the ticket detail carries the
 * same list); `GET /api/v1/attachments/:id` is one file's metadata and `…/content` its bytes. Anyone
 * who sees the ticket sees and adds its files; everyone else gets 404.
 */
export function attachmentsRouter(deps: AttachmentDependencies, authenticate: Middleware<AppState>, waitFor: (position: LogPosition) => Promise<boolean>): Router<AppState> {
  const router = new Router<AppState>();
  router.use(authenticate);

  /** The path's ticket: a UUID, or a human number such as INC-000042. */
  async function ticketParam(ctx: AppContext): Promise<string> {
    const raw = (ctx.params as Record<string, string | undefined>).id ?? '';
    if (!TICKET_NUMBER_PATTERN.test(raw)) return idParam(ctx, 'id');
    const id = await ticketIdByNumber(deps.knex, scopeOf(actorOf(ctx)), raw);
    if (!id) throw new NotFoundError('ticket not found');
    return id;
  }

  async function visibleAttachment(ctx: AppContext): Promise<AttachmentView> {
    const attachment = await getAttachment(deps.knex, scopeOf(actorOf(ctx)), idParam(ctx, 'id'));
    if (!attachment) throw new NotFoundError('attachment not found');
    return attachment;
  }

  router.post('/api/v1/tickets/:id/attachments', async (ctx) => {
    const id = await ticketParam(ctx);
    requireMultipart(ctx);
    const actor = actorOf(ctx);
    const receive = (allowance: UploadAllowance) => receiveFile(ctx, { field: 'file', allowance, blobs: deps.blobs });
    const written = await attachToTicket(deps, actor, id, receive, commandContext(ctx, actor, deps.clock()));
    if (written.position && !(await waitFor(written.position))) {
      ctx.status = 202;
      ctx.body = { status: 'accepted', attachmentId: written.attachmentId, position: formatPosition(written.position) };
      return;
    }
    const attachment = await getAttachment(deps.knex, scopeOf(actor), written.attachmentId);
    if (!attachment) throw new NotFoundError('attachment not found');
    ctx.status = 201;
    ctx.set('Location', `/api/v1/attachments/${attachment.id}`);
    ctx.body = attachment;
  });

  router.get('/api/v1/tickets/:id/attachments', async (ctx) => {
    const id = await ticketParam(ctx);
    if (!(await getTicket(deps.knex, scopeOf(actorOf(ctx)), id))) throw new NotFoundError('ticket not found');
    ctx.body = { data: await listAttachments(deps.knex, id) };
  });

  router.get('/api/v1/attachments/:id', async (ctx) => {
    ctx.body = await visibleAttachment(ctx);
  });

  router.get('/api/v1/attachments/:id/content', async (ctx) => {
    const attachment = await visibleAttachment(ctx);
    // Checked before any header goes out: a missing blob is our fault (500), not a truncated download.
    if (!(await deps.blobs.has(attachment.sha256))) throw new Error(`attachment ${attachment.id}: blob ${attachment.sha256} is missing`);
    ctx.set({
      // Always a download, never rendered: an uploaded HTML or SVG file must not run in our origin.
      'Content-Disposition': contentDisposition(attachment.filename),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, no-store',
      ETag: `"${attachment.sha256}"`,
    });
    ctx.type = attachment.mediaType === PLAIN_TEXT ? `${PLAIN_TEXT}; charset=utf-8` : attachment.mediaType;
    ctx.length = attachment.size;
    ctx.body = deps.blobs.open(attachment.sha256);
  });

  return router;
}

/** RFC 6266: an ASCII fallback for old clients, and the exact name as RFC 8187 UTF-8. */
function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
