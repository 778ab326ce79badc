import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import type { EmailData } from '../../src/notifications/templates.js';
import { DEFAULT_TEMPLATES, renderTemplate, SAMPLE_DATA, ticketUrl } from '../../src/notifications/templates.js';

const test = suite('notification mail links');

const withUrl = (url: string | null): EmailData => ({ ...SAMPLE_DATA, ticket: { ...SAMPLE_DATA.ticket, url } });

test('with a public base URL every default mail links to its ticket, in text and HTML', () => {
  const url = ticketUrl('https://desk.example.com', 'INC-000123');
  assert.is(url, 'https://desk.example.com/tickets/INC-000123');
  for (const [kind, template] of Object.entries(DEFAULT_TEMPLATES)) {
    const mail = renderTemplate(template, withUrl(url));
    assert.ok(mail.text.includes(`Open INC-000123: ${url}`), `${kind}: ${mail.text}`);
    assert.ok(mail.html.includes(`<a href="${url}">Open INC-000123</a>`), `${kind}: ${mail.html}`);
  }
});

test('without one a mail names the ticket and has no link, no empty line and no "null"', () => {
  assert.is(ticketUrl(null, 'INC-000123'), null);
  for (const [kind, template] of Object.entries(DEFAULT_TEMPLATES)) {
    const mail = renderTemplate(template, withUrl(null));
    assert.not.ok(/Open INC|href|null|undefined/.test(mail.text + mail.html), `${kind}: ${mail.text} ${mail.html}`);
    assert.ok(mail.text.includes('INC-000123'), kind);
    assert.not.ok(mail.text.includes('\n\n\n'), `${kind}: ${JSON.stringify(mail.text)}`);
  }
});

test('PUBLIC_BASE_URL is an http(s) URL; a trailing slash is dropped; unset is none', () => {
  assert.is(loadConfig({ PUBLIC_BASE_URL: 'https://desk.example.com/' }).publicBaseUrl, 'https://desk.example.com');
  assert.is(loadConfig({ PUBLIC_BASE_URL: 'https://example.com/desk' }).publicBaseUrl, 'https://example.com/desk');
  assert.is(loadConfig({}).publicBaseUrl, null);
  assert.is(loadConfig({ PUBLIC_BASE_URL: '' }).publicBaseUrl, null);
  assert.throws(() => loadConfig({ PUBLIC_BASE_URL: 'desk.example.com' }), (error: unknown) => error instanceof ConfigError && /PUBLIC_BASE_URL/.test(error.message));
});

test.run();
