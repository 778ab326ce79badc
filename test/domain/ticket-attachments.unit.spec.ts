import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { IllegalStateError, NotFoundError, ValidationError } from '../../src/domain/errors.js';
import type { AddAttachment, TicketEvent } from '../../src/domain/ticket/index.js';
import { MAX_ATTACHMENTS, sanitiseFilename, ticketDecider } from '../../src/domain/ticket/index.js';
import { deciderSpec } from '../support/decider-spec.js';
import { at, deleted, earlier, fold, historyTo, ids, now, opened } from '../support/ticket-events.js';

const spec = deciderSpec(ticketDecider);
const SHA = 'c4'.repeat(32);
const attachmentId = 'a77ac400-0000-4000-8000-000000000001';

const attach = (overrides: Partial<AddAttachment> = {}): AddAttachment => ({
  type: 'AddAttachment',
  attachmentId,
  sha256: SHA,
  size: 2_048,
  mediaType: 'image/png',
  filename: 'screenshot.png',
  uploadedBy: ids.requester,
  now,
  ...overrides,
});

const added = (id: string, when = earlier): TicketEvent => ({
  type: 'TicketAttachmentAdded',
  data: { attachmentId: id, sha256: SHA, size: 2_048, mediaType: 'image/png', filename: 'screenshot.png', uploadedBy: ids.requester, at: when },
});

// ---------------------------------------------------------------------------------------------

const attaching = suite('ticket: when a file is attached');

attaching('records the file with its content address, detected type and uploader', () => {
  const event: TicketEvent = { type: 'TicketAttachmentAdded', data: { attachmentId, sha256: SHA, size: 2_048, mediaType: 'image/png', filename: 'screenshot.png', uploadedBy: ids.requester, at } };
  spec.given([opened('incident')]).when(attach()).then([event]);
  assert.equal(fold([opened('incident'), event]).attachments, [{ id: attachmentId, sha256: SHA, size: 2_048, mediaType: 'image/png', filename: 'screenshot.png', uploadedBy: ids.requester, at }]);
});

attaching('records the name made safe, not as sent', () => {
  const [event] = ticketDecider.decide(attach({ filename: '..\\..\\windows\\evil\u202Egnp.exe' }), fold([opened('incident')]));
  assert.is(event?.type === 'TicketAttachmentAdded' ? event.data.filename : null, 'evilgnp.exe');
});

attaching('takes files in any status, closed included', () => {
  for (const status of ['resolved', 'closed', 'cancelled'] as const) {
    assert.is(ticketDecider.decide(attach(), fold(historyTo('incident', status))).length, 1, status);
  }
});

attaching('does nothing when the same attachment is added again', () => {
  spec.given([opened('incident'), added(attachmentId)]).when(attach()).then([]);
});

attaching('rejects an empty file', () => {
  spec.given([opened('incident')]).when(attach({ size: 0 })).thenThrows(ValidationError, /empty/);
});

attaching(`refuses a file past ${MAX_ATTACHMENTS} on one ticket`, () => {
  const full = [opened('incident'), ...Array.from({ length: MAX_ATTACHMENTS }, (_, i) => added(`a77ac400-0000-4000-8000-${String(i).padStart(12, '0')}`))];
  spec.given(full).when(attach({ attachmentId: 'a77ac400-0000-4000-8000-ffffffffffff' })).thenThrows(IllegalStateError, /at most/);
});

attaching('answers a deleted ticket as not found', () => {
  spec.given([opened('incident'), deleted()]).when(attach()).thenThrows(NotFoundError, /ticket not found/);
});

attaching.run();

// ---------------------------------------------------------------------------------------------

const names = suite('attachment file names');

names('keep an ordinary name as it is, Unicode included', () => {
  for (const name of ['report.pdf', 'Übersicht 2026 (final).xlsx', '写真.jpg', '.env', 'a b c.txt', '🖨️ jam.png']) assert.is(sanitiseFilename(name), name);
});

names('drop any path the client sent along', () => {
  assert.is(sanitiseFilename('C:\\fakepath\\photo.jpg'), 'photo.jpg');
  assert.is(sanitiseFilename('/etc/passwd'), 'passwd');
  assert.is(sanitiseFilename('../../secret.txt'), 'secret.txt');
});

names('drop control and direction-changing characters', () => {
  assert.is(sanitiseFilename('in\u0000voice\r\n.pdf'), 'invoice.pdf');
  assert.is(sanitiseFilename('invoice\u202Efdp.exe'), 'invoicefdp.exe');
  assert.is(sanitiseFilename('zero\u200Bwidth\u2066.txt'), 'zerowidth.txt');
  assert.is(sanitiseFilename('tab\there\u007F\u0085.txt'), 'tabhere.txt');
});

names('fall back to a plain name when nothing usable is left', () => {
  for (const name of ['', '   ', '.', '..', 'dir/', '\u0001\u0002', 'a/..']) assert.is(sanitiseFilename(name), 'attachment', JSON.stringify(name));
});

names('shorten to 255 characters, keeping the extension and whole characters', () => {
  const long = sanitiseFilename(`${'ä'.repeat(300)}.docx`);
  assert.is(Array.from(long).length, 255);
  assert.ok(long.endsWith('ä.docx'));
  const emoji = sanitiseFilename('😀'.repeat(300));
  assert.is(Array.from(emoji).length, 255);
  assert.ok(emoji.split('').every((unit, i, all) => !/[\ud800-\udbff]/.test(unit) || /[\udc00-\udfff]/.test(all[i + 1] ?? '')), 'no half surrogate pair');
});

names.run();
