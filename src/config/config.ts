import { resolve } from 'node:path';
import { z } from 'zod';

const optionalUrl = (protocols: readonly string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value === '' ? undefined : value))
    .refine((value) => value === undefined || protocols.some((p) => value.startsWith(`${p}://`)), {
      message: `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    });

const integer = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .optional()
    .transform((value) => (value === undefined ? fallback : ['true', '1', 'yes'].includes(value)));

const environmentSchema = z.object({
  PORT: integer(3000, 0, 65_535),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  BLOB_DIR: z.string().trim().optional(),
  ATTACHMENT_MAX_BYTES: integer(25 * 1_048_576, 1, 1_024 * 1_048_576),
  ATTACHMENT_QUOTA_BYTES_PER_TENANT: integer(10 * 1_073_741_824, 1, 1_024 ** 5),
  BLOB_SWEEP_INTERVAL_MS: integer(3_600_000, 1_000, 86_400_000 * 7),
  // At least a minute: an upload's event follows its stored bytes by seconds (src/blobs/sweep.ts).
  BLOB_SWEEP_GRACE_MS: integer(3_600_000, 60_000, 86_400_000 * 30),
  ASSET_IMPORT_MAX_ROWS: integer(50_000, 1, 1_000_000),
  ASSET_IMPORT_MAX_BYTES: integer(20 * 1_048_576, 1_024, 1_024 * 1_048_576),
  DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
  DATABASE_POOL_SIZE: integer(10, 1, 200),
  REDIS_URL: optionalUrl(['redis', 'rediss']),
  REDIS_KEY_PREFIX: z.string().trim().min(1).max(64).default('itsm:'),
  RATE_LIMIT_PER_MINUTE: integer(1_200, 1, 1_000_000),
  // Unset: the same figure as the per-address limit.
  RATE_LIMIT_PER_USER_PER_MINUTE: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(1_000_000, 'must be at most 1000000').optional(),
  REQUEST_TIMEOUT_MS: integer(30_000, 100, 600_000),
  SHUTDOWN_GRACE_MS: integer(25_000, 0, 600_000),
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((value) => (value ?? '').split(',').map((origin) => origin.trim()).filter((origin) => origin !== ''))
    .refine((origins) => origins.every((origin) => /^https?:\/\/[^/\s]+$/.test(origin)), { message: 'must be a comma-separated list of origins such as https://desk.example.com (scheme and host, no path)' }),
  TRUST_PROXY: flag(false),
  TRUST_PROXY_HOPS: integer(1, 1, 20),
  METRICS_TOKEN: z.string().trim().optional().transform((value) => (value === '' ? undefined : value)).refine((value) => value === undefined || value.length >= 16, { message: 'must be at least 16 characters' }),
  EVENTSTORE_URL: optionalUrl(['esdb', 'esdb+discover', 'kurrentdb', 'kurrentdb+discover', 'kdb', 'kdb+discover']),
  MEILI_URL: optionalUrl(['http', 'https']),
  MEILI_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: integer(1_048_576, 1_024, 100 * 1_048_576),
  READ_YOUR_WRITES_TIMEOUT_MS: integer(2_000, 0, 60_000),
  WAIT_FOR_POSITION_TIMEOUT_MS: integer(10_000, 0, 60_000),
  PROJECTION_IDLE_WAIT_MS: integer(1_000, 10, 600_000),
  READY_MAX_PROJECTION_LAG_SECONDS: integer(30, 1, 86_400),
  SEED_DEMO: flag(true),
  AUTH_SIGNING_KEYS: z.string().trim().optional(),
  PERSONAL_DATA_MASTER_KEYS: z.string().trim().optional(),
  AUTH_ISSUER: z.string().trim().min(1).max(200).default('itsm'),
  ACCESS_TOKEN_TTL_SECONDS: integer(900, 60, 900),
  REFRESH_TOKEN_TTL_DAYS: integer(30, 1, 365),
  LOGIN_LIMIT_PER_ACCOUNT: integer(10, 1, 10_000),
  LOGIN_LIMIT_PER_ADDRESS: integer(100, 1, 100_000),
  LOGIN_LIMIT_WINDOW_SECONDS: integer(900, 1, 86_400),
  TICKET_REOPEN_WINDOW_DAYS: integer(14, 0, 3650),
  COMMENT_EDIT_WINDOW_MINUTES: integer(15, 0, 100_000),
  SMTP_URL: optionalUrl(['smtp', 'smtps']),
  // Where people open the desk; a trailing slash is dropped, so `<base>/tickets/<number>` joins cleanly.
  PUBLIC_BASE_URL: optionalUrl(['http', 'https'])
    .refine((value) => value === undefined || URL.canParse(value), { message: 'must be a URL such as https://desk.example.com' })
    .transform((value) => value?.replace(/\/+$/, '')),
  SMTP_FROM: z.string().trim().min(3).max(320).default('itsm <no-reply@itsm.invalid>'),
  SMTP_TIMEOUT_MS: integer(10_000, 100, 120_000),
  NOTIFY_MAX_ATTEMPTS: integer(5, 1, 50),
  NOTIFY_RETRY_BASE_MS: integer(30_000, 10, 3_600_000),
  NOTIFY_POLL_MS: integer(1_000, 10, 60_000),
  SCHEDULER_INTERVAL_MS: integer(1_000, 50, 3_600_000),
  AUDIT_ANCHOR_INTERVAL_MS: integer(300_000, 1_000, 86_400_000),
  AUTO_CLOSE_AFTER_DAYS: integer(7, 1, 3650),
});

/** Every environment variable the config reads; deployment files are checked against this list. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(environmentSchema.shape);

/** The variables without a default: a process started without them refuses to run. */
export const REQUIRED_CONFIG_VARIABLES: readonly string[] = Object.entries(environmentSchema.shape)
  .filter(([, schema]) => !schema.safeParse(undefined).success)
  .map(([name]) => name);

export interface Config {
  readonly http: { readonly host: string; readonly port: number; readonly bodyLimitBytes: number };
  readonly dataDir: string;
  /**
   * Content-addressed attachment bytes; never under a directory anything serves. Blobs no event
   * refers to are swept every `sweepIntervalMs`, once `sweepGraceMs` old.
   */
  readonly blobs: { readonly dir: string; readonly sweepIntervalMs: number; readonly sweepGraceMs: number };
  /** The largest file one upload may carry, and the most bytes one tenant's attachments may take together. */
  readonly attachments: { readonly maxBytes: number; readonly quotaBytesPerTenant: number };
  /** The largest asset CSV one import may carry, in data rows and in bytes. */
  readonly assetImport: { readonly maxRows: number; readonly maxBytes: number };
  readonly database: { readonly kind: 'postgres'; readonly url: string; readonly poolSize: number } | { readonly kind: 'pglite'; readonly dataDir: string };
  readonly eventStore: { readonly kind: 'postgres' } | { readonly kind: 'esdb'; readonly url: string };
  readonly volatile: { readonly kind: 'memory' } | { readonly kind: 'redis'; readonly url: string; readonly keyPrefix: string };
  /** Requests per minute one client address may make to the API. */
  readonly rateLimitPerMinute: number;
  /** Requests per minute one signed-in user (token subject) may make, from wherever. */
  readonly rateLimitPerUserPerMinute: number;
  /** Hardening of the HTTP edge. */
  readonly edge: {
    /** A read (GET/HEAD) not answered within this is answered 503 with Retry-After. */
    readonly requestTimeoutMs: number;
    /** Browser origins allowed to call the API (CORS); empty allows none. */
    readonly corsOrigins: readonly string[];
    /** Behind a reverse proxy: trust X-Forwarded-For/-Proto (client address, TLS for HSTS). */
    readonly trustProxy: boolean;
    /**
     * How many proxies in front append to X-Forwarded-For: the client is that many entries from the
     * right. Entries further left are whatever the client sent, so they are never believed.
     */
    readonly trustProxyHops: number;
    /** When set, /metrics wants `Authorization: Bearer <token>`. */
    readonly metricsToken: string | undefined;
    /** On SIGTERM, how long requests in flight may take to finish before their connections are cut. */
    readonly shutdownGraceMs: number;
  };
  readonly search: { readonly kind: 'postgres' } | { readonly kind: 'meilisearch'; readonly url: string; readonly key: string | undefined };
  readonly logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
  readonly readYourWritesTimeoutMs: number;
  /** How long a request with Wait-For-Position is held for the read models fed from the log. */
  readonly waitForPositionTimeoutMs: number;
  /** How long an idle projection feed waits for an append signal before it looks at the log anyway. */
  readonly projectionIdleWaitMs: number;
  readonly readyMaxProjectionLagSeconds: number;
  readonly seedDemo: boolean;
  readonly tickets: {
    /** How long after resolution a ticket may be reopened. */
    readonly reopenWindowMs: number;
    /** How long an author may edit their comment. */
    readonly commentEditWindowMs: number;
  };
  readonly scheduler: {
    /** Pause between the scheduler's rounds over due timers. */
    readonly intervalMs: number;
    /** How long a resolved ticket stays resolved before it closes on its own. */
    readonly autoCloseAfterMs: number;
    /** Pause between rounds that anchor stream heads in each tenant's audit chain. */
    readonly auditAnchorIntervalMs: number;
  };
  /** Where people open the desk (`https://desk.example.com`): notification mail links to `<base>/tickets/<number>`; none without it. */
  readonly publicBaseUrl: string | null;
  /**
   * Outgoing mail. Without an SMTP server the outbox table is the result, readable over the API;
   * with one, a sender delivers it, retrying `maxAttempts` times with doubling delays.
   */
  readonly mail: {
    readonly smtpUrl: string | undefined;
    readonly from: string;
    readonly timeoutMs: number;
    readonly maxAttempts: number;
    readonly retryBaseMs: number;
    readonly pollMs: number;
  };
  /**
   * Crypto-shredding of people's names and emails (src/privacy/): master keys that wrap each
   * person's data key, `kid:base64secret,…` (the first wraps); absent: a key file under the data directory.
   */
  readonly privacy: { readonly masterKeys: string | undefined };
  readonly auth: {
    /** `kid:base64secret,…`; absent: a key file under the data directory, made on first start. */
    readonly signingKeys: string | undefined;
    readonly issuer: string;
    readonly audience: string;
    readonly accessTokenTtlSeconds: number;
    readonly refreshTokenTtlDays: number;
    readonly loginLimits: { readonly perAccount: number; readonly perAddress: number; readonly windowMs: number };
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Reads the environment once, checks every value, and returns a frozen config; names each bad variable. */
export function loadConfig(environment: Readonly<Record<string, string | undefined>>): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const env = parsed.data;
  const dataDir = resolve(env.DATA_DIR);
  return deepFreeze({
    http: { host: env.HOST, port: env.PORT, bodyLimitBytes: env.BODY_LIMIT_BYTES },
    dataDir,
    blobs: { dir: env.BLOB_DIR ? resolve(env.BLOB_DIR) : resolve(dataDir, 'blobs'), sweepIntervalMs: env.BLOB_SWEEP_INTERVAL_MS, sweepGraceMs: env.BLOB_SWEEP_GRACE_MS },
    attachments: { maxBytes: env.ATTACHMENT_MAX_BYTES, quotaBytesPerTenant: env.ATTACHMENT_QUOTA_BYTES_PER_TENANT },
    assetImport: { maxRows: env.ASSET_IMPORT_MAX_ROWS, maxBytes: env.ASSET_IMPORT_MAX_BYTES },
    database: env.DATABASE_URL
      ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE }
      : { kind: 'pglite', dataDir: resolve(dataDir, 'pglite') },
    eventStore: env.EVENTSTORE_URL ? { kind: 'esdb', url: env.EVENTSTORE_URL } : { kind: 'postgres' },
    volatile: env.REDIS_URL ? { kind: 'redis', url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX } : { kind: 'memory' },
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    rateLimitPerUserPerMinute: env.RATE_LIMIT_PER_USER_PER_MINUTE ?? env.RATE_LIMIT_PER_MINUTE,
    edge: { requestTimeoutMs: env.REQUEST_TIMEOUT_MS, corsOrigins: env.CORS_ORIGINS, trustProxy: env.TRUST_PROXY, trustProxyHops: env.TRUST_PROXY_HOPS, metricsToken: env.METRICS_TOKEN, shutdownGraceMs: env.SHUTDOWN_GRACE_MS },
    search: env.MEILI_URL ? { kind: 'meilisearch', url: env.MEILI_URL, key: env.MEILI_KEY } : { kind: 'postgres' },
    logLevel: env.LOG_LEVEL,
    readYourWritesTimeoutMs: env.READ_YOUR_WRITES_TIMEOUT_MS,
    waitForPositionTimeoutMs: env.WAIT_FOR_POSITION_TIMEOUT_MS,
    projectionIdleWaitMs: env.PROJECTION_IDLE_WAIT_MS,
    readyMaxProjectionLagSeconds: env.READY_MAX_PROJECTION_LAG_SECONDS,
    seedDemo: env.SEED_DEMO,
    tickets: { reopenWindowMs: env.TICKET_REOPEN_WINDOW_DAYS * 86_400_000, commentEditWindowMs: env.COMMENT_EDIT_WINDOW_MINUTES * 60_000 },
    scheduler: { intervalMs: env.SCHEDULER_INTERVAL_MS, autoCloseAfterMs: env.AUTO_CLOSE_AFTER_DAYS * 86_400_000, auditAnchorIntervalMs: env.AUDIT_ANCHOR_INTERVAL_MS },
    publicBaseUrl: env.PUBLIC_BASE_URL ?? null,
    mail: { smtpUrl: env.SMTP_URL, from: env.SMTP_FROM, timeoutMs: env.SMTP_TIMEOUT_MS, maxAttempts: env.NOTIFY_MAX_ATTEMPTS, retryBaseMs: env.NOTIFY_RETRY_BASE_MS, pollMs: env.NOTIFY_POLL_MS },
    privacy: { masterKeys: env.PERSONAL_DATA_MASTER_KEYS === '' ? undefined : env.PERSONAL_DATA_MASTER_KEYS },
    auth: {
      signingKeys: env.AUTH_SIGNING_KEYS === '' ? undefined : env.AUTH_SIGNING_KEYS,
      issuer: env.AUTH_ISSUER,
      audience: 'itsm-api',
      accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
      loginLimits: { perAccount: env.LOGIN_LIMIT_PER_ACCOUNT, perAddress: env.LOGIN_LIMIT_PER_ADDRESS, windowMs: env.LOGIN_LIMIT_WINDOW_SECONDS * 1000 },
    },
  } satisfies Config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
