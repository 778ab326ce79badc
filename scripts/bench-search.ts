/**
 * Search benchmark: indexing throughput (ticket events through the search projection into the
 * PostgreSQL full-text index) and query latency over HTTP (`GET /api/v1/search`, one caller at a
 * time), on a real PostgreSQL server and on embedded PGlite, side by side. Figures are printed,
 * never asserted; they move with the machine.
 *
 *   npm run bench:search -- [--tickets N] [--embedded-tickets N] [--queries Q] [--no-embedded] [--no-server]
 *
 * DATABASE_URL names the server (default postgres://postgres@127.0.0.1:5432/test). The script makes
 * a throw-away database of its own there (itsm_bench_<hex>) and drops it at the end, error or not.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig } from '../src/config/config.js';
import { openDatabase } from '../src/db/open.js';
import type { Database } from '../src/db/types.js';
import { migrateToLatest } from '../src/migrations/index.js';
import type { System } from '../src/system.js';
import { openSystem } from '../src/system.js';
import { generator, queryTexts, ticketOpened } from './bench/corpus.js';
import { formatMs, formatNumber, formatRate, markdownTable, percentile, perSecond } from './bench/stats.js';
import { adminQuery } from './bench/admin.js';
import { countOption } from './bench/options.js';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

interface Options {
  readonly tickets: number;
  readonly embeddedTickets: number;
  readonly queries: number;
  readonly embedded: boolean;
  readonly server: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: { tickets: { type: 'string', default: '100000' }, 'embedded-tickets': { type: 'string' }, queries: { type: 'string', default: '300' }, 'no-embedded': { type: 'boolean', default: false }, 'no-server': { type: 'boolean', default: false } },
  });
  const tickets = countOption('tickets', values.tickets);
  return { tickets, embeddedTickets: countOption('embedded-tickets', values['embedded-tickets'] ?? String(tickets)), queries: countOption('queries', values.queries), embedded: !values['no-embedded'], server: !values['no-server'] };
}

const progress = (message: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);

interface Measured {
  readonly label: string;
  readonly tickets: number;
  readonly indexRate: number;
  readonly latencies: number[];
  readonly hitsPerQuery: number;
}

async function measure(label: string, database: Database, tickets: number, queries: readonly string[]): Promise<Measured> {
  const blobDir = await mkdtemp(join(tmpdir(), 'itsm-bench-blobs-'));
  const config = loadConfig({ LOG_LEVEL: 'silent', BLOB_DIR: blobDir, AUTH_SIGNING_KEYS: `bench:${randomBytes(32).toString('base64')}`, RATE_LIMIT_PER_MINUTE: '1000000' });
  let system: System | null = null;
  let server: Server | null = null;
  try {
    system = await openSystem(config, pino({ level: 'silent' }), { database });
    const running = system;
    const listening: Server = await new Promise((resolve) => {
      const created = running.createApi().listen(0, '127.0.0.1', () => resolve(created));
    });
    server = listening;
    const baseUrl = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    const signup = await fetch(`${baseUrl}/api/v1/signup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ organization: `Bench ${randomBytes(3).toString('hex')}`, email: 'owner@bench.example', password: 'quiet-heron-basalt-71', name: 'Desk Owner' }),
    });
    if (signup.status !== 201) throw new Error(`signup answered ${signup.status}: ${await signup.text()}`);
    const { tenant, user, accessToken } = (await signup.json()) as { tenant: { id: string }; user: { id: string }; accessToken: string };

    progress(`${label}: appending ${formatNumber(tickets)} tickets`);
    const random = generator(42);
    const writers = database.kind === 'pglite' ? 1 : 8;
    let next = 0;
    await Promise.all(
      Array.from({ length: writers }, async () => {
        for (let n = next++; n < tickets; n = next++) {
          const { ticketId, ...event } = ticketOpened(random, { tenantId: tenant.id, requesterId: user.id }, n);
          await running.store.appendToStream(`ticket-${ticketId}`, [event], 'no_stream');
          if (n > 0 && n % 20_000 === 0) progress(`${label}: ${formatNumber(n)} appended`);
        }
      }),
    );
    progress(`${label}: indexing`);
    const indexingStarted = performance.now();
    await running.projections.catchUp(['search'], 3_600_000);
    const indexRate = perSecond(tickets, performance.now() - indexingStarted);

    progress(`${label}: ${queries.length} queries over HTTP`);
    const ask = async (text: string) => {
      const response = await fetch(`${baseUrl}/api/v1/search?type=ticket&limit=25&q=${encodeURIComponent(text)}`, { headers: { Authorization: `Bearer ${accessToken}` } });
      if (response.status !== 200) throw new Error(`search answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { data: unknown[] }).data.length;
    };
    for (const text of queries.slice(0, 20)) await ask(text);
    const latencies: number[] = [];
    let hits = 0;
    for (const text of queries) {
      const started = performance.now();
      hits += await ask(text);
      latencies.push(performance.now() - started);
    }
    return { label, tickets, indexRate, latencies, hitsPerQuery: hits / queries.length };
  } finally {
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    }
    await system?.close();
    await rm(blobDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const serverUrl = process.env.DATABASE_URL ?? DEFAULT_URL;
  const queries = queryTexts(options.queries);
  const name = `itsm_bench_${randomBytes(6).toString('hex')}`;
  const onSignal = (signal: NodeJS.Signals) => {
    progress(`${signal}: cleaning up`);
    void adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const results: Measured[] = [];
  if (options.server) {
    try {
      await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      const server = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 10 });
      await migrateToLatest(server.knex);
      results.push(await measure('PostgreSQL', server, options.tickets, queries));
    } finally {
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  }
  if (options.embedded) {
    const embedded = await openDatabase({ kind: 'pglite', dataDir: null });
    await migrateToLatest(embedded.knex);
    results.push(await measure('PGlite (embedded, in memory)', embedded, options.embeddedTickets, queries));
  }
  const lines = [
    '## Search benchmark (PostgreSQL full-text adapter)',
    '',
    `- node ${process.version}; ${queries.length} queries (word, two words, one typo, prefix, phrase), one caller at a time over HTTP, 25 hits a page, after 20 warm-up queries`,
    '- indexing: TicketOpened events already in the log, fed through the search projection (batches of 500, one transaction each)',
    '',
    markdownTable(
      ['target', 'tickets', 'indexing', 'query p50 (ms)', 'query p99 (ms)', 'hits/query'],
      ['l', 'r', 'r', 'r', 'r', 'r'],
      results.map((result) => [result.label, formatNumber(result.tickets), `${formatRate(result.indexRate)} docs/s`, formatMs(percentile(result.latencies, 50)), formatMs(percentile(result.latencies, 99)), formatNumber(result.hitsPerQuery, 1)]),
    ),
  ];
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
