#!/usr/bin/env node
/**
 * The composition root and the `itsm` command: the only place that reads process.env.
 *
 *   itsm all               API + projections + scheduler in one process (what `npm start` runs)
 *   itsm serve             API only (projections run elsewhere)
 *   itsm project           projection runners only
 *   itsm schedule          the scheduler only: fires due SLA and auto-close timers (`npm run scheduler`),
 *                          and sends the mail outbox when SMTP_URL is set
 *   itsm migrate           apply database migrations and exit
 *   itsm rebuild <name|all> drop and rebuild read models from the log
 *   itsm reindex           refill the search index from the search projection's documents (no replay)
 *   itsm seed              create the demo tenant if it is missing
 *   itsm replay <stream> [--as-of <instant>]  print a stream's events and the state after each
 *   itsm audit:verify [stream] recompute the events' hash chains (one stream, or all) and name
 *                          the first broken link; exits 1 when one is broken
 *   itsm blobs:sweep       remove attachment blobs no event refers to, past the grace period (what
 *                          the scheduler process does every BLOB_SWEEP_INTERVAL_MS); exits 1 when
 *                          the tickets read model is behind and nothing could be judged
 */
import type { Server } from 'node:http';
import type Koa from 'koa';
import type { AppState } from './api/context.js';
import type { Drain } from './api/drain.js';
import { drainable } from './api/drain.js';
import { runReplay } from './audit/replay-command.js';
import { runAuditVerify } from './audit/verify-command.js';
import { ConfigError, loadConfig } from './config/config.js';
import { createLogger } from './config/logger.js';
import { DataDirectoryInUseError } from './db/data-directory-lock.js';
import { Progress, shareOfLog } from './observability/progress.js';
import type { CatchUpProgress } from './projections/runner.js';
import { reindexSearch } from './projections/search/index.js';
import { demoBanner, seedDemoData } from './seed/demo.js';
import type { System } from './system.js';
import { openSystem } from './system.js';

type Mode = 'all' | 'serve' | 'project' | 'schedule' | 'migrate' | 'rebuild' | 'reindex' | 'seed' | 'replay' | 'audit:verify' | 'blobs:sweep';
const MODES: readonly Mode[] = ['all', 'serve', 'project', 'schedule', 'migrate', 'rebuild', 'reindex', 'seed', 'replay', 'audit:verify', 'blobs:sweep'];

async function main(argv: readonly string[]): Promise<void> {
  const mode = (argv[0] ?? 'all') as Mode;
  if (!MODES.includes(mode)) {
    process.stderr.write(`unknown command "${argv[0]}"; use one of: ${MODES.join(', ')}\n`);
    process.exit(2);
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`itsm cannot start: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(config);
  let system: System;
  try {
    system = await openSystem(config, logger);
  } catch (error) {
    if (error instanceof DataDirectoryInUseError) {
      process.stderr.write(inUseMessage(mode, argv, error));
      // EX_TEMPFAIL: the command can run once the other process has stopped.
      process.exit(75);
    }
    throw error;
  }

  switch (mode) {
    case 'migrate':
      logger.info('migrations applied');
      return system.close();
    case 'rebuild':
      return rebuild(system, argv[1]);
    case 'reindex':
      return reindex(system);
    case 'replay': {
      const replayed = await runReplay(system.store, argv.slice(1), (line) => process.stdout.write(`${line}\n`));
      await system.close();
      if (!replayed) process.exitCode = 1;
      return;
    }
    case 'audit:verify': {
      // The chain covers the log as stored, people's data sealed.
      const intact = await runAuditVerify(system.sealedLog, argv[1], (line) => process.stdout.write(`${line}\n`));
      await system.close();
      if (!intact) process.exitCode = 1;
      return;
    }
    case 'blobs:sweep': {
      const result = await system.blobSweep.sweepOnce();
      process.stdout.write(`${JSON.stringify(result)}\n`);
      await system.close();
      if (!result.swept) process.exitCode = 1;
      return;
    }
    case 'seed': {
      await seedDemoData(system);
      const progress = progressOf(system, 'projecting the seeded data', 'events');
      await system.projections.catchUp(system.projections.names, Number.POSITIVE_INFINITY, progress.onBatch);
      progress.finish();
      return system.close();
    }
    case 'project': {
      system.projections.start();
      // Probes and metrics only, so orchestrators can check this process and Prometheus can scrape it.
      const probes = await listen(system.config.http, system.createProbeApi());
      return runUntilSignalled(system, drainable(probes));
    }
    case 'schedule': {
      // Its timers come from the `timers` projection, which a `project` or `all` process feeds.
      system.scheduler.start();
      system.anchoring.start();
      system.blobSweep.start();
      system.notifications?.start();
      const probes = await listen(system.config.http, system.createProbeApi());
      return runUntilSignalled(system, drainable(probes));
    }
    case 'serve':
    case 'all': {
      if (mode === 'all') {
        system.projections.start();
        system.scheduler.start();
        system.anchoring.start();
        system.blobSweep.start();
        system.notifications?.start();
      }
      const seeded = config.seedDemo ? await seedDemoData(system) : null;
      const server = await listen(system.config.http, system.createApi());
      const drain = drainable(server);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.http.port;
      const url = `http://${config.http.host}:${port}`;
      printWelcome(url, system, seeded);
      return runUntilSignalled(system, drain);
    }
  }
}

/** Why the command cannot run now, and how to run it: the embedded database is one process's at a time. */
function inUseMessage(mode: Mode, argv: readonly string[], error: DataDirectoryInUseError): string {
  const holder = error.holder ? `process ${error.holder.pid}` : 'the other process';
  const stop = error.holder ? `Ctrl+C where it runs, or \`kill ${error.holder.pid}\`` : 'Ctrl+C where it runs';
  const server = mode === 'all' || mode === 'serve' || mode === 'project' || mode === 'schedule';
  const advice = server
    ? [
        `Use the one already running, or stop ${holder} first (${stop}).`,
        'On the embedded database one process (`itsm all`) runs the API, the projections and the scheduler;',
        'to run them as separate processes, give them a PostgreSQL server (DATABASE_URL).',
      ]
    : [`Stop ${holder} first (${stop}: it finishes what it is doing and exits),`, `run \`itsm ${argv.join(' ')}\` again, then start the server again.`];
  return [`itsm ${mode} cannot start: ${error.message}.`, 'The embedded database (PGlite) allows one process at a time: a second one would corrupt it.', ...advice, ''].join('\n');
}

async function rebuild(system: System, target: string | undefined): Promise<void> {
  const names = target === undefined || target === 'all' ? system.projections.names : [target];
  // One pass for all of them: the log is read once per position, not once per projection.
  const progress = progressOf(system, names.length === 1 ? `rebuilding ${names[0]}` : `rebuilding ${names.length} projections`, 'events');
  await system.projections.rebuild(names, progress.onBatch);
  const checkpoints = (await system.projections.lag()).filter((entry) => names.includes(entry.name)).map((entry) => ({ projection: entry.name, checkpoint: entry.checkpoint }));
  progress.finish({ checkpoints });
  await system.close();
}

/** Brings the search projection up to date, then refills the index from its documents. */
async function reindex(system: System): Promise<void> {
  const catchingUp = progressOf(system, 'bringing the search projection up to date', 'events');
  await system.projections.catchUp(['search'], Number.POSITIVE_INFINITY, catchingUp.onBatch);
  catchingUp.finish();
  const progress = progressOf(system, 'refilling the search index', 'documents');
  await reindexSearch(system.db.knex, system.search, (done) => progress.update(done));
  // A refilled index has no planner statistics until ANALYZE; queries would scan meanwhile.
  await system.db.knex.raw('ANALYZE');
  progress.finish({ adapter: system.search.name });
  await system.close();
}

/** A bar on a terminal, log lines otherwise; `onBatch` feeds it from a projection catch-up. */
function progressOf(system: System, label: string, unit: string): Progress & { onBatch: (batch: CatchUpProgress) => void } {
  const progress = new Progress({ label, unit, logger: system.logger, terminal: process.stderr.isTTY ? process.stderr : null });
  let applied = 0;
  // Several projections catch up together: the run is as far along as the one furthest behind.
  const shares = new Map<string, number>();
  return Object.assign(progress, {
    onBatch: (batch: CatchUpProgress) => {
      applied += batch.events;
      shares.set(batch.projection, shareOfLog(batch.cursor, batch.target));
      progress.update(applied, Math.min(...shares.values()));
    },
  });
}

function listen(http: { readonly port: number; readonly host: string }, api: Koa<AppState>): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = api.listen(http.port, http.host, () => resolve(server));
    // Longer than the idle timeout of the load balancers in front (commonly 60 s), so they close
    // idle connections first and never send a request on a socket we are closing.
    server.keepAliveTimeout = 65_000;
    server.once('error', reject);
  });
}

function printWelcome(url: string, system: System, seeded: Awaited<ReturnType<typeof seedDemoData>> | null): void {
  const lines = [
    '',
    `  itsm is running at ${url}`,
    `  health: ${url}/healthz   readiness: ${url}/readyz`,
    `  storage: ${system.db.kind === 'pglite' ? `embedded PostgreSQL (PGlite) in ${system.config.dataDir}` : 'PostgreSQL server'}; events in ${system.store.name}`,
  ];
  if (seeded) lines.push(...demoBanner(seeded));
  lines.push('');
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * After the last request is answered, how long the projections may take to apply what was appended
 * before they stop: the read models no answer waits for (reporting) are then current too. Kept
 * short, so that the whole shutdown fits an orchestrator's grace period (Kubernetes: 30 s).
 */
const PROJECTIONS_SETTLE_MS = 5_000;

/** SIGTERM/SIGINT: stop taking requests, let in-flight ones and the current batch finish, close pools. A second signal exits at once. */
function runUntilSignalled(system: System, server: Drain | null): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        system.logger.warn({ signal }, 'second signal: exiting now');
        process.exit(130);
      }
      stopping = true;
      system.logger.info({ signal }, 'shutting down');
      const closed = server ? server.close(system.config.edge.shutdownGraceMs) : Promise.resolve();
      void closed
        .then(() => system.close({ settleProjectionsMs: PROJECTIONS_SETTLE_MS }))
        .then(() => resolve())
        .catch((error: unknown) => {
          system.logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`itsm failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
