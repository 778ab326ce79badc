import type { DomainEvent } from '../decider.js';
import { ValidationError } from '../errors.js';
import type { FieldError } from '../errors.js';

/** What a tenant can be mailed about; one template each. */
export const EMAIL_KINDS = ['ticket_created', 'ticket_assigned', 'ticket_commented', 'ticket_resolved', 'sla_warning', 'sla_breached', 'approval_requested'] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

export function isEmailKind(value: unknown): value is EmailKind {
  return typeof value === 'string' && (EMAIL_KINDS as readonly string[]).includes(value);
}

export type EmailTemplateSaved = DomainEvent<'EmailTemplateSaved', { tenantId: string; kind: EmailKind; subject: string; html: string; text: string; at: string }>;
export type EmailTemplateEvent = EmailTemplateSaved;

/**
 * `problems` are what the template engine said when it compiled each part, looked up by the caller:
 * the engine is a library, and the decider stays free of it.
 */
export type SaveEmailTemplate = {
  type: 'SaveEmailTemplate';
  tenantId: string;
  kind: EmailKind;
  subject: string;
  html: string;
  text: string;
  problems: readonly FieldError[];
  now: Date;
};
export type EmailTemplateCommand = SaveEmailTemplate;

export type EmailTemplate =
  | { readonly status: 'none' }
  | { readonly status: 'saved'; readonly tenantId: string; readonly kind: EmailKind; readonly subject: string; readonly html: string; readonly text: string };

/** One stream per tenant and kind, so the kind itself is the address and If-Match guards it. */
export const emailTemplateStream = (tenantId: string, kind: EmailKind): string => `emailtemplate-${tenantId}:${kind}`;

const LIMITS = { subject: 500, html: 100_000, text: 100_000 } as const;

export function initialState(): EmailTemplate {
  return { status: 'none' };
}

export function evolve(_state: EmailTemplate, event: EmailTemplateEvent): EmailTemplate {
  switch (event.type) {
    case 'EmailTemplateSaved': {
      const d = event.data;
      return { status: 'saved', tenantId: d.tenantId, kind: d.kind, subject: d.subject, html: d.html, text: d.text };
    }
    default: {
      const _exhaustive: never = event.type;
      return _exhaustive;
    }
  }
}

export function decide(command: EmailTemplateCommand, state: EmailTemplate): EmailTemplateEvent[] {
  switch (command.type) {
    case 'SaveEmailTemplate':
      return save(command, state);
    default: {
      const _exhaustive: never = command.type;
      return _exhaustive;
    }
  }
}

function save(command: SaveEmailTemplate, state: EmailTemplate): EmailTemplateEvent[] {
  const errors: FieldError[] = [...command.problems];
  for (const field of ['subject', 'html', 'text'] as const) {
    const value = command[field];
    if (field !== 'html' && value.trim() === '') errors.push({ path: `/${field}`, message: 'must not be empty' });
    if (value.length > LIMITS[field]) errors.push({ path: `/${field}`, message: `must be at most ${LIMITS[field]} characters` });
  }
  if (command.subject.includes('\n') || command.subject.includes('\r')) errors.push({ path: '/subject', message: 'must be one line' });
  if (errors.length > 0) throw new ValidationError('the template is not valid', errors);
  if (state.status === 'saved' && state.subject === command.subject && state.html === command.html && state.text === command.text) return [];
  return [{ type: 'EmailTemplateSaved', data: { tenantId: command.tenantId, kind: command.kind, subject: command.subject, html: command.html, text: command.text, at: command.now.toISOString() } }];
}

export const emailTemplateDecider = { initialState, evolve, decide };
