import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { openDatabase } from '../../src/db/open.js';
import { DataDirectoryInUseError } from '../../src/db/data-directory-lock.js';
import { bearer, expectStatus, signupTenant } from '../support/identity-fixtures.js';
import { call } from '../support/api.js';
import { suite } from '../support/suite.js';

/**
 * Issue 18, item 1: `itsm rebuild all` beside a running `npm start` on the same DATA_DIR exited 0
 * and corrupted the embedded database for good. Real processes here, as a person runs them.
 */

const test = suite<{ dataDir?: string }>('data directory: one process at a time on the embedded database', {});

test.before.each(async (context) => {
  context.dataDir = await mkdtemp(join(tmpdir(), 'itsm-lock-'));
});
test.after.each(async (context) => {
  if (context.dataDir) await rm(context.dataDir, { recursive: true, force: true });
});

/** The environment of `itsm` on the embedded database in `dataDir`, whichever database the test run was given. */
function embedded(dataDir: string): NodeJS.ProcessEnv {
  const { DATABASE_URL: _database, REDIS_URL: _redis, ...rest } = process.env;
  return { ...rest, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SEED_DEMO: 'false' };
}

/** `itsm <args>` as a process of its own, with what it printed. */
function itsm(dataDir: string, args: readonly string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: process.cwd(), env: embedded(dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** `itsm all` (what `npm start` runs), once it listens. */
async function startServer(dataDir: string): Promise<{ child: ChildProcess; baseUrl: string; output: () => string; exited: Promise<number | null> }> {
  const server = itsm(dataDir, ['all']);
  const baseUrl = await new Promise<string>((resolve, reject) => {
    server.child.stdout?.on('data', () => {
      const match = /itsm is running at (http:\/\/\S+)/.exec(server.output());
      if (match?.[1]) resolve(match[1]);
    });
    void server.exited.then((code) => reject(new Error(`the server exited (${String(code)}) before listening:\n${server.output()}`)));
  });
  return { ...server, baseUrl };
}

async function openTicket(baseUrl: string, token: string, title: string): Promise<void> {
  expectStatus(await call(baseUrl, '/api/v1/tickets', { method: 'POST', headers: bearer(token), json: { type: 'incident', title, impact: 'low', urgency: 'low' } }), 201, `opening "${title}"`);
}

test('a CLI command on the directory of a running server refuses, naming the server and what to do; the server keeps working', async ({ dataDir }) => {
  const server = await startServer(dataDir!);
  try {
    const { tokens } = await signupTenant(server.baseUrl, 'Locked desk');
    await openTicket(server.baseUrl, tokens.accessToken, 'Before the rebuild');

    const rebuild = itsm(dataDir!, ['rebuild', 'all']);
    const code = await rebuild.exited;
    assert.is(code, 75, rebuild.output());
    assert.match(rebuild.output(), `is in use by process ${server.child.pid} (src/main.ts all, since `);
    assert.match(rebuild.output(), `Stop process ${server.child.pid} first`);
    assert.match(rebuild.output(), 'run `itsm rebuild all` again');

    await openTicket(server.baseUrl, tokens.accessToken, 'After the refused rebuild');
    const list = await call<{ data: Array<{ title: string }> }>(server.baseUrl, '/api/v1/tickets', { headers: bearer(tokens.accessToken) });
    assert.equal(list.body.data.map((ticket) => ticket.title).sort(), ['After the refused rebuild', 'Before the rebuild']);
    assert.is((await call(server.baseUrl, '/readyz')).status, 200);

    const second = itsm(dataDir!, ['all']);
    assert.is(await second.exited, 75, second.output());
    assert.match(second.output(), 'Use the one already running');
  } finally {
    server.child.kill('SIGKILL');
    await server.exited;
  }
});

test('a server killed with SIGKILL leaves no lock behind: the CLI runs afterwards, and the server starts again', async ({ dataDir }) => {
  const server = await startServer(dataDir!);
  const { tokens, slug, admin } = await signupTenant(server.baseUrl, 'Killed desk');
  await openTicket(server.baseUrl, tokens.accessToken, 'Before the kill');
  server.child.kill('SIGKILL');
  await server.exited;

  const rebuild = itsm(dataDir!, ['rebuild', 'all']);
  assert.is(await rebuild.exited, 0, rebuild.output());

  const again = await startServer(dataDir!);
  try {
    const login = await call<{ accessToken: string }>(again.baseUrl, '/api/v1/auth/login', { method: 'POST', json: { tenant: slug, email: admin.email, password: admin.password } });
    assert.is(login.status, 200, JSON.stringify(login.body));
    assert.is((await call(again.baseUrl, '/readyz')).status, 200);
  } finally {
    again.child.kill('SIGTERM');
    assert.is(await again.exited, 0, again.output());
  }
});

test('a CLI command that ends releases the directory', async ({ dataDir }) => {
  const migrate = itsm(dataDir!, ['migrate']);
  assert.is(await migrate.exited, 0, migrate.output());
  const db = await openDatabase({ kind: 'pglite', dataDir: join(dataDir!, 'pglite') });
  await db.close();
});

test('within one process too: a second open is refused until the first closes', async ({ dataDir }) => {
  const first = await openDatabase({ kind: 'pglite', dataDir: dataDir! });
  try {
    const refused = await openDatabase({ kind: 'pglite', dataDir: dataDir! }).then(
      async (db) => {
        await db.close();
        return null;
      },
      (error: unknown) => error,
    );
    assert.instance(refused, DataDirectoryInUseError);
    assert.is((refused as DataDirectoryInUseError).holder?.pid, process.pid);
  } finally {
    await first.close();
  }
  const reopened = await openDatabase({ kind: 'pglite', dataDir: dataDir! });
  await reopened.close();
});

test('an in-memory database takes no lock: any number may be open', async () => {
  const databases = await Promise.all([openDatabase({ kind: 'pglite', dataDir: null }), openDatabase({ kind: 'pglite', dataDir: null })]);
  await Promise.all(databases.map((db) => db.close()));
});

test.run();
