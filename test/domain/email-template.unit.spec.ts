import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { ValidationError } from '../../src/domain/errors.js';
import type { EmailTemplateCommand, EmailTemplateEvent } from '../../src/domain/email-template/index.js';
import { emailTemplateDecider } from '../../src/domain/email-template/index.js';
import { deciderSpec } from '../support/decider-spec.js';

/** One template per tenant and kind of mail; the caller passes what the template engine said of each part. */
const test = suite('email template');
const spec = deciderSpec(emailTemplateDecider);
const now = new Date('2026-12-07T10:00:00.000Z');
const at = now.toISOString();
const content = { subject: 'Ticket {{ticket.number}} was created', html: '<p>We got it.</p>', text: 'We got it.' };
const saved: EmailTemplateEvent = { type: 'EmailTemplateSaved', data: { tenantId: 't1', kind: 'ticket_created', ...content, at: '2026-12-01T08:00:00.000Z' } };
const save = (overrides: Partial<EmailTemplateCommand> = {}): EmailTemplateCommand => ({ type: 'SaveEmailTemplate', tenantId: 't1', kind: 'ticket_created', ...content, problems: [], now, ...overrides });
const errorsOf = (error: unknown) => (error as ValidationError).errors;

test('given no template, when a valid one is saved, then EmailTemplateSaved carries its parts as given', () => {
  spec.given([]).when(save()).then([{ type: 'EmailTemplateSaved', data: { tenantId: 't1', kind: 'ticket_created', ...content, at } }]);
});

test('given no template, when saved with an empty html part, then it is accepted', () => {
  spec.given([]).when(save({ html: '' })).then([{ type: 'EmailTemplateSaved', data: { tenantId: 't1', kind: 'ticket_created', ...content, html: '', at } }]);
});

test('given a saved template, when saved again with the same parts, then nothing is recorded', () => {
  spec.given([saved]).when(save()).then([]);
});

test('given a saved template, when any one part changes, then EmailTemplateSaved with the new parts', () => {
  spec.given([saved]).when(save({ subject: 'New ticket' })).then([{ type: 'EmailTemplateSaved', data: { tenantId: 't1', kind: 'ticket_created', ...content, subject: 'New ticket', at } }]);
  spec.given([saved]).when(save({ html: '<p>Thanks.</p>' })).then([{ type: 'EmailTemplateSaved', data: { tenantId: 't1', kind: 'ticket_created', ...content, html: '<p>Thanks.</p>', at } }]);
  spec.given([saved]).when(save({ text: 'Thanks.' })).then([{ type: 'EmailTemplateSaved', data: { tenantId: 't1', kind: 'ticket_created', ...content, text: 'Thanks.', at } }]);
});

test('given a template saved twice, when saved with the latest parts, then nothing is recorded; with the first parts, recorded', () => {
  const resaved: EmailTemplateEvent = { type: 'EmailTemplateSaved', data: { ...saved.data, subject: 'New ticket' } };
  spec.given([saved, resaved]).when(save({ subject: 'New ticket' })).then([]);
  spec.given([saved, resaved]).when(save()).then([{ type: 'EmailTemplateSaved', data: { tenantId: 't1', kind: 'ticket_created', ...content, at } }]);
});

test('given a saved template, then the state holds its latest parts', () => {
  const state = [saved].reduce(emailTemplateDecider.evolve, emailTemplateDecider.initialState());
  assert.equal(state, { status: 'saved', tenantId: 't1', kind: 'ticket_created', ...content });
});

test('given no template, when the subject or the text is blank, then refused with that part at fault', () => {
  const blankSubject = spec.given([]).when(save({ subject: '   ' })).thenThrows(ValidationError, /the template is not valid/);
  assert.equal(errorsOf(blankSubject), [{ path: '/subject', message: 'must not be empty' }]);
  const blankText = spec.given([]).when(save({ text: '\n\t ' })).thenThrows(ValidationError, /the template is not valid/);
  assert.equal(errorsOf(blankText), [{ path: '/text', message: 'must not be empty' }]);
});

test('given no template, when the subject spans more than one line, then refused as not one line', () => {
  const newline = spec.given([]).when(save({ subject: 'Ticket\ncreated' })).thenThrows(ValidationError, /not valid/);
  assert.equal(errorsOf(newline), [{ path: '/subject', message: 'must be one line' }]);
  const carriageReturn = spec.given([]).when(save({ subject: 'Ticket\rcreated' })).thenThrows(ValidationError, /not valid/);
  assert.equal(errorsOf(carriageReturn), [{ path: '/subject', message: 'must be one line' }]);
});

test('given no template, when a part is one character over its limit, then refused; at the limit, accepted', () => {
  const longSubject = spec.given([]).when(save({ subject: 's'.repeat(501) })).thenThrows(ValidationError, /not valid/);
  assert.equal(errorsOf(longSubject), [{ path: '/subject', message: 'must be at most 500 characters' }]);
  const longHtml = spec.given([]).when(save({ html: 'h'.repeat(100_001) })).thenThrows(ValidationError, /not valid/);
  assert.equal(errorsOf(longHtml), [{ path: '/html', message: 'must be at most 100000 characters' }]);
  const longText = spec.given([]).when(save({ text: 't'.repeat(100_001) })).thenThrows(ValidationError, /not valid/);
  assert.equal(errorsOf(longText), [{ path: '/text', message: 'must be at most 100000 characters' }]);
  const atLimit = { subject: 's'.repeat(500), html: 'h'.repeat(100_000), text: 't'.repeat(100_000) };
  spec.given([]).when(save(atLimit)).then([{ type: 'EmailTemplateSaved', data: { tenantId: 't1', kind: 'ticket_created', ...atLimit, at } }]);
});

test('given no template, when the engine reported problems, then refused with those problems ahead of the decider’s own', () => {
  const problems = [{ path: '/html', message: 'unclosed tag {{#if}}' }];
  const onlyEngine = spec.given([]).when(save({ problems })).thenThrows(ValidationError, /the template is not valid/);
  assert.equal(errorsOf(onlyEngine), problems);
  const both = spec.given([]).when(save({ problems, subject: ' ', text: '' })).thenThrows(ValidationError, /not valid/);
  assert.equal(errorsOf(both), [...problems, { path: '/subject', message: 'must not be empty' }, { path: '/text', message: 'must not be empty' }]);
});

test('given a saved template, when the same parts are saved with engine problems, then refused rather than ignored', () => {
  spec.given([saved]).when(save({ problems: [{ path: '/subject', message: 'unknown helper' }] })).thenThrows(ValidationError, /not valid/);
});

test.run();
