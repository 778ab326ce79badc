import Handlebars from 'handlebars';
import type { EmailKind } from '../domain/email-template/index.js';
import type { FieldError } from '../domain/errors.js';

export interface TemplateSource {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

export interface RenderedEmail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

/** Where a ticket is opened from a mail: `<base>/tickets/<number>`, or null without a public base URL. */
export const ticketUrl = (publicBaseUrl: string | null, number: string): string | null => (publicBaseUrl ? `${publicBaseUrl}/tickets/${encodeURIComponent(number)}` : null);

/** What a template may refer to; every kind gets the same shape, with the parts it has filled in. */
export interface EmailData {
  readonly recipient: { readonly name: string; readonly email: string };
  /** `url`: the ticket where people open it (PUBLIC_BASE_URL), null when no public address is configured. */
  readonly ticket: { readonly id: string; readonly number: string; readonly title: string; readonly url: string | null };
  readonly actor: { readonly name: string } | null;
  readonly comment: { readonly body: string } | null;
  readonly resolution: { readonly code: string; readonly notes: string } | null;
  readonly sla: { readonly clock: string } | null;
  readonly approvers: readonly string[];
}

// The link only when the deployment has a public address: without one the mail still names the ticket.
const FOOTER_TEXT = '{{#if ticket.url}}\n\nOpen {{ticket.number}}: {{ticket.url}}{{/if}}\n\n-- \nYou receive this because of your part in {{ticket.number}}.';
const FOOTER_HTML =
  '{{#if ticket.url}}<p><a href="{{ticket.url}}">Open {{ticket.number}}</a></p>{{/if}}<p style="color:#666;font-size:12px">You receive this because of your part in {{ticket.number}}.</p>';

/** Used whenever a tenant has not written its own for a kind. */
export const DEFAULT_TEMPLATES: Readonly<Record<EmailKind, TemplateSource>> = {
  ticket_created: {
    subject: '[{{ticket.number}}] {{ticket.title}}',
    html: '<p>Hello {{recipient.name}},</p><p>We have received your request <strong>{{ticket.number}}: {{ticket.title}}</strong> and will get back to you.</p>' + FOOTER_HTML,
    text: 'Hello {{recipient.name}},\n\nWe have received your request {{ticket.number}}: {{ticket.title}} and will get back to you.' + FOOTER_TEXT,
  },
  ticket_assigned: {
    subject: '[{{ticket.number}}] assigned to you: {{ticket.title}}',
    html: '<p>Hello {{recipient.name}},</p><p><strong>{{ticket.number}}: {{ticket.title}}</strong> is now assigned to you.</p>' + FOOTER_HTML,
    text: 'Hello {{recipient.name}},\n\n{{ticket.number}}: {{ticket.title}} is now assigned to you.' + FOOTER_TEXT,
  },
  ticket_commented: {
    subject: '[{{ticket.number}}] new comment: {{ticket.title}}',
    html: '<p>Hello {{recipient.name}},</p><p>{{actor.name}} commented on <strong>{{ticket.number}}</strong>:</p><blockquote style="white-space:pre-wrap">{{comment.body}}</blockquote>' + FOOTER_HTML,
    text: 'Hello {{recipient.name}},\n\n{{actor.name}} commented on {{ticket.number}}:\n\n{{comment.body}}' + FOOTER_TEXT,
  },
  ticket_resolved: {
    subject: '[{{ticket.number}}] resolved: {{ticket.title}}',
    html: '<p>Hello {{recipient.name}},</p><p><strong>{{ticket.number}}: {{ticket.title}}</strong> has been resolved.</p><p style="white-space:pre-wrap">{{resolution.notes}}</p>' + FOOTER_HTML,
    text: 'Hello {{recipient.name}},\n\n{{ticket.number}}: {{ticket.title}} has been resolved.\n\n{{resolution.notes}}' + FOOTER_TEXT,
  },
  sla_warning: {
    subject: '[{{ticket.number}}] SLA {{sla.clock}} target approaching: {{ticket.title}}',
    html: '<p>Hello {{recipient.name}},</p><p>The {{sla.clock}} target of <strong>{{ticket.number}}: {{ticket.title}}</strong> is close.</p>' + FOOTER_HTML,
    text: 'Hello {{recipient.name}},\n\nThe {{sla.clock}} target of {{ticket.number}}: {{ticket.title}} is close.' + FOOTER_TEXT,
  },
  sla_breached: {
    subject: '[{{ticket.number}}] SLA {{sla.clock}} target breached: {{ticket.title}}',
    html: '<p>Hello {{recipient.name}},</p><p>The {{sla.clock}} target of <strong>{{ticket.number}}: {{ticket.title}}</strong> has been missed.</p>' + FOOTER_HTML,
    text: 'Hello {{recipient.name}},\n\nThe {{sla.clock}} target of {{ticket.number}}: {{ticket.title}} has been missed.' + FOOTER_TEXT,
  },
  approval_requested: {
    subject: '[{{ticket.number}}] approval requested: {{ticket.title}}',
    html: '<p>Hello {{recipient.name}},</p><p>{{actor.name}} asks for your approval of <strong>{{ticket.number}}: {{ticket.title}}</strong>.</p>' + FOOTER_HTML,
    text: 'Hello {{recipient.name}},\n\n{{actor.name}} asks for your approval of {{ticket.number}}: {{ticket.title}}.' + FOOTER_TEXT,
  },
};

/** What a preview renders with, so an admin sees every variable filled in, and markup in data shown escaped. */
export const SAMPLE_DATA: EmailData = {
  recipient: { name: 'Alex Requester', email: 'alex@example.com' },
  ticket: { id: '00000000-0000-4000-8000-000000000000', number: 'INC-000123', title: 'Laptop & <USB-C> dock do not start', url: 'https://desk.example.com/tickets/INC-000123' },
  actor: { name: 'Sam Technician' },
  comment: { body: 'Could you try holding the power button for 10 seconds?' },
  resolution: { code: 'fixed', notes: 'Replaced the battery.' },
  sla: { clock: 'resolution' },
  approvers: ['Pat Approver'],
};

/**
 * A sandbox of our own, so no helper or partial registered elsewhere leaks in. Handlebars forbids
 * prototype access by default, which keeps a tenant's template from reaching past its data.
 */
const engine = Handlebars.create();

/**
 * Compiled templates by text: a rebuild renders thousands of mails from the same few templates,
 * and compiling each again was most of the notifications projection's time. Bounded, oldest
 * forgotten first, since tenants' templates are many and change.
 */
const compiled = new Map<string, Handlebars.TemplateDelegate<EmailData>>();
const MOST_COMPILED = 500;

function compiledTemplate(text: string, escapeHtml: boolean): Handlebars.TemplateDelegate<EmailData> {
  const key = `${escapeHtml ? 'html' : 'plain'}\u0000${text}`;
  const known = compiled.get(key);
  if (known) return known;
  const template = engine.compile<EmailData>(text, { noEscape: !escapeHtml, strict: false });
  if (compiled.size >= MOST_COMPILED) compiled.delete(compiled.keys().next().value!);
  compiled.set(key, template);
  return template;
}

/** HTML escapes every `{{value}}`; subject and text are not HTML, so escaping there would show `&lt;`. */
export function renderTemplate(source: TemplateSource, data: EmailData): RenderedEmail {
  return {
    subject: compiledTemplate(source.subject, false)(data).replace(/[\r\n]+/g, ' ').trim(),
    html: compiledTemplate(source.html, true)(data),
    text: compiledTemplate(source.text, false)(data),
  };
}

/**
 * The engine's own words for each part that does not compile or render with sample data (an
 * unknown helper only shows when rendered); messages only, never a stack.
 */
export function templateProblems(source: TemplateSource): FieldError[] {
  const problems: FieldError[] = [];
  for (const field of ['subject', 'html', 'text'] as const) {
    try {
      engine.compile(source[field], { noEscape: field !== 'html' })(SAMPLE_DATA);
    } catch (error) {
      problems.push({ path: `/${field}`, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return problems;
}
