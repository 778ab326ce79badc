import { randomUUID } from 'node:crypto';
import * as assert from 'uvu/assert';
import type { SearchDocument } from '../../src/search/index.js';
import type { SearchHarness } from './contract.js';
import { AGENT } from './contract.js';

/**
 * A relevance set shipped with the tests: 30 topics, each with three documents about it (the key
 * word in the title and the body, one of them a knowledge article) and four that only mention the
 * key word in passing (body or comments) while being about something else. 210 documents in all.
 * Each topic has one query, written the way people type (a word, two words, a typo, the start of a
 * word, a phrase); its expected top three are the three documents about the topic.
 */
interface Topic {
  readonly key: string;
  readonly second: string;
  readonly query: string;
}

const TOPICS: readonly Topic[] = [
  { key: 'printer', second: 'toner', query: 'pritner' },
  { key: 'vpn', second: 'tunnel', query: 'vpn tunnel' },
  { key: 'password', second: 'reset', query: 'password' },
  { key: 'outlook', second: 'mailbox', query: 'outlo' },
  { key: 'laptop', second: 'battery', query: '"laptop battery"' },
  { key: 'monitor', second: 'flicker', query: 'monitor' },
  { key: 'wifi', second: 'signal', query: 'wifi signal' },
  { key: 'badge', second: 'door', query: 'badge' },
  { key: 'payroll', second: 'salary', query: 'payrol' },
  { key: 'keyboard', second: 'keys', query: 'keybaord' },
  { key: 'projector', second: 'hdmi', query: 'projector hdmi' },
  { key: 'backup', second: 'restore', query: '"backup restore"' },
  { key: 'firewall', second: 'port', query: 'firewal' },
  { key: 'database', second: 'query', query: 'database' },
  { key: 'invoice', second: 'supplier', query: 'invoice supplier' },
  { key: 'voicemail', second: 'phone', query: 'voicemial' },
  { key: 'scanner', second: 'paper', query: 'scanner' },
  { key: 'sharepoint', second: 'permissions', query: 'sharep' },
  { key: 'meeting', second: 'room', query: '"meeting room"' },
  { key: 'certificate', second: 'expired', query: 'certificate expired' },
  { key: 'container', second: 'docker', query: 'contianer' },
  { key: 'headset', second: 'microphone', query: 'headset' },
  { key: 'webcam', second: 'driver', query: 'webcam driver' },
  { key: 'license', second: 'activation', query: 'licens' },
  { key: 'antivirus', second: 'quarantine', query: 'antivirus' },
  { key: 'router', second: 'dhcp', query: 'router dhcp' },
  { key: 'calendar', second: 'invite', query: 'calender' },
  { key: 'onboarding', second: 'account', query: '"onboarding account"' },
  { key: 'timesheet', second: 'approval', query: 'timesheet' },
  { key: 'mouse', second: 'cursor', query: 'mouse cursor' },
];

const CORE_TITLES = ['{Key} not working since this morning', '{Key} {second} problem on the third floor', 'How to fix {key} {second} issues'];
const CORE_BODIES = [
  'The {key} {second} problem started today. Several colleagues are affected and work is blocked.',
  'Again the {key} fails. We checked the {second} and the cables; nothing helps so far.',
  'Steps that solve most {key} {second} trouble: restart, check the settings, then call the desk.',
];
const OTHER_TITLES = ['Office move next week', 'Question about the expense policy', 'New starter needs a desk', 'Slow network in building B'];
const OTHER_BODIES = ['Please plan the move of our team. Boxes are ready.', 'Which receipts count for travel? The policy is unclear.', 'A new colleague starts Monday and needs a chair.', 'Pages load slowly after lunch every day.'];

const fill = (template: string, topic: Topic) =>
  template
    .replaceAll('{Key}', topic.key[0]!.toUpperCase() + topic.key.slice(1))
    .replaceAll('{key}', topic.key)
    .replaceAll('{second}', topic.second);

export interface RelevanceSet {
  readonly documents: SearchDocument[];
  readonly queries: ReadonlyArray<{ readonly text: string; readonly expected: ReadonlySet<string> }>;
}

export function relevanceSet(tenantId: string): RelevanceSet {
  const documents: SearchDocument[] = [];
  const queries: Array<{ text: string; expected: Set<string> }> = [];
  TOPICS.forEach((topic, t) => {
    const expected = new Set<string>();
    CORE_TITLES.forEach((title, n) => {
      const id = randomUUID();
      expected.add(id);
      const article = n === 2;
      documents.push({
        kind: article ? 'article' : 'ticket',
        id,
        tenantId,
        revision: 0,
        reference: article ? null : `INC-${String(t * 10 + n).padStart(6, '0')}`,
        title: fill(title, topic),
        body: fill(CORE_BODIES[n]!, topic),
        comments: n === 0 ? 'Thanks, looking into it.' : '',
        internal: '',
        fields: article ? { status: 'published', audience: 'public' } : { status: 'new', ticketType: 'incident', priority: 'P3', requesterId: randomUUID() },
        updatedAt: '2026-11-01T09:00:00.000Z',
      });
    });
    OTHER_TITLES.forEach((title, n) => {
      // About something else; the key word and its partner only in passing.
      const passing = n % 2 === 0 ? { body: `${OTHER_BODIES[n]!} By the way, the ${topic.key} was mentioned in passing.`, comments: '' } : { body: OTHER_BODIES[n]!, comments: `Not related, but someone asked about ${topic.key} ${topic.second} too.` };
      documents.push({
        kind: 'ticket',
        id: randomUUID(),
        tenantId,
        revision: 0,
        reference: `INC-${String(t * 10 + 5 + n).padStart(6, '0')}`,
        title: `${title} (${t + 1})`,
        ...passing,
        internal: '',
        fields: { status: 'new', ticketType: 'service_request', priority: 'P4', requesterId: randomUUID() },
        updatedAt: '2026-11-01T09:00:00.000Z',
      });
    });
    queries.push({ text: topic.query, expected });
  });
  return { documents, queries };
}

/** Indexes the set, runs every query, prints precision@3 and holds it to a floor. */
export async function checkRelevance(adapter: string, harness: SearchHarness, floor = 0.8): Promise<number> {
  const tenantId = randomUUID();
  const set = relevanceSet(tenantId);
  assert.ok(set.documents.length >= 200 && set.queries.length >= 30);
  await harness.index.upsert(harness.knex, set.documents);
  await harness.index.settle();
  let sum = 0;
  const misses: string[] = [];
  for (const query of set.queries) {
    const page = await harness.index.query({ tenantId, text: query.text, kinds: ['ticket', 'article', 'asset'], filters: {}, scope: AGENT, limit: 3 });
    const hits = page.data.filter((hit) => query.expected.has(hit.id)).length;
    sum += hits / 3;
    if (hits < 3) misses.push(`${query.text} (${hits}/3)`);
  }
  const precision = sum / set.queries.length;
  console.log(`precision@3 for ${adapter}: ${precision.toFixed(3)} over ${set.queries.length} queries and ${set.documents.length} documents${misses.length > 0 ? `; short: ${misses.join(', ')}` : ''}`);
  assert.ok(precision >= floor, `precision@3 ${precision.toFixed(3)} is below ${floor}`);
  return precision;
}
