import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../src/eventstore/types.js';

/** Words the generated tickets are made of, and the queries are drawn from. */
const ADJECTIVES = ['broken', 'slow', 'missing', 'new', 'shared', 'remote', 'old', 'noisy', 'locked', 'blank', 'frozen', 'wireless', 'external', 'corporate', 'guest'];
const THINGS = [
  'printer', 'laptop', 'monitor', 'keyboard', 'mouse', 'headset', 'webcam', 'projector', 'scanner', 'router', 'vpn', 'mailbox', 'calendar', 'password', 'badge',
  'license', 'database', 'backup', 'firewall', 'certificate', 'invoice', 'payroll', 'timesheet', 'sharepoint', 'teams', 'outlook', 'wifi', 'phone', 'voicemail', 'docking',
];
const PROBLEMS = ['does not start', 'keeps crashing', 'shows an error', 'is very slow', 'cannot connect', 'needs a replacement', 'was stolen', 'lost its settings', 'asks for a password', 'makes a noise'];
const PLACES = ['on floor 2', 'in building B', 'at the front desk', 'in meeting room 4', 'at home', 'in the warehouse', 'since the update', 'after the move'];
const REPLIES = ['Rebooted it, same again.', 'Can someone look at this today?', 'Tried another cable.', 'Still happening after lunch.', 'Colleague has the same issue.', 'Attached a photo of the error.'];

/** A deterministic pseudo-random source, so every target indexes and queries the same things. */
export function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

export interface TicketAuthor {
  readonly tenantId: string;
  readonly requesterId: string;
}

/** A ticket as a requester opens it: the event the `open` command records, with its number. */
export function ticketOpened(random: () => number, author: TicketAuthor, n: number): NewEvent & { readonly ticketId: string } {
  const thing = pick(random, THINGS);
  const ticketId = randomUUID();
  const { tenantId, requesterId } = author;
  return {
    ticketId,
    id: randomUUID(),
    type: 'TicketOpened',
    data: {
      ticketId,
      tenantId,
      number: `INC-${String(n).padStart(6, '0')}`,
      type: 'incident',
      title: `${pick(random, ADJECTIVES)} ${thing} ${pick(random, PROBLEMS)}`,
      description: `The ${thing} ${pick(random, PROBLEMS)} ${pick(random, PLACES)}. Also the ${pick(random, THINGS)} ${pick(random, PROBLEMS)}.`,
      impact: 'medium',
      urgency: 'medium',
      priority: pick(random, ['P2', 'P3', 'P4']),
      requesterId,
      teamId: null,
      categoryId: null,
      serviceId: null,
      tags: [],
      assetIds: [],
      risk: null,
      plannedStart: null,
      plannedEnd: null,
      openedBy: requesterId,
      at: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
    },
    metadata: { tenantId, actorId: requesterId },
  };
}

/**
 * A ticket's whole life so far: opened, then `events - 1` follow-ups. Every other ticket has been
 * picked up by an agent (status in_progress), so a status filter selects about half of them.
 */
export function ticketStream(random: () => number, author: TicketAuthor, n: number, events: number): { ticketId: string; events: NewEvent[] } {
  const { ticketId, ...opened } = ticketOpened(random, author, n);
  const metadata = { tenantId: author.tenantId, actorId: author.requesterId };
  const start = Date.UTC(2026, 0, 1) + n * 60_000;
  const followUps = Array.from({ length: Math.max(0, events - 1) }, (_, index): NewEvent => {
    const at = new Date(start + (index + 1) * 1_000).toISOString();
    if (index === events - 2 && n % 2 === 1) return { id: randomUUID(), type: 'TicketWorkStarted', data: { by: author.requesterId, at }, metadata };
    return {
      id: randomUUID(),
      type: 'TicketCommented',
      data: { commentId: randomUUID(), authorId: author.requesterId, body: pick(random, REPLIES), internal: false, at, carriedFrom: null },
      metadata,
    };
  });
  return { ticketId, events: [opened, ...followUps] };
}

/** What people type: a word, two words, a word with a typo, the start of a word, a phrase. */
export function queryTexts(count: number): string[] {
  const random = generator(7);
  const typo = (word: string) => (word.length < 5 ? word : `${word.slice(0, 2)}${word[3]}${word[2]}${word.slice(4)}`);
  return Array.from({ length: count }, (_, n) => {
    const thing = pick(random, THINGS);
    switch (n % 5) {
      case 0:
        return thing;
      case 1:
        return `${pick(random, ADJECTIVES)} ${thing}`;
      case 2:
        return typo(thing);
      case 3:
        return thing.slice(0, Math.max(3, thing.length - 2));
      default:
        return `"${thing} ${pick(random, PROBLEMS).split(' ')[0]!}"`;
    }
  });
}

/** A new ticket's body as a client posts it. */
export function openTicketBody(random: () => number): string {
  const thing = pick(random, THINGS);
  return JSON.stringify({
    type: 'incident',
    title: `${pick(random, ADJECTIVES)} ${thing} ${pick(random, PROBLEMS)}`,
    description: `The ${thing} ${pick(random, PROBLEMS)} ${pick(random, PLACES)}.`,
    impact: 'medium',
    urgency: 'medium',
  });
}

export function commentBody(random: () => number): string {
  return JSON.stringify({ body: pick(random, REPLIES) });
}
