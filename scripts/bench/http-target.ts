import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monotonicUs, readProfile, topSelfTime } from './cpu-profile.js';
import type { SelfTime, Window } from './cpu-profile.js';
import { commentBody, generator, openTicketBody, queryTexts } from './corpus.js';
import type { HttpFigures, HttpWorkload } from './http-load.js';
import { runHttpLoad } from './http-load.js';
import type { ServerProcess } from './processes.js';
import { freePort, sampleResident, startServer } from './processes.js';
import { sampleProjectionLag } from './projection-lag.js';
import type { Desk } from './seed.js';
import { percentile } from './stats.js';

export type OurWorkload = 'ticketById' | 'ticketList' | 'openTicket' | 'comment' | 'search' | 'searchAlone';
export type BaselineWorkload = 'hello' | 'primaryKey' | 'insert';

export const OUR_WORKLOADS: readonly OurWorkload[] = ['ticketById', 'ticketList', 'openTicket', 'comment', 'search', 'searchAlone'];

/** Workloads that do not use the run's connection count: search latency as one person sees it. */
const OWN_CONNECTIONS: Partial<Record<OurWorkload, number>> = { searchAlone: 1 };
export const BASELINE_WORKLOADS: readonly BaselineWorkload[] = ['hello', 'primaryKey', 'insert'];

export const LABELS: Readonly<Record<OurWorkload | BaselineWorkload, string>> = {
  ticketById: 'GET /api/v1/tickets/:id',
  ticketList: 'GET /api/v1/tickets?status=new&limit=25',
  openTicket: 'POST /api/v1/tickets',
  comment: 'POST /api/v1/tickets/:id/comments',
  search: 'GET /api/v1/search?type=ticket&limit=25&q=…',
  searchAlone: 'the same search, one caller at a time',
  hello: 'bare Koa: GET /hello (constant JSON)',
  primaryKey: 'bare Koa + pg: GET /rows/:id (one primary-key SELECT)',
  insert: 'bare Koa + pg: POST /rows (one INSERT in BEGIN … COMMIT)',
};

export interface RunOptions {
  readonly connections: number;
  readonly seconds: number;
}

export interface ApiRun {
  readonly figures: Readonly<Record<OurWorkload, HttpFigures>>;
  /** Largest RSS of the API process seen during each workload, bytes. */
  readonly rss: Readonly<Record<OurWorkload, number>>;
  /** Projection lag (ms) of the events written during the two POST workloads; null without a way to read the checkpoints. */
  readonly lag: { readonly p50: number; readonly p99: number; readonly samples: number } | null;
}

const API_SCRIPT = 'src/main.ts';

/** The API (`itsm all`: HTTP, projections and scheduler in one process, as `npm start` runs it). */
export function startApi(env: Readonly<Record<string, string>>, port: number, nodeFlags: readonly string[] = []): Promise<ServerProcess> {
  return startServer({ script: API_SCRIPT, args: ['all'], env: { ...env, PORT: String(port) }, port, readyPath: '/healthz', nodeFlags });
}

async function signIn(baseUrl: string, desk: Desk): Promise<Record<string, string>> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ tenant: desk.tenantSlug, email: desk.email, password: desk.password }),
  });
  if (response.status !== 200) throw new Error(`login answered ${response.status}: ${await response.text()}`);
  const { accessToken } = (await response.json()) as { accessToken: string };
  return { Authorization: `Bearer ${accessToken}` };
}

/** Requests spread over the seeded tickets and the query mix, the same sequence on every target. */
function workloadOf(name: OurWorkload, ticketIds: readonly string[], headers: Record<string, string>): HttpWorkload {
  const random = generator(11);
  const anyTicket = () => ticketIds[Math.floor(random() * ticketIds.length)]!;
  switch (name) {
    case 'ticketById':
      return { method: 'GET', path: () => `/api/v1/tickets/${anyTicket()}`, headers };
    case 'ticketList':
      return { method: 'GET', path: () => '/api/v1/tickets?status=new&limit=25', headers };
    case 'openTicket':
      return { method: 'POST', path: () => '/api/v1/tickets', body: () => openTicketBody(random), headers };
    case 'comment':
      return { method: 'POST', path: () => `/api/v1/tickets/${anyTicket()}/comments`, body: () => commentBody(random), headers };
    case 'search':
    case 'searchAlone': {
      const queries = queryTexts(500);
      let next = 0;
      return { method: 'GET', path: () => `/api/v1/search?type=ticket&limit=25&q=${encodeURIComponent(queries[next++ % queries.length]!)}`, headers };
    }
  }
}

/**
 * One run of every workload against a running API. `lagDatabaseUrl` names the database whose
 * checkpoints the lag sampler reads while the POST workloads run (none for embedded PGlite, which
 * only its own process can open).
 */
export async function runApiWorkloads(api: ServerProcess, desk: Desk, ticketIds: readonly string[], options: RunOptions, lagDatabaseUrl: string | null): Promise<ApiRun> {
  const figures = {} as Record<OurWorkload, HttpFigures>;
  const rss = {} as Record<OurWorkload, number>;
  const lags: number[] = [];
  for (const name of OUR_WORKLOADS) {
    // A fresh token for each workload: a full run outlasts the access token's lifetime.
    const headers = await signIn(api.baseUrl, desk);
    await settle(api.baseUrl, headers);
    const memory = sampleResident(api.pid);
    const writes = name === 'openTicket' || name === 'comment';
    const lag = writes && lagDatabaseUrl ? sampleProjectionLag(lagDatabaseUrl) : null;
    figures[name] = await runHttpLoad(api.baseUrl, workloadOf(name, ticketIds, headers), OWN_CONNECTIONS[name] ?? options.connections, options.seconds);
    if (lag) lags.push(...(await lag.stop()));
    rss[name] = (await memory.stop()).max;
  }
  return {
    figures,
    rss,
    lag: lagDatabaseUrl ? { p50: percentile(lags, 50), p99: percentile(lags, 99), samples: lags.length } : null,
  };
}

const SETTLE_TIMEOUT_MS = 30_000;

/**
 * Waits until the API answers a cheap read within a second again: requests still queued from the
 * previous workload (autocannon stops sending, the server keeps working) must not be charged to
 * the next one. Gives up quietly after 30 s; the next figures then show the backlog.
 */
async function settle(baseUrl: string, headers: Record<string, string>): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const started = Date.now();
    const ok = await fetch(`${baseUrl}/api/v1/tickets?limit=1`, { headers, signal: AbortSignal.timeout(10_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok && Date.now() - started < 1_000) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const BASELINE_PATHS: Readonly<Record<BaselineWorkload, (random: () => number, rows: number) => HttpWorkload>> = {
  hello: () => ({ method: 'GET', path: () => '/hello' }),
  primaryKey: (random, rows) => ({ method: 'GET', path: () => `/rows/${1 + Math.floor(random() * rows)}` }),
  insert: (random) => ({ method: 'POST', path: () => '/rows', body: () => openTicketBody(random) }),
};

export async function runBaselineWorkloads(baseline: ServerProcess, rows: number, options: RunOptions): Promise<Record<BaselineWorkload, HttpFigures>> {
  const figures = {} as Record<BaselineWorkload, HttpFigures>;
  for (const name of BASELINE_WORKLOADS) {
    figures[name] = await runHttpLoad(baseline.baseUrl, BASELINE_PATHS[name](generator(13), rows), options.connections, options.seconds);
  }
  return figures;
}

/**
 * Where the API's CPU time goes under one workload: a fresh API process started with
 * `--cpu-prof`, one run of the workload, then the top self-time functions of its profile.
 */
export async function profileWorkload(env: Readonly<Record<string, string>>, root: string, desk: Desk, ticketIds: readonly string[], name: OurWorkload, options: RunOptions): Promise<SelfTime[]> {
  const dir = await mkdtemp(join(tmpdir(), 'itsm-bench-profile-'));
  try {
    const api = await startApi(env, await freePort(), ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    let window: Window;
    try {
      const headers = await signIn(api.baseUrl, desk);
      // A short warm-up first, so that the profiled span is the steady state, not the first compiles.
      const connections = OWN_CONNECTIONS[name] ?? options.connections;
      await runHttpLoad(api.baseUrl, workloadOf(name, ticketIds, headers), connections, 1);
      const fromUs = monotonicUs();
      await runHttpLoad(api.baseUrl, workloadOf(name, ticketIds, headers), connections, options.seconds);
      window = { fromUs, toUs: monotonicUs() };
    } finally {
      await api.stop();
    }
    return topSelfTime(await readProfile(dir), root, 12, window);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
