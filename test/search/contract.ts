import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { SearchDocument, SearchIndex, SearchScope } from '../../src/search/index.js';

export interface SearchHarness {
  readonly index: SearchIndex;
  /** What the projection would hand the index: its transaction (PostgreSQL) or nothing it uses (Meilisearch). */
  readonly knex: Knex;
  close(): Promise<void>;
}

export const AGENT: SearchScope = { tickets: 'all', articles: 'all', assets: 'all', internalText: true };
export const requester = (userId: string): SearchScope => ({ tickets: { requesterId: userId }, articles: 'published_public', assets: { ownerUserId: userId }, internalText: false });

export function ticketDoc(tenantId: string, overrides: Partial<SearchDocument> & { fields?: SearchDocument['fields'] } = {}): SearchDocument {
  return {
    kind: 'ticket',
    id: randomUUID(),
    tenantId,
    revision: 0,
    reference: `INC-${String(Math.floor(Math.random() * 900_000) + 100_000)}`,
    title: 'Untitled',
    body: '',
    comments: '',
    internal: '',
    updatedAt: '2026-11-01T09:00:00.000Z',
    ...overrides,
    fields: { status: 'new', ticketType: 'incident', priority: 'P3', requesterId: randomUUID(), ...overrides.fields },
  };
}

/**
 * The behaviour every search adapter must show. Each test works in tenants of its own, so adapters
 * whose server is shared (Meilisearch) need no cleaning between tests.
 */
export function searchContract(adapter: string, open: () => Promise<SearchHarness>): void {
  const test = suite<{ harness: SearchHarness }>(`search contract: ${adapter}`);

  test.before(async (context) => {
    context.harness = await open();
  });
  test.after(async (context) => {
    await context.harness.close();
  });

  async function put(harness: SearchHarness, ...docs: SearchDocument[]): Promise<void> {
    await harness.index.upsert(harness.knex, docs);
    await harness.index.settle();
  }

  const search = (harness: SearchHarness, tenantId: string, text: string, options: { scope?: SearchScope; limit?: number; cursor?: string; filters?: Record<string, string[]>; kinds?: Array<'ticket' | 'article' | 'asset'> } = {}) =>
    harness.index.query({ tenantId, text, kinds: options.kinds ?? ['ticket', 'article', 'asset'], filters: options.filters ?? {}, scope: options.scope ?? AGENT, limit: options.limit ?? 25, cursor: options.cursor });

  const ids = (page: { data: Array<{ id: string }> }) => page.data.map((hit) => hit.id);

  test('finds a document by an exact word, with a snippet and a score', async ({ harness }) => {
    const tenant = randomUUID();
    const printer = ticketDoc(tenant, { title: 'Office printer is offline', body: 'The printer on floor three shows an error since this morning.' });
    const other = ticketDoc(tenant, { title: 'VPN drops every hour', body: 'Connection resets.' });
    await put(harness, printer, other);
    const page = await search(harness, tenant, 'offline');
    assert.equal(ids(page), [printer.id]);
    const hit = page.data[0]!;
    assert.is(hit.type, 'ticket');
    assert.is(hit.title, printer.title);
    assert.is(hit.reference, printer.reference);
    assert.ok(hit.score > 0);
    assert.is(page.nextCursor, null);
    const quoted = await search(harness, tenant, 'error');
    assert.match(quoted.data[0]!.snippet, /\*\*error\*\*/i);
  });

  test('finds a word by its beginning (the last word typed)', async ({ harness }) => {
    const tenant = randomUUID();
    const keyboard = ticketDoc(tenant, { title: 'Keyboard missing keys' });
    await put(harness, keyboard, ticketDoc(tenant, { title: 'Monitor flickers' }));
    assert.equal(ids(await search(harness, tenant, 'keyb')), [keyboard.id]);
    assert.equal(ids(await search(harness, tenant, 'missing keyb')), [keyboard.id]);
  });

  test('forgives one typo: "pritner" finds "printer"', async ({ harness }) => {
    const tenant = randomUUID();
    const printer = ticketDoc(tenant, { title: 'Printer jammed on the second floor' });
    await put(harness, printer, ticketDoc(tenant, { title: 'Password reset for the payroll system' }));
    assert.equal(ids(await search(harness, tenant, 'pritner')), [printer.id]);
    assert.equal(ids(await search(harness, tenant, 'pritner jammed')), [printer.id]);
    assert.equal(ids(await search(harness, tenant, 'pasword')).length, 1);
  });

  test('matches a quoted phrase only with its words together and in order', async ({ harness }) => {
    const tenant = randomUUID();
    const together = ticketDoc(tenant, { title: 'Paper jam in tray two' });
    const apart = ticketDoc(tenant, { title: 'Jam on the stairs, paper everywhere' });
    await put(harness, together, apart);
    assert.equal(ids(await search(harness, tenant, '"paper jam"')), [together.id]);
    assert.equal(new Set(ids(await search(harness, tenant, 'paper jam'))), new Set([together.id, apart.id]));
    assert.equal(ids(await search(harness, tenant, 'paper -tray')), [apart.id]);
  });

  test('ranks a match in the title above one in the body, and one in the body above one in comments', async ({ harness }) => {
    const tenant = randomUUID();
    const inComments = ticketDoc(tenant, { title: 'Laptop slow', body: 'It takes minutes to boot.', comments: 'Maybe the docking station is at fault.' });
    const inBody = ticketDoc(tenant, { title: 'Screen stays black', body: 'Only when plugged into the docking station.' });
    const inTitle = ticketDoc(tenant, { title: 'Docking station not detected', body: 'USB devices do not work.' });
    await put(harness, inComments, inBody, inTitle);
    assert.equal(ids(await search(harness, tenant, 'docking station')), [inTitle.id, inBody.id, inComments.id]);
  });

  test('narrows by filters and by kind; a filter on a field a kind lacks leaves that kind out', async ({ harness }) => {
    const tenant = randomUUID();
    const urgent = ticketDoc(tenant, { title: 'Mail server down', fields: { priority: 'P1', status: 'in_progress' } });
    const minor = ticketDoc(tenant, { title: 'Mail signature wrong', fields: { priority: 'P4', status: 'new' } });
    const article: SearchDocument = { ...ticketDoc(tenant, { title: 'How to set up mail on a phone' }), kind: 'article', reference: null, fields: { status: 'published', audience: 'public' } };
    await put(harness, urgent, minor, article);
    assert.equal(ids(await search(harness, tenant, 'mail', { filters: { priority: ['P1'] } })), [urgent.id]);
    assert.equal(new Set(ids(await search(harness, tenant, 'mail', { filters: { status: ['new', 'published'] } }))), new Set([minor.id, article.id]));
    assert.equal(ids(await search(harness, tenant, 'mail', { kinds: ['article'] })), [article.id]);
  });

  test('never crosses tenants: a word only tenant B has finds nothing for tenant A', async ({ harness }) => {
    const a = randomUUID();
    const b = randomUUID();
    const secret = ticketDoc(b, { title: 'Quarterly zanzibar audit', body: 'zanzibar' });
    await put(harness, ticketDoc(a, { title: 'Printer offline' }), secret);
    assert.equal(ids(await search(harness, a, 'zanzibar')), []);
    // Not even through typo tolerance.
    assert.equal(ids(await search(harness, a, 'zanzibra')), []);
    assert.equal(ids(await search(harness, b, 'zanzibar')), [secret.id]);
  });

  test('requesters match their own tickets, published public articles and their own assets, never internal text', async ({ harness }) => {
    const tenant = randomUUID();
    const alice = randomUUID();
    const bob = randomUUID();
    const mine = ticketDoc(tenant, { title: 'Projector bulb', body: 'The projector in room 4 is dim.', internal: 'Vendor contract expired, kraken invoice pending', fields: { requesterId: alice } });
    const theirs = ticketDoc(tenant, { title: 'Projector cable', fields: { requesterId: bob } });
    const article = (status: string, audience: string): SearchDocument => ({ ...ticketDoc(tenant, { title: `Projector guide ${status} ${audience}` }), kind: 'article', reference: null, fields: { status, audience } });
    const published = article('published', 'public');
    const draft = article('draft', 'public');
    const internalArticle = article('published', 'internal');
    const asset = (owner: string): SearchDocument => ({ ...ticketDoc(tenant, { title: 'Projector Epson' }), kind: 'asset', reference: `AST-${owner.slice(0, 4)}`, fields: { status: 'in_use', ownerUserId: owner } });
    const alicesProjector = asset(alice);
    const bobsProjector = asset(bob);
    await put(harness, mine, theirs, published, draft, internalArticle, alicesProjector, bobsProjector);
    assert.equal(new Set(ids(await search(harness, tenant, 'projector', { scope: requester(alice) }))), new Set([mine.id, published.id, alicesProjector.id]));
    assert.equal(ids(await search(harness, tenant, 'projector', { scope: AGENT })).length, 7);
    assert.equal(ids(await search(harness, tenant, 'kraken', { scope: requester(alice) })), [], 'internal text is not matched for requesters');
    assert.equal(ids(await search(harness, tenant, 'kraken', { scope: AGENT })), [mine.id]);
    const forAlice = await search(harness, tenant, 'projector dim', { scope: requester(alice) });
    assert.ok(forAlice.data.every((hit) => !/kraken|invoice|vendor/i.test(hit.snippet)), 'snippets never quote internal text to requesters');
  });

  test('takes a removed document out of every answer and brings it back on a newer upsert', async ({ harness }) => {
    const tenant = randomUUID();
    const doc = ticketDoc(tenant, { title: 'Badge reader broken', revision: 3 });
    await put(harness, doc);
    await harness.index.remove(harness.knex, [{ kind: 'ticket', id: doc.id, tenantId: tenant, revision: 4 }]);
    await harness.index.settle();
    assert.equal(ids(await search(harness, tenant, 'badge')), []);
    // A late, older write must not resurrect it.
    await put(harness, { ...doc, revision: 3 });
    assert.equal(ids(await search(harness, tenant, 'badge')), []);
    await put(harness, { ...doc, revision: 5 });
    assert.equal(ids(await search(harness, tenant, 'badge')), [doc.id]);
  });

  test('never lets an older revision overwrite a newer one', async ({ harness }) => {
    const tenant = randomUUID();
    const newer = ticketDoc(tenant, { title: 'Wifi password rotated', revision: 7 });
    await put(harness, newer);
    await put(harness, { ...newer, title: 'Wifi outage stale', revision: 6 });
    assert.equal(ids(await search(harness, tenant, 'stale')), []);
    assert.equal(ids(await search(harness, tenant, 'rotated')), [newer.id]);
    await put(harness, { ...newer, title: 'Wifi password expired', revision: 8 });
    assert.equal(ids(await search(harness, tenant, 'rotated')), []);
    assert.equal(ids(await search(harness, tenant, 'expired')), [newer.id]);
  });

  test('pages with a cursor: every match once, in rank order', async ({ harness }) => {
    const tenant = randomUUID();
    const docs = Array.from({ length: 23 }, (_, n) => ticketDoc(tenant, { title: n % 3 === 0 ? 'Scanner scanner error' : `Scanner problem ${n}`, body: 'scanner' }));
    await put(harness, ...docs);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await search(harness, tenant, 'scanner', { limit: 5, cursor });
      seen.push(...ids(page));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 10);
    assert.is(seen.length, 23);
    assert.is(new Set(seen).size, 23);
    assert.is(pages, 5);
  });

  test('answers nothing, not an error, for text that holds no words', async ({ harness }) => {
    const tenant = randomUUID();
    await put(harness, ticketDoc(tenant, { title: 'Printer' }));
    assert.equal(ids(await search(harness, tenant, '"" - ,;')), []);
  });

  test.run();
}
