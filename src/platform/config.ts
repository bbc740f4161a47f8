import path from 'node:path';

/**
 * One typed configuration for every role, read from the environment and CLI flags and validated at
 * boot. A bad value stops the process with a message that names the setting.
 */
export const ROLE_NAMES = ['all', 'api', 'worker'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  natsUrl: string | undefined;
  dataDir: string;
  jwtSecret: string;
  jwtTtlS: number;
  roles: RoleName[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Stable id of this process for durable-workflow recovery; defaults to role + port. */
  instanceId: string;
  bodyLimitBytes: number;
  dbPoolSize: number;
  /** Seconds before an unanswered support ticket is escalated to ops. */
  ticketEscalationS: number;
  /** How stock is reserved: one conditional UPDATE (default) or SELECT … FOR UPDATE (baseline). */
  reserveStrategy: 'coalesced' | 'conditional' | 'locking';
  /** Seconds a reservation holds stock before it expires. */
  reservationTtlS: number;
  /** Whether adding to the cart holds stock (released when the hold expires). */
  cartHolds: boolean;
  /** Seconds a store has to accept an authorized order before it is canceled and refunded. */
  orderAcceptTimeoutS: number;
  /** Prefix of NATS subjects and streams and of Redis keys, so several deployments can share them. */
  namespace: string;
  /** HMAC secret of the fake payment provider's webhooks (signed by it, checked by payments). */
  fakepayWebhookSecret: string;
  drivers: DriverSettings;
  dispatch: DispatchSettings;
  webhooks: { maxAttempts: number; backoffBaseMs: number; timeoutMs: number; concurrency: number };
  rateLimits: RateLimitSettings;
}

export interface RateLimitSettings {
  /** `default` (the built-in policy), `off`, or the path of a JSON policy file (reloaded on change). */
  policy: 'default' | 'off' | { file: string };
  /** A Redis check slower than this falls back to the route's failure mode. */
  timeoutMs: number;
  /** Consecutive Redis failures that open the breaker. */
  breakAfter: number;
  /** How long the open breaker skips Redis before trying it again. */
  halfOpenAfterMs: number;
}

export interface DriverSettings {
  /** A driver silent for longer is not dispatchable. */
  staleS: number;
  /** Seconds between two history points kept per driver (the rest only move the live index). */
  historyS: number;
  /** Location points waiting for the geo index or the database before ingest sheds with 503. */
  ingestMaxPending: number;
}

export interface DispatchWeights {
  travel: number;
  acceptance: number;
  vehicle: number;
  fairness: number;
}

/** `scored` (batching, offers timed to preparation, weighted score) or `greedy` (the baseline: nearest driver, at once, no batching). */
export const DISPATCH_STRATEGIES = ['scored', 'greedy'] as const;
export type DispatchStrategyName = (typeof DISPATCH_STRATEGIES)[number];

export interface DispatchSettings {
  strategy: DispatchStrategyName;
  offerTtlS: number;
  /** Search radii around the store, widened in this order when nobody fits. */
  radiiM: number[];
  /** Drivers offered one after the other within one radius before widening. */
  offersPerRound: number;
  weights: DispatchWeights;
  /** How much later a batched order may arrive than it would alone. */
  batchMarginS: number;
}

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`invalid setting ${setting}: ${message}`);
    this.name = 'ConfigError';
  }
}

export interface ConfigSetting {
  env: string;
  description: string;
  default: string;
}

/** Defaults of settings also parsed in code, written once. */
const DEFAULT_RADII_M = '3000,6000,10000';
const DEFAULT_WEIGHTS = 'travel=1,acceptance=0.5,vehicle=0.2,fairness=0.3';

/** The documented settings; README's configuration table is written from this list. */
export const SETTINGS: ConfigSetting[] = [
  {
    env: 'DATABASE_URL',
    description: 'Postgres connection URL; unset starts embedded Postgres in LASTMILE_DATA_DIR/pg',
    default: '(embedded)',
  },
  {
    env: 'REDIS_URL',
    description: 'Redis URL for geo index, counters and caches; unset uses in-process adapters',
    default: '(in-process)',
  },
  {
    env: 'NATS_URL',
    description: 'NATS URL (JetStream) for events between processes; unset uses the in-process bus',
    default: '(in-process)',
  },
  { env: 'PORT', description: 'HTTP port of the api role', default: '3000' },
  { env: 'HOST', description: 'HTTP bind address', default: '127.0.0.1' },
  {
    env: 'LASTMILE_DATA_DIR',
    description: 'Where embedded Postgres keeps its data',
    default: './.lastmile',
  },
  {
    env: 'JWT_SECRET',
    description: 'HMAC secret for access tokens, at least 32 characters (required in production)',
    default: '(dev secret)',
  },
  { env: 'JWT_TTL_S', description: 'Access token lifetime in seconds', default: '3600' },
  {
    env: 'LASTMILE_ROLES',
    description: 'Comma-separated roles: all, api, worker (same as --role)',
    default: 'all',
  },
  { env: 'LOG_LEVEL', description: 'pino log level', default: 'info' },
  {
    env: 'LASTMILE_INSTANCE_ID',
    description: 'Stable process id for workflow recovery after a crash',
    default: '<role>-<port>',
  },
  {
    env: 'LASTMILE_BODY_LIMIT',
    description: 'Largest accepted request body in bytes',
    default: '1048576',
  },
  { env: 'LASTMILE_DB_POOL', description: 'Postgres connections per process', default: '10' },
  {
    env: 'LASTMILE_NAMESPACE',
    description: 'Prefix of NATS subjects/streams and Redis keys',
    default: 'lastmile',
  },
  {
    env: 'LASTMILE_RESERVE_STRATEGY',
    description:
      'coalesced (conditional UPDATEs grouped per commit), conditional (one per commit) or locking (SELECT … FOR UPDATE, the baseline)',
    default: 'coalesced',
  },
  {
    env: 'LASTMILE_RESERVATION_TTL_S',
    description: 'Seconds a stock reservation or cart hold lasts before it expires',
    default: '600',
  },
  {
    env: 'LASTMILE_CART_HOLDS',
    description: 'Hold stock when items are added to a cart (1/0)',
    default: '0',
  },
  {
    env: 'LASTMILE_ACCEPT_TIMEOUT_S',
    description:
      'Seconds a store has to accept a paid order before it is canceled and the payment voided',
    default: '300',
  },
  {
    env: 'LASTMILE_FAKEPAY_WEBHOOK_SECRET',
    description:
      "HMAC secret of the fake payment provider's webhooks, at least 32 characters (required in production)",
    default: '(dev secret)',
  },
  {
    env: 'LASTMILE_TICKET_ESCALATION_S',
    description: 'Seconds before an unanswered support ticket escalates to ops',
    default: '900',
  },
  {
    env: 'LASTMILE_DRIVER_STALE_S',
    description: 'A driver silent for longer is not offered jobs',
    default: '60',
  },
  {
    env: 'LASTMILE_LOCATION_HISTORY_S',
    description:
      'Seconds between two stored history points per driver (every point moves the live index)',
    default: '30',
  },
  {
    env: 'LASTMILE_INGEST_MAX_PENDING',
    description: 'Location points waiting for the geo index or database before ingest answers 503',
    default: '20000',
  },
  {
    env: 'LASTMILE_OFFER_TTL_S',
    description: 'Seconds a driver has to accept a job offer',
    default: '30',
  },
  {
    env: 'LASTMILE_DISPATCH_RADII_M',
    description: 'Driver search radii around the store in metres, widened in this order',
    default: DEFAULT_RADII_M,
  },
  {
    env: 'LASTMILE_DISPATCH_OFFERS_PER_ROUND',
    description: 'Drivers offered one after the other before the radius widens',
    default: '3',
  },
  {
    env: 'LASTMILE_DISPATCH_WEIGHTS',
    description: 'Candidate score weights: travel, acceptance, vehicle, fairness',
    default: DEFAULT_WEIGHTS,
  },
  {
    env: 'LASTMILE_DISPATCH_STRATEGY',
    description:
      'scored (batching, offers timed to preparation, weighted score) or greedy (the baseline: every order alone, offered at once to the nearest driver)',
    default: 'scored',
  },
  {
    env: 'LASTMILE_WEBHOOK_MAX_ATTEMPTS',
    description: 'Attempts before a partner webhook delivery is kept as dead',
    default: '8',
  },
  {
    env: 'LASTMILE_WEBHOOK_BACKOFF_MS',
    description:
      'First retry delay of a failed webhook delivery, doubled each attempt (capped at 1 h)',
    default: '1000',
  },
  {
    env: 'LASTMILE_WEBHOOK_TIMEOUT_MS',
    description: 'How long a partner endpoint may take to answer',
    default: '5000',
  },
  {
    env: 'LASTMILE_RATE_LIMITS',
    description:
      'Rate-limit policy: `default` (built in), `off`, or the path of a JSON policy file, reloaded when it changes',
    default: 'default',
  },
  {
    env: 'LASTMILE_RATE_LIMIT_TIMEOUT_MS',
    description:
      "A rate-limit check that Redis has not answered in this time (a batched call: plus 40 µs per check in it) uses the route's failure mode",
    default: '10',
  },
  {
    env: 'LASTMILE_RATE_LIMIT_BREAK_AFTER',
    description: "Consecutive failed Redis checks that open the rate limiter's breaker",
    default: '5',
  },
  {
    env: 'LASTMILE_RATE_LIMIT_HALF_OPEN_MS',
    description: 'How long the open breaker skips Redis before trying it again',
    default: '1000',
  },
  {
    env: 'LASTMILE_BATCH_MARGIN_S',
    description: 'Seconds a batched order may arrive later than it would alone',
    default: '180',
  },
];

const DEV_JWT_SECRET = 'lastmile-development-secret-change-me-0123456789';
const DEV_FAKEPAY_SECRET = 'fakepay-development-webhook-secret-change-me-0123';

function intSetting(
  name: string,
  raw: string | undefined,
  def: number,
  min: number,
  max: number,
): number {
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `expected ${min}..${max}, got ${n}`);
  return n;
}

function urlSetting(
  name: string,
  raw: string | undefined,
  protocols: string[],
): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `not a URL: "${raw}"`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `expected a ${protocols.join(' or ')} URL, got "${url.protocol}"`);
  }
  return raw;
}

function enumSetting<T extends string>(
  name: string,
  raw: string | undefined,
  allowed: readonly T[],
  def: T,
): T {
  if (raw === undefined || raw === '') return def;
  if (!(allowed as readonly string[]).includes(raw))
    throw new ConfigError(name, `expected one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

function namespaceSetting(raw: string | undefined): string {
  if (raw === undefined || raw === '') return 'lastmile';
  if (!/^[a-z][a-z0-9_]{0,39}$/.test(raw)) {
    throw new ConfigError(
      'LASTMILE_NAMESPACE',
      `use lowercase letters, digits and _ (max 40), got "${raw}"`,
    );
  }
  return raw;
}

function radiiSetting(raw: string | undefined): number[] {
  const name = 'LASTMILE_DISPATCH_RADII_M';
  const list = (raw || DEFAULT_RADII_M).split(',').map((r) => r.trim());
  const radii = list.map((r) => intSetting(name, r, 0, 100, 50_000));
  if (radii.some((r, i) => i > 0 && r <= (radii[i - 1] ?? 0)))
    throw new ConfigError(name, `radii must grow, got "${raw}"`);
  return radii;
}

function rateLimitPolicySetting(raw: string | undefined): RateLimitSettings['policy'] {
  if (raw === undefined || raw === '' || raw === 'default') return 'default';
  if (raw === 'off') return 'off';
  return { file: path.resolve(raw) };
}

function weightsSetting(raw: string | undefined): DispatchWeights {
  const name = 'LASTMILE_DISPATCH_WEIGHTS';
  const w: DispatchWeights = { travel: 0, acceptance: 0, vehicle: 0, fairness: 0 };
  // A setting names the weights it changes; the others keep their defaults.
  for (const part of [...DEFAULT_WEIGHTS.split(','), ...(raw ? raw.split(',') : [])]) {
    const m = /^\s*(travel|acceptance|vehicle|fairness)\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!m?.[1] || !m[2])
      throw new ConfigError(
        name,
        `expected name=number for travel, acceptance, vehicle, fairness; got "${part}"`,
      );
    w[m[1] as keyof DispatchWeights] = Number(m[2]);
  }
  return w;
}

export function parseRoles(raw: string | string[] | undefined): RoleName[] {
  const list = (Array.isArray(raw) ? raw : (raw ?? 'all').split(','))
    .flatMap((r) => r.split(','))
    .map((r) => r.trim())
    .filter(Boolean);
  if (list.length === 0) return ['all'];
  for (const r of list) {
    if (!(ROLE_NAMES as readonly string[]).includes(r)) {
      throw new ConfigError('--role', `unknown role "${r}"; known roles: ${ROLE_NAMES.join(', ')}`);
    }
  }
  return [...new Set(list)] as RoleName[];
}

export interface ConfigOverrides {
  port?: string | number;
  roles?: string[];
  databaseUrl?: string;
  dataDir?: string;
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: ConfigOverrides = {},
): Config {
  const nodeEnv =
    env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const port = intSetting('PORT', overrides.port?.toString() ?? env.PORT, 3000, 0, 65535);
  const roles = parseRoles(overrides.roles ?? env.LASTMILE_ROLES);
  const jwtSecret = env.JWT_SECRET ?? (nodeEnv === 'production' ? undefined : DEV_JWT_SECRET);
  if (!jwtSecret) throw new ConfigError('JWT_SECRET', 'required when NODE_ENV=production');
  if (jwtSecret.length < 32) throw new ConfigError('JWT_SECRET', 'must be at least 32 characters');
  // The dev default is public (it is in this file): anyone could sign webhooks with it.
  const fakepayWebhookSecret =
    env.LASTMILE_FAKEPAY_WEBHOOK_SECRET ||
    (nodeEnv === 'production' ? undefined : DEV_FAKEPAY_SECRET);
  if (!fakepayWebhookSecret)
    throw new ConfigError('LASTMILE_FAKEPAY_WEBHOOK_SECRET', 'required when NODE_ENV=production');
  if (fakepayWebhookSecret.length < 32)
    throw new ConfigError('LASTMILE_FAKEPAY_WEBHOOK_SECRET', 'must be at least 32 characters');
  const logLevel = (env.LOG_LEVEL ??
    (nodeEnv === 'test' ? 'silent' : 'info')) as Config['logLevel'];
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `unknown level "${logLevel}"`);
  }
  const config: Config = {
    env: nodeEnv,
    port,
    host: env.HOST || '127.0.0.1',
    databaseUrl: urlSetting('DATABASE_URL', overrides.databaseUrl ?? env.DATABASE_URL, [
      'postgres:',
      'postgresql:',
    ]),
    redisUrl: urlSetting('REDIS_URL', env.REDIS_URL, ['redis:', 'rediss:']),
    natsUrl: urlSetting('NATS_URL', env.NATS_URL, ['nats:', 'tls:']),
    dataDir: path.resolve(overrides.dataDir ?? env.LASTMILE_DATA_DIR ?? '.lastmile'),
    jwtSecret,
    jwtTtlS: intSetting('JWT_TTL_S', env.JWT_TTL_S, 3600, 60, 86_400 * 30),
    roles,
    logLevel,
    instanceId: env.LASTMILE_INSTANCE_ID || `${roles.join('+')}-${port}`,
    bodyLimitBytes: intSetting(
      'LASTMILE_BODY_LIMIT',
      env.LASTMILE_BODY_LIMIT,
      1_048_576,
      1024,
      64 * 1_048_576,
    ),
    dbPoolSize: intSetting('LASTMILE_DB_POOL', env.LASTMILE_DB_POOL, 10, 2, 200),
    namespace: namespaceSetting(env.LASTMILE_NAMESPACE),
    fakepayWebhookSecret,
    reserveStrategy: enumSetting(
      'LASTMILE_RESERVE_STRATEGY',
      env.LASTMILE_RESERVE_STRATEGY,
      ['coalesced', 'conditional', 'locking'] as const,
      'coalesced',
    ),
    orderAcceptTimeoutS: intSetting(
      'LASTMILE_ACCEPT_TIMEOUT_S',
      env.LASTMILE_ACCEPT_TIMEOUT_S,
      300,
      5,
      86_400,
    ),
    reservationTtlS: intSetting(
      'LASTMILE_RESERVATION_TTL_S',
      env.LASTMILE_RESERVATION_TTL_S,
      600,
      5,
      86_400,
    ),
    cartHolds:
      enumSetting('LASTMILE_CART_HOLDS', env.LASTMILE_CART_HOLDS, ['0', '1'] as const, '0') === '1',
    ticketEscalationS: intSetting(
      'LASTMILE_TICKET_ESCALATION_S',
      env.LASTMILE_TICKET_ESCALATION_S,
      900,
      1,
      86_400 * 7,
    ),
    drivers: {
      staleS: intSetting('LASTMILE_DRIVER_STALE_S', env.LASTMILE_DRIVER_STALE_S, 60, 5, 3600),
      historyS: intSetting(
        'LASTMILE_LOCATION_HISTORY_S',
        env.LASTMILE_LOCATION_HISTORY_S,
        30,
        0,
        3600,
      ),
      ingestMaxPending: intSetting(
        'LASTMILE_INGEST_MAX_PENDING',
        env.LASTMILE_INGEST_MAX_PENDING,
        20_000,
        100,
        10_000_000,
      ),
    },
    dispatch: {
      strategy: enumSetting(
        'LASTMILE_DISPATCH_STRATEGY',
        env.LASTMILE_DISPATCH_STRATEGY,
        DISPATCH_STRATEGIES,
        'scored',
      ),
      offerTtlS: intSetting('LASTMILE_OFFER_TTL_S', env.LASTMILE_OFFER_TTL_S, 30, 5, 600),
      radiiM: radiiSetting(env.LASTMILE_DISPATCH_RADII_M),
      offersPerRound: intSetting(
        'LASTMILE_DISPATCH_OFFERS_PER_ROUND',
        env.LASTMILE_DISPATCH_OFFERS_PER_ROUND,
        3,
        1,
        20,
      ),
      weights: weightsSetting(env.LASTMILE_DISPATCH_WEIGHTS),
      batchMarginS: intSetting(
        'LASTMILE_BATCH_MARGIN_S',
        env.LASTMILE_BATCH_MARGIN_S,
        180,
        0,
        3600,
      ),
    },
    webhooks: {
      maxAttempts: intSetting(
        'LASTMILE_WEBHOOK_MAX_ATTEMPTS',
        env.LASTMILE_WEBHOOK_MAX_ATTEMPTS,
        8,
        1,
        50,
      ),
      backoffBaseMs: intSetting(
        'LASTMILE_WEBHOOK_BACKOFF_MS',
        env.LASTMILE_WEBHOOK_BACKOFF_MS,
        1000,
        10,
        3_600_000,
      ),
      timeoutMs: intSetting(
        'LASTMILE_WEBHOOK_TIMEOUT_MS',
        env.LASTMILE_WEBHOOK_TIMEOUT_MS,
        5000,
        100,
        60_000,
      ),
      concurrency: 16,
    },
    rateLimits: {
      policy: rateLimitPolicySetting(env.LASTMILE_RATE_LIMITS),
      timeoutMs: intSetting(
        'LASTMILE_RATE_LIMIT_TIMEOUT_MS',
        env.LASTMILE_RATE_LIMIT_TIMEOUT_MS,
        10,
        1,
        10_000,
      ),
      breakAfter: intSetting(
        'LASTMILE_RATE_LIMIT_BREAK_AFTER',
        env.LASTMILE_RATE_LIMIT_BREAK_AFTER,
        5,
        1,
        1000,
      ),
      halfOpenAfterMs: intSetting(
        'LASTMILE_RATE_LIMIT_HALF_OPEN_MS',
        env.LASTMILE_RATE_LIMIT_HALF_OPEN_MS,
        1000,
        10,
        600_000,
      ),
    },
  };
  const split = !roles.includes('all') && !(roles.includes('api') && roles.includes('worker'));
  if (split && !config.natsUrl) {
    throw new ConfigError(
      'NATS_URL',
      `role "${roles.join(',')}" runs part of lastmile, so its events must cross processes: set NATS_URL`,
    );
  }
  if (split && !config.databaseUrl) {
    throw new ConfigError(
      'DATABASE_URL',
      `role "${roles.join(',')}" shares a database with other processes: set DATABASE_URL`,
    );
  }
  return config;
}
