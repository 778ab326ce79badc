import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { EventStore, JsonObject, LogPosition } from '../eventstore/types.js';
import { formatPosition, parsePosition, streamCategory } from '../eventstore/types.js';
import { wholeStream } from '../eventstore/whole-stream.js';
import { pause } from '../background/pause.js';
import type { StreamVerification } from './chain-verifier.js';
import { verifyStream } from './chain-verifier.js';

/**
 * The tenant-wide chain. Each stream's chain proves its events were not changed one by one; it
 * cannot prove a whole stream was not rewritten with a freshly computed chain. So, periodically,
 * the heads (revision and link) of every stream a tenant wrote to are recorded in the tenant's
 * anchor stream, itself chained: rewriting a stream now also means rewriting every anchor after
 * it, and an anchor exported or printed elsewhere (the audit log export) pins history outside
 * the database.
 */
export const anchorStream = (tenantId: string): string => `auditanchor-${tenantId}`;
const ANCHOR_CATEGORY = 'auditanchor';

export interface AnchoredHead {
  readonly streamId: string;
  readonly revision: number;
  readonly hash: string;
}

const BATCH = 1000;

export interface AnchoringOptions {
  readonly store: EventStore;
  readonly knex: Knex;
  readonly clock: () => Date;
  readonly logger: Logger;
  readonly intervalMs: number;
  /** At most this many events are read per round, so a long backlog is anchored in steps. */
  readonly maxEventsPerRound?: number;
}

export class StreamHeadAnchoring {
  private controller: AbortController | null = null;
  private loop: Promise<void> | null = null;

  constructor(private readonly options: AnchoringOptions) {}

  /**
   * Reads the log from where the last round stopped and appends one anchor per tenant that wrote
   * since. The anchor's id derives from tenant and position, so two schedulers repeating a round
   * append it once (the store treats the same id at `any` as a repeat). Answers the anchors written.
   */
  async anchorOnce(): Promise<number> {
    const { store, knex, clock } = this.options;
    const limit = this.options.maxEventsPerRound ?? 100_000;
    const row = (await knex('audit_anchor_checkpoint').select('commit_position', 'prepare_position').where({ id: 1 }).first()) as { commit_position: string; prepare_position: string } | undefined;
    const from: LogPosition = row ? { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) } : { commit: 0n, prepare: 0n };
    const heads = new Map<string, Map<string, AnchoredHead>>();
    let cursor = from;
    let read = 0;
    for (;;) {
      const page = await store.readAll({ after: cursor, maxCount: BATCH });
      for (const event of page.events) {
        const tenantId = event.metadata.tenantId;
        if (typeof tenantId !== 'string' || event.hash === undefined || streamCategory(event.streamId) === ANCHOR_CATEGORY) continue;
        let tenant = heads.get(tenantId);
        if (!tenant) heads.set(tenantId, (tenant = new Map<string, AnchoredHead>()));
        tenant.set(event.streamId, { streamId: event.streamId, revision: event.revision, hash: event.hash });
      }
      read += page.events.length;
      cursor = page.cursor;
      if (page.isEnd || read >= limit) break;
    }
    if (cursor.commit === from.commit && cursor.prepare === from.prepare) return 0;
    const at = clock().toISOString();
    for (const [tenantId, streams] of heads) {
      const anchored = [...streams.values()].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
      const data: JsonObject = { from: formatPosition(from), to: formatPosition(cursor), heads: anchored.map((head) => ({ ...head })), anchoredAt: at };
      await store.appendToStream(anchorStream(tenantId), [{ id: anchorId(tenantId, cursor), type: 'StreamHeadsAnchored', data, metadata: { tenantId, actorId: null, occurredAt: at } }], 'any');
    }
    // Never backwards: a slower round finishing after a faster one keeps the later position.
    await knex.raw(
      `UPDATE audit_anchor_checkpoint SET commit_position = ?, prepare_position = ?, updated_at = now()
       WHERE id = 1 AND (commit_position::numeric, prepare_position::numeric) < (?::numeric, ?::numeric)`,
      [cursor.commit.toString(), cursor.prepare.toString(), cursor.commit.toString(), cursor.prepare.toString()],
    );
    return heads.size;
  }

  start(): void {
    if (this.controller) return;
    const controller = new AbortController();
    this.controller = controller;
    this.loop = (async () => {
      while (!controller.signal.aborted) {
        try {
          const anchors = await this.anchorOnce();
          if (anchors > 0) this.options.logger.info({ anchors }, 'stream heads anchored');
        } catch (error) {
          this.options.logger.error({ err: error }, 'anchoring stream heads failed');
        }
        await pause(this.options.intervalMs, controller.signal);
      }
    })();
  }

  async stop(): Promise<void> {
    this.controller?.abort();
    this.controller = null;
    await this.loop;
    this.loop = null;
  }
}

/** A UUID (version 5 layout) from tenant and position: the same round always makes the same id. */
function anchorId(tenantId: string, position: LogPosition): string {
  const hex = createHash('sha256').update(`${tenantId}:${formatPosition(position)}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface AnchorProblem {
  readonly streamId: string;
  readonly revision: number | null;
  readonly problem: string;
}

export interface TenantVerification {
  readonly anchors: number;
  readonly anchoredUpTo: string | null;
  readonly streamsChecked: number;
  readonly intact: boolean;
  readonly anchorChain: StreamVerification;
  readonly problems: readonly AnchorProblem[];
}

/**
 * Verifies a tenant's history against its anchors: the anchor chain itself, then every stream it
 * anchored, whose chain must verify and whose link at the last anchored revision must be the one
 * the anchor recorded.
 */
export async function verifyTenant(store: EventStore, tenantId: string): Promise<TenantVerification> {
  const stream = anchorStream(tenantId);
  const anchorChain = await verifyStream(store, stream);
  const latest = new Map<string, AnchoredHead>();
  let anchoredUpTo: string | null = null;
  for await (const anchor of wholeStream(store, stream)) {
    const heads = Array.isArray(anchor.data.heads) ? (anchor.data.heads as unknown as AnchoredHead[]) : [];
    for (const head of heads) latest.set(head.streamId, head);
    if (typeof anchor.data.to === 'string' && parsePosition(anchor.data.to)) anchoredUpTo = anchor.data.to;
  }
  const problems: AnchorProblem[] = [];
  if (!anchorChain.intact && anchorChain.firstBreak) problems.push({ streamId: stream, revision: anchorChain.firstBreak.revision, problem: `anchor chain broken: ${anchorChain.firstBreak.reason}` });
  for (const head of latest.values()) {
    const verification = await verifyStream(store, head.streamId);
    if (!verification.intact && verification.firstBreak) {
      problems.push({ streamId: head.streamId, revision: verification.firstBreak.revision, problem: `chain broken: ${verification.firstBreak.reason}` });
      continue;
    }
    const [event] = await store.readStream(head.streamId, { fromRevision: head.revision, maxCount: 1, includeDeleted: true });
    if (!event || event.revision !== head.revision) problems.push({ streamId: head.streamId, revision: head.revision, problem: 'the anchored event is gone' });
    else if (event.hash !== head.hash) problems.push({ streamId: head.streamId, revision: head.revision, problem: 'the stream was rewritten: its link differs from the anchored one' });
  }
  return { anchors: anchorChain.events, anchoredUpTo, streamsChecked: latest.size, intact: problems.length === 0, anchorChain, problems };
}
