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
 *   itsm seed              create the demo tenant if it is missing
 */
import type { Server } from 'node:http';
import { ConfigError, loadConfig } from './config/config.js';
import { createLogger } from './config/logger.js';
import { seedDemoData } from './seed/demo.js';
import type { System } from './system.js';
import { openSystem } from './system.js';

type Mode = 'all' | 'serve' | 'project' | 'schedule' | 'migrate' | 'rebuild' | 'seed';
const MODES: readonly Mode[] = ['all', 'serve', 'project', 'schedule', 'migrate', 'rebuild', 'seed'];

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
      system.notifications?.start();
      return runUntilSignalled(system, null);
    case 'serve':
    case 'all': {
      if (mode === 'all') {
        system.projections.start();
        system.scheduler.start();
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

function listen(system: System): Promise<Server> {
  const api = system.createApi();
  return new Promise((resolve, reject) => {
    const server = api.listen(system.config.http.port, system.config.http.host, () => resolve(server));
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
