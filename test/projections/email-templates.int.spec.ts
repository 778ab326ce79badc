import { randomUUID } from 'node:crypto';
import * as assert from 'uvu/assert';
import type { EmailKind, EmailTemplateEvent } from '../../src/domain/email-template/index.js';
import { EMAIL_KINDS, emailTemplateStream } from '../../src/domain/email-template/index.js';
import { DEFAULT_TEMPLATES } from '../../src/notifications/templates.js';
import { emailTemplatesProjection } from '../../src/projections/notifications/index.js';
import { getEmailTemplate, listEmailTemplates } from '../../src/projections/notifications/queries.js';
import type { ProjectionSpec } from '../support/projection-spec.js';
import { EventLog, projectionSpec, rowsBothWays, tableRows } from '../support/projection-spec.js';
import { suite } from '../support/suite.js';

interface Context {
  spec: ProjectionSpec;
  log: EventLog;
}

const test = suite<Context>('email templates projection');

test.before.each(async (context) => {
  context.spec = await projectionSpec(emailTemplatesProjection);
  context.log = new EventLog();
});
test.after.each(async (context) => {
  await context.spec.drop();
});

const TENANT = randomUUID();
const OTHER_TENANT = randomUUID();
const at = '2026-12-01T10:00:00.000Z';
const later = '2026-12-02T10:00:00.000Z';

const saved = (kind: EmailKind, subject: string, when = at, tenantId = TENANT): EmailTemplateEvent => ({
  type: 'EmailTemplateSaved',
  data: { tenantId, kind, subject, html: `<p>${subject}</p>`, text: subject, at: when },
});
const template = (context: Context, kind: EmailKind, events: readonly EmailTemplateEvent[], tenantId = TENANT) =>
  context.log.record(emailTemplateStream(tenantId, kind), events, { tenantId, actorId: randomUUID(), occurredAt: at });

test('given nothing saved, then every kind reads as its built-in default', async (context) => {
  const views = await listEmailTemplates(context.spec.knex, TENANT);
  assert.equal(
    views.map((view) => view.kind),
    [...EMAIL_KINDS],
  );
  assert.ok(views.every((view) => !view.custom && view.version === null && view.updatedAt === null));
  assert.equal(await getEmailTemplate(context.spec.knex, TENANT, 'ticket_created'), { kind: 'ticket_created', ...DEFAULT_TEMPLATES.ticket_created, custom: false, version: null, updatedAt: null });
});

test('given a template saved, then that kind reads as the tenant wrote it, at revision 0', async (context) => {
  await context.spec.apply(template(context, 'ticket_assigned', [saved('ticket_assigned', 'Yours now: {{ticket.number}}')]));
  assert.equal(await getEmailTemplate(context.spec.knex, TENANT, 'ticket_assigned'), {
    kind: 'ticket_assigned',
    subject: 'Yours now: {{ticket.number}}',
    html: '<p>Yours now: {{ticket.number}}</p>',
    text: 'Yours now: {{ticket.number}}',
    custom: true,
    version: 0,
    updatedAt: at,
  });
  const views = await listEmailTemplates(context.spec.knex, TENANT);
  assert.equal(views.filter((view) => view.custom).map((view) => view.kind), ['ticket_assigned']);
});

test('given a template saved twice, then the later text wins, at revision 1', async (context) => {
  await context.spec.apply(template(context, 'sla_warning', [saved('sla_warning', 'First', at), saved('sla_warning', 'Second', later)]));
  const view = await getEmailTemplate(context.spec.knex, TENANT, 'sla_warning');
  assert.is(view.subject, 'Second');
  assert.is(view.version, 1);
  assert.is(view.updatedAt, later);
});

test('given saves applied, when they are replayed, or an older save arrives, then nothing changes', async (context) => {
  const events = template(context, 'ticket_resolved', [saved('ticket_resolved', 'One'), saved('ticket_resolved', 'Two', later)]);
  await context.spec.apply(events);
  const before = await tableRows(context.spec.knex, 'email_templates', ['tenant_id', 'kind']);
  await context.spec.apply(events);
  await context.spec.apply([events[0]!]);
  assert.equal(await tableRows(context.spec.knex, 'email_templates', ['tenant_id', 'kind']), before);
  assert.is(before[0]!.subject, 'Two');
});

test('given templates of two tenants for the same kind, then each tenant reads its own, and a third the default', async (context) => {
  await context.spec.apply([
    ...template(context, 'ticket_commented', [saved('ticket_commented', 'Ours')]),
    ...template(context, 'ticket_commented', [saved('ticket_commented', 'Theirs', at, OTHER_TENANT), saved('ticket_commented', 'Theirs again', later, OTHER_TENANT)], OTHER_TENANT),
  ]);
  const { knex } = context.spec;
  assert.is((await getEmailTemplate(knex, TENANT, 'ticket_commented')).subject, 'Ours');
  assert.is((await getEmailTemplate(knex, TENANT, 'ticket_commented')).version, 0);
  assert.is((await getEmailTemplate(knex, OTHER_TENANT, 'ticket_commented')).subject, 'Theirs again');
  assert.is((await getEmailTemplate(knex, randomUUID(), 'ticket_commented')).custom, false);
});

test('given saves of several kinds, then one page or one event at a time gives the same rows', async (context) => {
  const events = [
    ...template(context, 'ticket_created', [saved('ticket_created', 'A')]),
    ...template(context, 'approval_requested', [saved('approval_requested', 'B')]),
    ...template(context, 'ticket_created', [saved('ticket_created', 'A2', later)]),
    ...template(context, 'ticket_created', [saved('ticket_created', 'X', at, OTHER_TENANT)], OTHER_TENANT),
  ];
  const { page, oneByOne } = await rowsBothWays(emailTemplatesProjection, events, [{ table: 'email_templates', orderBy: ['tenant_id', 'kind'] }]);
  assert.equal(oneByOne, page);
  assert.is(page[0]!.length, 3);
});

test.run();
