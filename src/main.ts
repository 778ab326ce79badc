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
 */
import type { Server } from 'node:http';
import { runReplay } from './audit/replay-command.js';
import { runAuditVerify } from './audit/verify-command.js';
import { ConfigError, loadConfig } from './config/config.js';
import { createLogger } from './config/logger.js';
import { reindexSearch } from './projections/search/index.js';
import { seedDemoData } from './seed/demo.js';
import type { System } from './system.js';
import { openSystem } from './system.js';

type Mode = 'all' | 'serve' | 'project' | 'schedule' | 'migrate' | 'rebuild' | 'reindex' | 'seed' | 'replay' | 'audit:verify';
const MODES: readonly Mode[] = ['all', 'serve', 'project', 'schedule', 'migrate', 'rebuild', 'reindex', 'seed', 'replay', 'audit:verify'];

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
  const system = await openSystem(config, logger);

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
      const intact = await runAuditVerify(system.store, argv[1], (line) => process.stdout.write(`${line}\n`));
      await system.close();
      if (!intact) process.exitCode = 1;
      return;
    }
    case 'seed':
      await seedDemoData(system);
      await system.projections.catchUp();
      return system.close();
    case 'project':
      system.projections.start();
      return runUntilSignalled(system, null);
    case 'schedule':
      // Its timers come from the `timers` projection, which a `project` or `all` process feeds.
      system.scheduler.start();
      system.anchoring.start();
      system.notifications?.start();
      return runUntilSignalled(system, null);
    case 'serve':
    case 'all': {
      if (mode === 'all') {
        system.projections.start();
        system.scheduler.start();
        system.anchoring.start();
        system.notifications?.start();
      }
      const seeded = config.seedDemo ? await seedDemoData(system) : null;
      const server = await listen(system);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.http.port;
      const url = `http://${config.http.host}:${port}`;
      printWelcome(url, system, seeded);
      return runUntilSignalled(system, server);
    }
  }
}

async function rebuild(system: System, target: string | undefined): Promise<void> {
  const names = target === undefined || target === 'all' ? system.projections.names : [target];
  for (const name of names) {
    const started = Date.now();
    await system.projections.rebuild(name);
    const [lag] = (await system.projections.lag()).filter((entry) => entry.name === name);
    system.logger.info({ projection: name, ms: Date.now() - started, checkpoint: lag?.checkpoint }, 'projection rebuilt');
  }
  await system.close();
}

/** Brings the search projection up to date, then refills the index from its documents. */
async function reindex(system: System): Promise<void> {
  const started = Date.now();
  await system.projections.catchUp(['search']);
  const documents = await reindexSearch(system.db.knex, system.search, (done) => {
    if (done % 10_000 === 0) system.logger.info({ documents: done }, 'reindexing');
  });
  system.logger.info({ adapter: system.search.name, documents, ms: Date.now() - started }, 'search index refilled');
  await system.close();
}

function listen(system: System): Promise<Server> {
  const api = system.createApi();
  return new Promise((resolve, reject) => {
    const server = api.listen(system.config.http.port, system.config.http.host, () => resolve(server));
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
  if (seeded) {
    lines.push(`  demo tenant: "${seeded.tenantName}" (slug: ${seeded.tenantSlug})`);
    for (const login of seeded.logins) lines.push(`    ${login.role.padEnd(10)} ${login.email}  password: ${login.password}`);
  }
  lines.push('');
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** SIGTERM/SIGINT: stop taking requests, let in-flight ones and the current batch finish, close pools. A second signal exits at once. */
function runUntilSignalled(system: System, server: Server | null): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        system.logger.warn({ signal }, 'second signal: exiting now');
        process.exit(130);
      }
      stopping = true;
      system.logger.info({ signal }, 'shutting down');
      const closed = server ? new Promise<void>((done) => server.close(() => done())) : Promise.resolve();
      server?.closeIdleConnections();
      void closed
        .then(() => system.close())
        .then(() => resolve())
        .catch((error: unknown) => {
          system.logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        });
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`itsm failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
