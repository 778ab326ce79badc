import { randomUUID } from 'node:crypto';
import type { BlobStore, StoredBlob } from '../../blobs/index.js';
import { detectMediaType } from '../../blobs/index.js';
import type { CommandContext } from '../metadata.js';
import type { Actor } from '../identity/actor.js';
import type { TicketDependencies } from './dependencies.js';
import type { TicketWritten } from './open.js';
import { onTicket } from './on-ticket.js';

export interface AttachmentDependencies extends TicketDependencies {
  readonly blobs: BlobStore;
  /** The largest file one upload may carry. */
  readonly maxBytes: number;
}

/** An upload already in the blob store, with the name the client gave it (sanitised by the decider). */
export interface ReceivedFile extends StoredBlob {
  readonly filename: string;
}

/**
 * Everyone who sees the ticket may attach a file to it. `receive` streams the upload into the blob
 * store and runs only once the ticket has been found visible to the actor, so a caller who may not
 * attach has nothing stored. The media type is read from the stored bytes, never taken from the client.
 */
export async function attachToTicket(
  deps: AttachmentDependencies,
  actor: Actor,
  ticketId: string,
  receive: () => Promise<ReceivedFile>,
  context: CommandContext,
): Promise<TicketWritten & { attachmentId: string }> {
  const attachmentId = randomUUID();
  const written = await onTicket(deps, actor, ticketId, context, async () => {
    const file = await receive();
    const mediaType = await detectMediaType(deps.blobs, file.sha256);
    return { type: 'AddAttachment', attachmentId, sha256: file.sha256, size: file.size, mediaType, filename: file.filename, uploadedBy: actor.userId, now: context.now };
  });
  return { ...written, attachmentId };
}
