import { randomBytes, randomUUID } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { verifyStream } from '../../src/audit/chain-verifier.js';
import { FORGOTTEN_NAME, emailReservationStream, forgottenEmail, userStream } from '../../src/domain/identity/index.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import type { RecordedEvent } from '../../src/eventstore/types.js';
import { MasterKeyRing } from '../../src/privacy/master-keys.js';
import { PersonalDataKeys } from '../../src/privacy/personal-data-keys.js';
import { PersonalDataEventStore } from '../../src/privacy/personal-data-store.js';
import type { TestDatabase } from '../support/database.js';
import { createTestDatabase, serverUrl } from '../support/database.js';
import { caught, newEvent } from '../support/events.js';

interface Context {
  database?: TestDatabase;
  sealedLog?: PostgresEventStore;
  keys?: PersonalDataKeys;
  store?: PersonalDataEventStore;
}

const test = suite<Context>(`personal data sealed in the log (${serverUrl ? 'PostgreSQL server' : 'PGlite'})`, {});

const masterKeys = () => new MasterKeyRing([{ id: 'm1', secret: randomBytes(32) }]);

test.before.each(async (context) => {
  context.database = await createTestDatabase();
  context.sealedLog = new PostgresEventStore(context.database.db);
  context.keys = new PersonalDataKeys(context.database.db.pool, masterKeys(), () => new Date());
  context.store = new PersonalDataEventStore(context.sealedLog, context.keys);
});
test.after.each(async (context) => {
  await context.sealedLog?.close();
  await context.database?.drop();
});

interface Person {
  readonly id: string;
  readonly name: string;
  readonly email: string;
}

function person(): Person {
  const suffix = randomBytes(4).toString('hex');
  return { id: randomUUID(), name: `Morgan Quill ${suffix}`, email: `morgan.quill-${suffix}@example.org` };
}

/** A person registered and renamed, as the user commands would write it. */
async function registerAndRename(store: PersonalDataEventStore, who: Person): Promise<string> {
  const stream = userStream(who.id);
  const metadata = { tenantId: 't1', actorId: who.id };
  await store.appendToStream(stream, [newEvent('UserRegistered', { userId: who.id, tenantId: 't1', email: who.email, name: who.name, role: 'user', passwordHash: 'h', registeredAt: '2026-11-01T00:00:00.000Z' }, metadata)], 'no_stream');
  await store.appendToStream(stream, [newEvent('UserProfileUpdated', { name: `${who.name} Jr`, email: who.email, updatedAt: '2026-11-02T00:00:00.000Z' }, metadata)], 0);
  return stream;
}

async function storedRows(context: Context, stream: string): Promise<string> {
  const { rows } = await context.database!.db.pool.query<{ data: unknown }>('SELECT data FROM es_events WHERE stream_id = $1 ORDER BY revision', [stream]);
  return JSON.stringify(rows.map((row) => row.data));
}

const namesOf = (events: readonly RecordedEvent[]) => events.map((event) => ({ name: event.data.name, email: event.data.email }));

test('given a registered person, then their name and email are ciphertext in es_events', async (context) => {
  const who = person();
  const stream = await registerAndRename(context.store!, who);
  const stored = await storedRows(context, stream);
  assert.not.ok(stored.includes('Morgan') || stored.includes(who.email) || stored.includes('morgan.quill'), stored);
  assert.match(stored, /"enc":"A256GCM"/);
  assert.ok(stored.includes('"role":"user"') && stored.includes('"tenantId":"t1"'), 'only the personal fields are sealed');
});

test('when read back through the store, stream, log page and subscription show the plain values', async (context) => {
  const who = person();
  const stream = await registerAndRename(context.store!, who);
  const expected = [
    { name: who.name, email: who.email },
    { name: `${who.name} Jr`, email: who.email },
  ];
  assert.equal(namesOf(await context.store!.readStream(stream)), expected);
  const page = await context.store!.readAll({ maxCount: 100 });
  assert.equal(namesOf(page.events.filter((event) => event.streamId === stream)), expected);
  const controller = new AbortController();
  const seen: RecordedEvent[] = [];
  for await (const item of context.store!.subscribe({ signal: controller.signal })) {
    if (item.kind === 'caught_up') break;
    if (item.event.streamId === stream) seen.push(item.event);
  }
  controller.abort();
  assert.equal(namesOf(seen), expected);
});

test('the email reservation carries the address sealed with its holder’s key', async (context) => {
  const who = person();
  const stream = emailReservationStream('t1', who.email);
  await context.store!.appendToStream(stream, [newEvent('UserEmailReserved', { email: who.email, userId: who.id }, { tenantId: 't1' })], 'no_stream');
  assert.not.ok((await storedRows(context, stream)).includes(who.email));
  assert.is((await context.store!.readStream(stream))[0]!.data.email, who.email);
  await context.keys!.forget(who.id, new Date());
  assert.is((await context.store!.readStream(stream))[0]!.data.email, forgottenEmail(who.id));
});

test('given a forgotten person, then they read as the markers, others stay intact, and the chain still verifies', async (context) => {
  const forgotten = person();
  const kept = person();
  const stream = await registerAndRename(context.store!, forgotten);
  const other = await registerAndRename(context.store!, kept);
  const storedBefore = await storedRows(context, stream);

  await context.keys!.forget(forgotten.id, new Date());

  const marker = { name: FORGOTTEN_NAME, email: forgottenEmail(forgotten.id) };
  assert.equal(namesOf(await context.store!.readStream(stream)), [marker, marker]);
  assert.is((await context.store!.readStream(other))[0]!.data.name, kept.name);
  assert.is(await storedRows(context, stream), storedBefore, 'the stored bytes are untouched');
  const verification = await verifyStream(context.sealedLog!, stream);
  assert.is(verification.intact, true, JSON.stringify(verification));
  assert.is(verification.events, 2);
});

test('given a forgotten person, when something about them is appended later, then no plain value is stored', async (context) => {
  const who = person();
  const stream = await registerAndRename(context.store!, who);
  await context.keys!.forget(who.id, new Date());
  await context.store!.appendToStream(stream, [newEvent('UserProfileUpdated', { name: 'Late Write', email: 'late@example.org', updatedAt: '2026-11-03T00:00:00.000Z' })], 1);
  const stored = await storedRows(context, stream);
  assert.not.ok(stored.includes('Late Write') || stored.includes('late@example.org'), stored);
  assert.is((await context.keys!.lookup([who.id])).get(who.id)?.state, 'forgotten', 'no fresh key was minted');
});

test('given events written before sealing, then they read as written, until their person is forgotten', async (context) => {
  const who = person();
  const stream = userStream(who.id);
  await context.sealedLog!.appendToStream(stream, [newEvent('UserRegistered', { userId: who.id, tenantId: 't1', email: who.email, name: who.name, role: 'user', passwordHash: 'h', registeredAt: '2026-11-01T00:00:00.000Z' })], 'no_stream');
  assert.is((await context.store!.readStream(stream))[0]!.data.name, who.name);
  await context.keys!.forget(who.id, new Date());
  assert.is((await context.store!.readStream(stream))[0]!.data.name, FORGOTTEN_NAME);
});

test('given a sealed field copied into another event, then reading it fails instead of showing it there', async (context) => {
  const who = person();
  const stream = await registerAndRename(context.store!, who);
  const { rows } = await context.database!.db.pool.query<{ data: { name: unknown } }>('SELECT data FROM es_events WHERE stream_id = $1 AND revision = 0', [stream]);
  await context.database!.db.pool.query(`UPDATE es_events SET data = jsonb_set(data, '{name}', $2::jsonb) WHERE stream_id = $1 AND revision = 1`, [stream, JSON.stringify(rows[0]!.data.name)]);
  const error = await caught(() => context.store!.readStream(stream));
  assert.instance(error, Error);
});

test('given a data key wrapped by an old master key, then a ring with a new first key still opens it', async (context) => {
  const old = { id: 'old', secret: randomBytes(32) };
  const first = new PersonalDataKeys(context.database!.db.pool, new MasterKeyRing([old]), () => new Date());
  const key = await first.keyFor('subject-1');
  const rotated = new PersonalDataKeys(context.database!.db.pool, new MasterKeyRing([{ id: 'new', secret: randomBytes(32) }, old]), () => new Date());
  const found = (await rotated.lookup(['subject-1'])).get('subject-1');
  assert.ok(found?.state === 'live' && key !== null && found.key.equals(key));
  const without = new PersonalDataKeys(context.database!.db.pool, new MasterKeyRing([{ id: 'new', secret: randomBytes(32) }]), () => new Date());
  assert.match(String(await caught(() => without.lookup(['subject-1']))), /master key "old" is not configured/);
});

test.run();
