import { randomUUID } from 'node:crypto';
import type Router from '@koa/router';
import type Koa from 'koa';
import type { Middleware } from 'koa';
import { idempotent } from './api/middleware/idempotency.js';
import type { Logger } from 'pino';
import { createApp } from './api/app.js';
import type { AppState } from './api/context.js';
import { healthRouter } from './api/health/router.js';
import { referenceRouter } from './api/reference/router.js';
import type { ReadinessCheck } from './api/health/router.js';
import type { CommandDependencies } from './commands/handle.js';
import type { Config } from './config/config.js';
import { openDatabase } from './db/open.js';
import type { Database } from './db/types.js';
import { EsdbEventStore } from './eventstore/esdb/store.js';
import { PostgresEventStore } from './eventstore/postgres/store.js';
import type { EventStore } from './eventstore/types.js';
import { migrateToLatest } from './migrations/index.js';
import { ProjectionRunner } from './projections/runner.js';
import { Scheduler } from './scheduler/index.js';
import { StreamHeadAnchoring } from './audit/anchors.js';
import { openVolatileState } from './volatile/index.js';
import { resolve } from 'node:path';
import { AccessTokens } from './auth/access-tokens.js';
import { VerifiedTokens } from './auth/verified-tokens.js';
import { argon2idHasher } from './auth/passwords.js';
import type { PasswordHasher } from './auth/passwords.js';
import { loadOrCreateKeyFile, parseSigningKeys } from './auth/signing-keys.js';
import type { IdentityDependencies } from './commands/identity/dependencies.js';
import { authenticate } from './api/identity/actor.js';
import { authRouter } from './api/identity/auth-router.js';
import { groupsRouter } from './api/identity/groups-router.js';
import { usersRouter } from './api/identity/users-router.js';
import { categoriesRouter } from './api/catalog/categories-router.js';
import { servicesRouter } from './api/catalog/services-router.js';
import { assetCategoriesRouter } from './api/cmdb/asset-categories-router.js';
import { assetsRouter } from './api/cmdb/assets-router.js';
import { assetMaintenanceRouter } from './api/cmdb/asset-maintenance-router.js';
import { assetRelationsRouter } from './api/cmdb/asset-relations-router.js';
import { assetTransferRouter, isAssetImport } from './api/cmdb/asset-transfer-router.js';
import { articlesRouter } from './api/articles/router.js';
import { businessCalendarsRouter } from './api/sla/business-calendars-router.js';
import { slaPoliciesRouter } from './api/sla/sla-policies-router.js';
import { queuesRouter } from './api/queues/router.js';
import type { LogPosition } from './eventstore/types.js';
import type { TicketDependencies } from './commands/tickets/dependencies.js';
import { ticketsRouter } from './api/tickets/router.js';
import { attachmentsRouter, isAttachmentUpload } from './api/tickets/attachments-router.js';
import type { BlobStore } from './blobs/index.js';
import { FilesystemBlobStore } from './blobs/index.js';
import { BlobSweep } from './blobs/sweep.js';
import { referencedBlobDigests } from './projections/tickets/queries.js';
import type { VolatileState } from './volatile/index.js';
import { allProjections } from './projections/registry.js';
import { searchProjection } from './projections/search/index.js';
import { notificationsProjectionFor } from './projections/notifications/index.js';
import { searchRouter } from './api/search/router.js';
import type { Projection } from './projections/types.js';
import type { SearchIndex } from './search/index.js';
import { openSearchIndex } from './search/index.js';
import type { IdempotencyStore } from './idempotency/index.js';
import { KnexIdempotencyStore } from './idempotency/index.js';
import { emailTemplatesRouter } from './api/notifications/email-templates-router.js';
import { outboxRouter } from './api/notifications/outbox-router.js';
import { auditRouter } from './api/audit/router.js';
import { reportsRouter } from './api/reports/router.js';
import { NotificationSender, outboxDepth } from './notifications/sender.js';
import { instrumentEventStore } from './observability/instrumented-event-store.js';
import { bearerSubject } from './api/middleware/bearer-subject.js';
import { Metrics } from './observability/metrics.js';
import { loadOrCreateMasterKeys, parseMasterKeys } from './privacy/master-keys.js';
import { PersonalDataKeys } from './privacy/personal-data-keys.js';
import { PersonalDataEventStore } from './privacy/personal-data-store.js';
import { forgottenRecipientsProjection } from './privacy/forgotten-recipients.js';
import { ReceiptingEventStore, WriteReceipts } from './eventstore/write-receipts.js';

/** Everything the process runs on, built once from config. */
export interface System {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Database;
  readonly store: EventStore;
  /** The log as stored, people's data sealed: what the hash chain covers, for the chain verifier and the anchors. */
  readonly sealedLog: EventStore;
  /** Per-person data keys; destroying one forgets that person (crypto-shredding). */
  readonly personalDataKeys: PersonalDataKeys;
  readonly projections: ProjectionRunner;
  /** Due timers (SLA warnings and breaches, auto-close); idle until `start()`. */
  readonly scheduler: Scheduler;
  /** Anchors stream heads in each tenant's audit chain; runs beside the scheduler. */
  readonly anchoring: StreamHeadAnchoring;
  /** Delivers the mail outbox over SMTP; null without SMTP_URL (the outbox is then the result). Idle until `start()`. */
  readonly notifications: NotificationSender | null;
  readonly volatile: VolatileState;
  readonly commands: CommandDependencies;
  readonly identity: IdentityDependencies;
  readonly tickets: TicketDependencies;
  /** Attachment bytes, content-addressed. */
  readonly blobs: BlobStore;
  /** Removes blobs no event refers to (failed uploads), past a grace period; runs beside the scheduler. */
  readonly blobSweep: BlobSweep;
  /** Idempotency keys of command requests; routers mount `idempotent(system.idempotency)`. */
  readonly idempotency: IdempotencyStore;
  /** The search index the `search` projection feeds (PostgreSQL full-text search, or Meilisearch). */
  readonly search: SearchIndex;
  readonly clock: () => Date;
  /** What /metrics shows; a registry of this system's own. */
  readonly metrics: Metrics;
  createApi(): Koa<AppState>;
  /** Only /healthz, /readyz and /metrics: what the projector and scheduler processes serve for their probes. */
  createProbeApi(): Koa<AppState>;
  /** Every route the API serves (method and path template), read from the routers themselves. */
  routeTable(): Array<{ readonly method: string; readonly path: string }>;
  /**
   * Stops the background work and closes the pools. With `settleProjectionsMs`, the projections
   * running here first get that long to apply everything committed by then (a graceful shutdown:
   * read models left current, including those no answer waits for).
   */
  close(options?: { readonly settleProjectionsMs?: number }): Promise<void>;
}

export interface SystemOverrides {
  /** An already-open database (tests hand in a throw-away one); closed with the system. */
  readonly database?: Database;
  readonly clock?: () => Date;
  readonly routers?: readonly Router<AppState>[];
  /** Tests wrap the real hasher to see which checks a request makes. */
  readonly hasher?: PasswordHasher;
}

/** The registry's projections with this deployment's choices: its search index, and the public address mail links to. */
function configured(projection: Projection, search: SearchIndex, config: Config): Projection {
  if (projection.name === 'search' && search.name !== 'postgres') return searchProjection(search);
  if (projection.name === 'notifications') return notificationsProjectionFor({ publicBaseUrl: config.publicBaseUrl });
  return projection;
}

export async function openSystem(config: Config, logger: Logger, overrides: SystemOverrides = {}): Promise<System> {
  const db = overrides.database ?? (await openDatabase(config.database));
  const closers: Array<() => Promise<void>> = [() => db.close()];
  try {
    await migrateToLatest(db.knex);
    const metrics = new Metrics();
    const sealedLog = instrumentEventStore(openEventStore(config, db), metrics);
    closers.unshift(() => sealedLog.close());
    const clock = overrides.clock ?? (() => new Date());
    // Commands, projections and history see people's names and emails opened; the log holds them sealed per person.
    const masterKeys = config.privacy.masterKeys ? parseMasterKeys(config.privacy.masterKeys) : await loadOrCreateMasterKeys(resolve(config.dataDir, 'personal-data-keys.json'));
    const personalDataKeys = new PersonalDataKeys(db.pool, masterKeys, clock);
    const receipts = new WriteReceipts();
    const store: EventStore = new ReceiptingEventStore(new PersonalDataEventStore(sealedLog, personalDataKeys), receipts);
    const volatile = await openVolatileState(config.volatile, { onError: (error) => logger.warn({ err: error }, 'volatile state store error') });
    closers.unshift(() => volatile.close());
    const search = openSearchIndex(config.search, db);
    closers.unshift(() => search.close());
    const projectionList = [
      ...allProjections.map((projection) => configured(projection, search, config)),
      // Forgetting someone reaches the mail outbox too (a destroyed key cannot: the outbox is not the log).
      forgottenRecipientsProjection,
    ];
    const projections = new ProjectionRunner({
      db,
      store,
      projections: projectionList,
      logger: logger.child({ component: 'projections' }),
      onBatch: (batch) => metrics.projectionBatchDuration.observe({ projection: batch.projection }, batch.seconds),
      // PostgreSQL: the read models answers read are written in the transaction of each append.
      inlineWrites: store.sharesTransactions,
      idleWaitMs: config.projectionIdleWaitMs,
    });
    if (projections.inlineWriter) store.writeInline(projections.inlineWriter);
    closers.unshift(() => {
      store.writeInline(null);
      return Promise.resolve();
    });
    metrics.watch({ projectionLag: () => projections.lag(), outboxDepth: () => outboxDepth(db.knex), searchProjection: 'search' });
    await projections.prepare();
    const commands: CommandDependencies = { store, newId: randomUUID };
    const fallback = await openVolatileState({ kind: 'memory' });
    closers.unshift(() => fallback.close());
    const signingKeys = config.auth.signingKeys ? parseSigningKeys(config.auth.signingKeys) : await loadOrCreateKeyFile(resolve(config.dataDir, 'auth-keys.json'));
    const identity: IdentityDependencies = {
      commands,
      knex: db.knex,
      hasher: overrides.hasher ?? argon2idHasher(),
      accessTokens: new AccessTokens({ keys: signingKeys, issuer: config.auth.issuer, audience: config.auth.audience, ttlSeconds: config.auth.accessTokenTtlSeconds, clock, newId: randomUUID }),
      accessTokenTtlSeconds: config.auth.accessTokenTtlSeconds,
      refreshTokenTtlDays: config.auth.refreshTokenTtlDays,
      denyList: volatile.denyList,
      cache: volatile.cache,
      limiter: volatile.rateLimiter,
      fallbackLimiter: fallback.rateLimiter,
      loginLimits: config.auth.loginLimits,
      issuer: config.auth.issuer,
      clock,
      readModelsCaughtUp: async () => projections.waitFor(await store.headPosition(), config.readYourWritesTimeoutMs),
    };
    const idempotency = new KnexIdempotencyStore(db.knex, { clock, onError: (error) => logger.warn({ err: error }, 'idempotency keys: purge of expired keys failed') });
    // Shared by the rate limiter's look at the bearer and authentication; revocations are still asked per request.
    const verifiedTokens = new VerifiedTokens({ verifier: identity.accessTokens, clock });
    const signedIn = authenticate(verifiedTokens, volatile.denyList);
    const waitFor = (position: LogPosition) => projections.waitFor(position, config.readYourWritesTimeoutMs);
    const tickets: TicketDependencies = { commands, knex: db.knex, clock, policy: config.tickets };
    const scheduler = new Scheduler({
      tickets,
      clock,
      logger: logger.child({ component: 'scheduler' }),
      intervalMs: config.scheduler.intervalMs,
      autoCloseAfterMs: config.scheduler.autoCloseAfterMs,
      observer: { timerFired: (kind) => metrics.timersFired.inc({ kind }), slaBreached: (clock) => metrics.slaBreaches.inc({ clock }) },
      timersCaughtUp: async () => projections.waitFor(await store.committedHeadPosition(), 5_000, ['timers']),
    });
    const anchoring = new StreamHeadAnchoring({ store: sealedLog, knex: db.knex, clock, logger: logger.child({ component: 'audit-anchors' }), intervalMs: config.scheduler.auditAnchorIntervalMs });
    const blobs = new FilesystemBlobStore(config.blobs.dir);
    const blobSweep = new BlobSweep({
      blobs,
      referenced: (digests) => referencedBlobDigests(db.knex, digests),
      // The attachments live in the tickets read model; the checkpoints table shows how far it is,
      // whichever process feeds it. Half a minute to catch up, else the round removes nothing.
      readModelCaughtUp: async () => projections.waitFor(await store.committedHeadPosition(), 30_000, ['tickets']),
      graceMs: config.blobs.sweepGraceMs,
      intervalMs: config.blobs.sweepIntervalMs,
      logger: logger.child({ component: 'blob-sweep' }),
    });
    const mail = config.mail;
    const notifications = mail.smtpUrl
      ? new NotificationSender({ knex: db.knex, smtpUrl: mail.smtpUrl, from: mail.from, timeoutMs: mail.timeoutMs, maxAttempts: mail.maxAttempts, retryBaseMs: mail.retryBaseMs, pollMs: mail.pollMs, clock, logger: logger.child({ component: 'notifications' }) })
      : null;
    // Every signed-in command route honours Idempotency-Key (after authentication: keys are per caller);
    // the log is where a crashed request's command is found again.
    const keyed = idempotent(idempotency, { log: store });
    const signedInCommands: Middleware<AppState> = async (ctx, next) => {
      await signedIn(ctx, async () => {
        await keyed(ctx, next);
      });
    };
    const probes = healthRouter({ checks: readinessChecks(db, store, projections, volatile, config), metrics, metricsToken: config.edge.metricsToken });
    const routers = [
      probes,
      referenceRouter(),
      authRouter(identity, signedIn),
      usersRouter(identity, signedInCommands, waitFor, personalDataKeys),
      groupsRouter('team', identity, signedInCommands, waitFor),
      groupsRouter('department', identity, signedInCommands, waitFor),
      // The catalog needs a subset of what identity is built with: the store, read models, clock.
      categoriesRouter(identity, signedInCommands, waitFor),
      servicesRouter(identity, signedInCommands, waitFor),
      // The CMDB needs the same subset: the store, read models, clock.
      assetCategoriesRouter(identity, signedInCommands, waitFor),
      // Before assetsRouter, whose GET /assets/:id would take "export" for an id. Not behind
      // Idempotency-Key: its fingerprint cannot cover a CSV read as a stream.
      assetTransferRouter({ ...identity, maxRows: config.assetImport.maxRows, maxBytes: config.assetImport.maxBytes }, signedIn, waitFor),
      assetsRouter(identity, signedInCommands, waitFor),
      assetMaintenanceRouter(identity, signedInCommands, waitFor),
      assetRelationsRouter(identity, signedInCommands, waitFor),
      // The knowledge base needs the same subset: the store, read models (categories), clock.
      articlesRouter(identity, signedInCommands, waitFor),
      // SLA administration needs the same subset: the store, read models, clock.
      businessCalendarsRouter(identity, signedInCommands, waitFor),
      slaPoliciesRouter(identity, signedInCommands, waitFor),
      // Queues need the same subset: the store, read models, clock.
      queuesRouter(identity, signedInCommands, waitFor),
      ticketsRouter(tickets, signedInCommands, waitFor, search),
      attachmentsRouter({ ...tickets, blobs, maxBytes: config.attachments.maxBytes, quotaBytesPerTenant: config.attachments.quotaBytesPerTenant }, signedInCommands, waitFor),
      emailTemplatesRouter({ commands, knex: db.knex, clock }, signedInCommands, waitFor),
      outboxRouter({ knex: db.knex }, signedIn),
      auditRouter({ store, sealedLog, clock }, signedIn),
      searchRouter(search, signedIn),
      reportsRouter({ knex: db.knex, clock }, signedIn),
      ...(overrides.routers ?? []),
    ];
    return {
      config,
      logger,
      db,
      store,
      sealedLog,
      personalDataKeys,
      projections,
      scheduler,
      anchoring,
      notifications,
      volatile,
      commands,
      identity,
      idempotency,
      search,
      tickets,
      blobs,
      blobSweep,
      clock,
      metrics,
      createApi: () => appServing(routers),
      createProbeApi: () => appServing([probes]),
      routeTable: () =>
        routers.flatMap((router) =>
          router.stack.flatMap((layer) => layer.methods.filter((method) => method !== 'HEAD').map((method) => ({ method, path: String(layer.path) }))),
        ),

      async close(options = {}) {
        await scheduler.stop();
        await anchoring.stop();
        await blobSweep.stop();
        await notifications?.close();
        // After the scheduler: nothing here appends any more, so the head stands still.
        if (options.settleProjectionsMs) await projections.settle(options.settleProjectionsMs);
        await projections.stop();
        for (const close of closers) await close();
      },
    };

    function appServing(served: readonly Router<AppState>[]): Koa<AppState> {
      return createApp({
          logger,
          metrics,
          bodyLimitBytes: config.http.bodyLimitBytes,
          rateLimiter: volatile.rateLimiter,
          fallbackRateLimiter: fallback.rateLimiter,
          rateLimitPerMinute: config.rateLimitPerMinute,
          rateLimitPerUserPerMinute: config.rateLimitPerUserPerMinute,
          subjectOf: (ctx) => bearerSubject(ctx, verifiedTokens, volatile.denyList),
          requestTimeoutMs: config.edge.requestTimeoutMs,
          corsOrigins: config.edge.corsOrigins,
          trustProxy: config.edge.trustProxy,
          trustProxyHops: config.edge.trustProxyHops,
          routers: served,
          ownBodyPaths: (path) => isAttachmentUpload(path) || isAssetImport(path),
          logPosition: { receipts, waitFor: (position, timeoutMs) => projections.waitFor(position, timeoutMs, projections.names), maxWaitMs: config.waitForPositionTimeoutMs },
      });
    }
  } catch (error) {
    for (const close of closers) await close().catch(() => undefined);
    throw error;
  }
}

function openEventStore(config: Config, db: Database): EventStore {
  switch (config.eventStore.kind) {
    case 'postgres':
      return new PostgresEventStore(db);
    case 'esdb':
      return EsdbEventStore.connect(config.eventStore.url);
  }
}

function readinessChecks(db: Database, store: EventStore, projections: ProjectionRunner, volatile: VolatileState, config: Config): ReadinessCheck[] {
  return [
    {
      name: 'volatileState',
      // Reported, never failing: without Redis, reads go on and limits fall back to per-instance caps;
      // failing readiness would take every replica out of the load balancer at once.
      async check() {
        try {
          await volatile.ping();
          return { ok: true, detail: config.volatile.kind };
        } catch (error) {
          return { ok: true, detail: { kind: config.volatile.kind, degraded: error instanceof Error ? error.message : 'unreachable' } };
        }
      },
    },
    {
      name: 'database',
      async check() {
        await db.pool.query('SELECT 1');
        return { ok: true, detail: db.kind };
      },
    },
    {
      name: 'eventStore',
      async check() {
        const head = await store.headPosition();
        return { ok: true, detail: { adapter: store.name, head: `${head.commit}/${head.prepare}` } };
      },
    },
    {
      name: 'projections',
      async check() {
        const lag = await projections.lag();
        const ok = lag.every((projection) => projection.secondsBehind <= config.readyMaxProjectionLagSeconds);
        return { ok, detail: lag };
      },
    },
  ];
}
