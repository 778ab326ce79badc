import type { Knex } from 'knex';
import { pause } from '../background/pause.js';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';

export interface NotificationSenderOptions {
  readonly knex: Knex;
  /** `smtp://user:pass@host:port` or `smtps://…`, as nodemailer parses it. */
  readonly smtpUrl: string;
  readonly from: string;
  /** Bound on each phase of talking to the server (connect, greeting, each reply). */
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  /** First retry waits this long; each later one twice as long as the one before. */
  readonly retryBaseMs: number;
  /** How long an idle sender waits before looking for due mail again. */
  readonly pollMs: number;
  readonly clock: () => Date;
  readonly logger: Logger;
}

interface ClaimedRow {
  id: string;
  recipient_email: string;
  subject: string;
  html: string;
  text: string;
  attempts: number;
  message_id: string;
}

type Verdict = 'retry' | 'failed' | 'in_doubt';

const OUTBOX = 'notification_outbox';
const MAX_RETRY_DELAY_MS = 6 * 3_600_000;
/** Commands sent before the message itself: failing there, nothing can have been delivered. */
const BEFORE_MESSAGE = new Set(['CONN', 'EHLO', 'HELO', 'LHLO', 'STARTTLS', 'AUTH PLAIN', 'AUTH LOGIN', 'AUTH XOAUTH2', 'AUTH CRAM-MD5', 'MAIL FROM', 'RCPT TO']);
const NOT_CONNECTED = new Set(['ECONNECTION', 'EDNS', 'ECONNREFUSED', 'ETLS', 'EAUTH']);

/**
 * Delivers the outbox over SMTP, one row at a time. Each row is claimed in a short transaction
 * (state `sending`, its Message-ID recorded, FOR UPDATE SKIP LOCKED so several senders share the
 * work) and the transaction commits before the server is contacted: on PGlite the pool is a single
 * connection, and no transaction may wait on a network peer. A row found `sending` for longer
 * than a send can take belongs to a sender that died mid-send; it may have been delivered, so it
 * becomes `in_doubt` for a person to look at, and is never sent a second time.
 */
export class NotificationSender {
  private readonly transport: ReturnType<typeof nodemailer.createTransport>;
  private controller: AbortController | null = null;
  private loop: Promise<void> | null = null;

  constructor(private readonly options: NotificationSenderOptions) {
    this.transport = nodemailer.createTransport({
      url: options.smtpUrl,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
      dnsTimeout: options.timeoutMs,
    });
  }

  /** Past this, a send has certainly ended one way or another (every phase is bounded). */
  get sendDeadlineMs(): number {
    return this.options.timeoutMs * 4;
  }

  start(): void {
    if (this.controller) return;
    const controller = new AbortController();
    this.controller = controller;
    this.loop = this.follow(controller.signal);
  }

  /** Lets the send in flight finish, then stops. */
  async stop(): Promise<void> {
    this.controller?.abort();
    this.controller = null;
    await this.loop;
    this.loop = null;
  }

  async close(): Promise<void> {
    await this.stop();
    this.transport.close();
  }

  /** Sets aside abandoned sends, then sends what is due; resolves with how many rows it settled. */
  async runOnce(): Promise<number> {
    await this.setAsideAbandoned();
    // Only what was due when the run began: a row deferred during this run waits for a later one.
    const dueBy = this.options.clock();
    let settled = 0;
    for (let row = await this.claim(dueBy); row; row = await this.claim(dueBy)) {
      await this.send(row);
      settled += 1;
      if (this.controller?.signal.aborted) break;
    }
    return settled;
  }

  private async follow(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const settled = await this.runOnce();
        failures = 0;
        if (settled === 0) await pause(this.options.pollMs, signal);
      } catch (error) {
        failures += 1;
        const delay = Math.min(60_000, 500 * 2 ** Math.min(failures, 7));
        this.options.logger.error({ err: error, retryInMs: delay }, 'notification sender failed');
        await pause(delay, signal);
      }
    }
  }

  private async setAsideAbandoned(): Promise<void> {
    const before = new Date(this.options.clock().getTime() - 2 * this.sendDeadlineMs);
    const count = await this.options.knex(OUTBOX)
      .where({ state: 'sending' })
      .whereNotNull('message_id')
      .andWhere('claimed_at', '<', before)
      .update({ state: 'in_doubt', last_error: 'the sender stopped during this send; it may have been delivered, so it is not sent again' });
    if (count > 0) this.options.logger.warn({ count }, 'notifications left mid-send marked in_doubt');
  }

  private claim(dueBy: Date): Promise<ClaimedRow | null> {
    const now = this.options.clock();
    return this.options.knex.transaction(async (trx) => {
      const row = (await trx(OUTBOX)
        .select('id', 'recipient_email', 'subject', 'html', 'text', 'attempts')
        .where({ state: 'pending' })
        .andWhere('next_attempt_at', '<=', dueBy)
        .orderBy([{ column: 'next_attempt_at' }, { column: 'id' }])
        .first()
        .forUpdate()
        .skipLocked()) as Omit<ClaimedRow, 'message_id'> | undefined;
      if (!row) return null;
      const messageId = `<${row.id}@itsm>`;
      await trx(OUTBOX)
        .where({ id: row.id })
        .update({ state: 'sending', claimed_at: now, message_id: messageId, attempts: row.attempts + 1 });
      return { ...row, attempts: row.attempts + 1, message_id: messageId };
    });
  }

  private async send(row: ClaimedRow): Promise<void> {
    const mine = () => this.options.knex(OUTBOX).where({ id: row.id, state: 'sending' });
    try {
      await withDeadline(
        this.transport.sendMail({
          from: this.options.from,
          to: row.recipient_email,
          subject: row.subject,
          html: row.html,
          text: row.text,
          messageId: row.message_id,
          headers: { 'Auto-Submitted': 'auto-generated' },
        }),
        this.sendDeadlineMs,
      );
      await mine().update({ state: 'sent', sent_at: this.options.clock(), last_error: null });
    } catch (error) {
      const verdict = verdictOn(error);
      const message = describe(error);
      if (verdict === 'retry' && row.attempts < this.options.maxAttempts) {
        const delay = Math.min(MAX_RETRY_DELAY_MS, this.options.retryBaseMs * 2 ** (row.attempts - 1));
        await mine().update({ state: 'pending', next_attempt_at: new Date(this.options.clock().getTime() + delay), last_error: message });
        this.options.logger.info({ outboxId: row.id, attempt: row.attempts, retryInMs: delay, error: message }, 'notification send failed; will retry');
        return;
      }
      await mine().update({ state: verdict === 'in_doubt' ? 'in_doubt' : 'failed', last_error: message });
      this.options.logger.warn({ outboxId: row.id, attempt: row.attempts, state: verdict === 'in_doubt' ? 'in_doubt' : 'failed', error: message }, 'notification not delivered');
    }
  }
}

/**
 * A 4xx reply is the server asking us to come back later; a 5xx reply is a refusal. Without a
 * reply, only a failure before the message was handed over is safe to retry: after that, the
 * server may have accepted it.
 */
function verdictOn(error: unknown): Verdict {
  const { responseCode, command, code } = (error ?? {}) as { responseCode?: unknown; command?: unknown; code?: unknown };
  if (typeof responseCode === 'number') return responseCode >= 400 && responseCode < 500 ? 'retry' : 'failed';
  if (typeof command === 'string' && BEFORE_MESSAGE.has(command)) return 'retry';
  if (typeof code === 'string' && NOT_CONNECTED.has(code)) return 'retry';
  return 'in_doubt';
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 1_000);
}

class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`no answer from the mail server within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Mail still to go out (waiting, or being sent now): the outbox depth shown on /metrics. */
export async function outboxDepth(knex: Knex): Promise<number> {
  const row = (await knex(OUTBOX).whereIn('state', ['pending', 'sending']).count({ count: '*' }).first()) as { count: string | number } | undefined;
  return Number(row?.count ?? 0);
}
