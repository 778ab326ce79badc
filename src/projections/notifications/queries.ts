import type { Knex } from 'knex';
import type { EmailKind } from '../../domain/email-template/index.js';
import { EMAIL_KINDS } from '../../domain/email-template/index.js';
import { DEFAULT_TEMPLATES } from '../../notifications/templates.js';
import type { TemplateSource } from '../../notifications/templates.js';
import { ValidationError } from '../../domain/errors.js';
import type { Page } from '../pagination.js';
import { decodeCursor, encodeCursor } from '../pagination.js';
import { EMAIL_TEMPLATES } from './email-templates.js';

export interface EmailTemplateView extends TemplateSource {
  readonly kind: EmailKind;
  /** False while the built-in default applies. */
  readonly custom: boolean;
  /** The stream revision; null for a default, which has no stream yet. */
  readonly version: number | null;
  readonly updatedAt: string | null;
}

interface TemplateRow {
  kind: EmailKind;
  subject: string;
  html: string;
  text: string;
  updated_at: Date;
  version: number;
}

function toView(kind: EmailKind, row: TemplateRow | undefined): EmailTemplateView {
  if (!row) return { kind, ...DEFAULT_TEMPLATES[kind], custom: false, version: null, updatedAt: null };
  return { kind, subject: row.subject, html: row.html, text: row.text, custom: true, version: row.version, updatedAt: new Date(row.updated_at).toISOString() };
}

export async function getEmailTemplate(knex: Knex, tenantId: string, kind: EmailKind): Promise<EmailTemplateView> {
  const row = (await knex(EMAIL_TEMPLATES).select('kind', 'subject', 'html', 'text', 'updated_at', 'version').where({ tenant_id: tenantId, kind }).first()) as TemplateRow | undefined;
  return toView(kind, row);
}

/** Every kind, in a fixed order, each with the tenant's template or the default. */
export async function listEmailTemplates(knex: Knex, tenantId: string): Promise<EmailTemplateView[]> {
  const rows = (await knex(EMAIL_TEMPLATES).select('kind', 'subject', 'html', 'text', 'updated_at', 'version').where({ tenant_id: tenantId })) as TemplateRow[];
  const byKind = new Map(rows.map((row) => [row.kind, row]));
  return EMAIL_KINDS.map((kind) => toView(kind, byKind.get(kind)));
}

export const OUTBOX_STATES = ['pending', 'sending', 'sent', 'failed', 'in_doubt'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

export interface OutboxView {
  readonly id: string;
  readonly kind: string;
  readonly recipientUserId: string;
  readonly recipientEmail: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly state: OutboxState;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  readonly messageId: string | null;
  readonly createdAt: string;
  readonly sentAt: string | null;
}

interface OutboxRow {
  id: string;
  kind: string;
  recipient_user_id: string;
  recipient_email: string;
  subject: string;
  html: string;
  text: string;
  state: OutboxState;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  message_id: string | null;
  created_at: Date;
  sent_at: Date | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const iso = (value: Date | string): string => new Date(value).toISOString();

function toOutboxView(row: OutboxRow): OutboxView {
  return {
    id: row.id,
    kind: row.kind,
    recipientUserId: row.recipient_user_id,
    recipientEmail: row.recipient_email,
    subject: row.subject,
    html: row.html,
    text: row.text,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: iso(row.next_attempt_at),
    lastError: row.last_error,
    messageId: row.message_id,
    createdAt: iso(row.created_at),
    sentAt: row.sent_at ? iso(row.sent_at) : null,
  };
}

/** Newest first; the cursor is the last row's (created_at, id). */
export async function listOutbox(knex: Knex, tenantId: string, filter: { readonly limit: number; readonly cursor?: string | undefined; readonly state?: OutboxState | undefined }): Promise<Page<OutboxView>> {
  const query = knex('notification_outbox')
    .select('id', 'kind', 'recipient_user_id', 'recipient_email', 'subject', 'html', 'text', 'state', 'attempts', 'next_attempt_at', 'last_error', 'message_id', 'created_at', 'sent_at')
    .where({ tenant_id: tenantId });
  if (filter.state) query.andWhere({ state: filter.state });
  if (filter.cursor) {
    const [createdAt, id] = decodeCursor(filter.cursor, 2, 'instant');
    if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt)) || typeof id !== 'string' || !UUID.test(id)) {
      throw new ValidationError('invalid cursor', [{ path: '/cursor', message: 'not a cursor this list handed out' }]);
    }
    query.andWhereRaw('(created_at, id) < (?::timestamptz, ?::uuid)', [createdAt, id]);
  }
  const rows = (await query.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(filter.limit + 1)) as OutboxRow[];
  const shown = rows.slice(0, filter.limit);
  const last = shown.at(-1);
  return { data: shown.map(toOutboxView), nextCursor: rows.length > filter.limit && last ? encodeCursor([iso(last.created_at), last.id]) : null };
}
