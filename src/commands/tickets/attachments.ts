import { randomUUID } from 'node:crypto';
import type { BlobStore, StoredBlob } from '../../blobs/index.js';
import { detectMediaType } from '../../blobs/index.js';
import { tenantAttachmentBytes } from '../../projections/tickets/queries.js';
import type { CommandContext } from '../metadata.js';
import type { Actor } from '../identity/actor.js';
import type { TicketDependencies } from './dependencies.js';
import type { TicketWritten } from './open.js';
import { onTicket } from './on-ticket.js';

export interface AttachmentDependencies extends TicketDependencies {
  readonly blobs: BlobStore;
  /** The largest file one upload may carry. */
  readonly maxBytes: number;
  /** The most bytes one tenant's attachments may take together, each distinct file counted once. */
  readonly quotaBytesPerTenant: number;
}

/**
 * How much one upload may store: the per-file limit, or what is left of the tenant's quota when
 * that is less (then `quota` says so, for the refusal to name the right limit).
 */
export interface UploadAllowance {
  readonly maxBytes: number;
  readonly quota: { readonly quotaBytes: number; readonly usedBytes: number } | null;
}

/** An upload already in the blob store, with the name the client gave it (sanitised by the decider). */
export interface ReceivedFile extends StoredBlob {
  readonly filename: string;
}

/**
 * Everyone who sees the ticket may attach a file to it. `receive` streams the upload into the blob
 * store and runs only once the ticket has been found visible to the actor, so a caller who may not
 * attach has nothing stored. The media type is read from the stored bytes, never taken from the client.
 *
 * The tenant's quota is checked against its attachments as the read model has them, before the
 * upload and, through the allowance, as its bytes arrive: a file that does not fit is refused and
 * nothing of it is kept. Uploads running side by side each see the same usage, so together they may
 * pass the quota by what they carry. Bytes of an upload whose command then fails are left to the
 * blob sweep (src/blobs/sweep.ts): the same content may be another upload's.
 */
export async function attachToTicket(
  deps: AttachmentDependencies,
  actor: Actor,
  ticketId: string,
  receive: (allowance: UploadAllowance) => Promise<ReceivedFile>,
  context: CommandContext,
): Promise<TicketWritten & { attachmentId: string }> {
  const attachmentId = randomUUID();
  const written = await onTicket(deps, actor, ticketId, context, async () => {
    const file = await receive(await allowanceOf(deps, actor.tenantId));
    const mediaType = await detectMediaType(deps.blobs, file.sha256);
    return { type: 'AddAttachment', attachmentId, sha256: file.sha256, size: file.size, mediaType, filename: file.filename, uploadedBy: actor.userId, now: context.now };
  });
  return { ...written, attachmentId };
}

async function allowanceOf(deps: AttachmentDependencies, tenantId: string): Promise<UploadAllowance> {
  const usedBytes = await tenantAttachmentBytes(deps.knex, tenantId);
  const room = deps.quotaBytesPerTenant - usedBytes;
  return room < deps.maxBytes ? { maxBytes: Math.max(room, 0), quota: { quotaBytes: deps.quotaBytesPerTenant, usedBytes } } : { maxBytes: deps.maxBytes, quota: null };
}
