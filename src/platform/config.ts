import path from 'node:path';
import { ConfigError, readSettings } from './config-read.ts';
import { type NodeEnv } from './config-schema.ts';
import {
  type LogLevel,
  type ReserveStrategy,
  type RoleName,
  type SettingValues,
} from './config-settings.ts';
import { type AttentionSettings, attentionSettings } from './config-settings-attention.ts';
import { type CitySettings, citySettings } from './config-settings-city.ts';
import { type DispatchStrategyName } from './config-settings-dispatch.ts';
import { type RetentionSettings, retentionSettings } from './config-settings-retention.ts';
import { type RoutingSettings, routingSettings } from './config-settings-routing.ts';

/**
 * One typed configuration for every role, read from the environment and CLI flags and validated at
 * boot. A bad value stops the process with a message that names the setting. Each setting (its
 * variable, type, bounds, default and documentation) is declared once, in config-settings.ts.
 */
export { ConfigError } from './config-read.ts';
export { DISPATCH_STRATEGIES, type DispatchStrategyName } from './config-settings-dispatch.ts';
export { ROLE_NAMES, type RoleName } from './config-settings.ts';
export type { RetentionSettings } from './config-settings-retention.ts';
export type { RoutingSettings } from './config-settings-routing.ts';

export interface Config {
  env: NodeEnv;
  port: number;
  host: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  natsUrl: string | undefined;
  /** Absolute. */
  dataDir: string;
  jwtSecret: string;
  /** The secret before the last rotation: its tokens are still verified, never signed. */
  jwtPreviousSecret: string | undefined;
  jwtTtlS: number;
  sockets: SocketSettings;
  /** Reverse proxies whose X-Forwarded-For is believed (none: the peer address is the client). */
  trustedProxies: string[];
  /** Bearer that /metrics requires; undefined: open in development, refused in production. */
  metricsToken: string | undefined;
  /** Without repeats. */
  roles: RoleName[];
  logLevel: LogLevel;
  instanceId: string;
  bodyLimitBytes: number;
  dbPoolSize: number;
  /**
   * Session limits of the platform's connections (statement, lock wait). The statement limit is
   * the role's: short in an api-only process, longer in one that runs the worker role.
   */
  dbTimeouts: { statementMs: number; lockMs: number };
  ticketEscalationS: number;
  reserveStrategy: ReserveStrategy;
  reservationTtlS: number;
  cartHolds: boolean;
  /** Bounds of cart holds: units per product and in all per customer, and a hold's whole life. */
  cartHoldLimits: CartHoldLimits;
  orderAcceptTimeoutS: number;
  /** How long a customer has to answer a substitute proposal before it counts as declined. */
  substitutionAnswerS: number;
  /** How long a request waits for the payment provider before it answers 202. */
  paymentWaitMs: number;
  /** How long a declined order waits for another card. */
  paymentRetryGraceS: number;
  /** Tries of an order saga step (but the money movements') before its workflow fails. */
  sagaStepAttempts: number;
  /** Largest refund an ops agent may make; above it an ops admin. */
  opsRefundLimitMinor: number;
  attention: AttentionSettings;
  /** The ops console's live map. */
  opsCity: CitySettings;
  namespace: string;
  fakepayWebhookSecret: string;
  drivers: DriverSettings;
  dispatch: DispatchSettings;
  /** Where the ETA's travel times come from: a routing service, or the straight line. */
  routing: RoutingSettings;
  webhooks: { maxAttempts: number; backoffBaseMs: number; timeoutMs: number; concurrency: number };
  rateLimits: RateLimitSettings;
  retention: RetentionSettings;
}

export interface CartHoldLimits {
  maxUnits: number;
  maxTotal: number;
  maxAgeS: number;
}

export interface SocketSettings {
  ticketTtlS: number;
  /** Origins allowed besides the API's own, normalized (`*` allows any). */
  allowedOrigins: string[];
}

export interface RateLimitSettings {
  /** `default` (the built-in policy), `off`, or the absolute path of a JSON policy file. */
  policy: 'default' | 'off' | { file: string };
  timeoutMs: number;
  breakAfter: number;
  halfOpenAfterMs: number;
}

export interface DriverSettings {
  staleS: number;
  historyS: number;
  ingestMaxPending: number;
}

export type DispatchWeights = SettingValues['dispatchWeights'];

export interface DispatchSettings {
  strategy: DispatchStrategyName;
  offerTtlS: number;
  /** Between the worker's dispatcher passes. */
  tickMs: number;
  /** Seconds ahead a matching strategy takes the trips falling due, to match them together. */
  matchWindowS: number;
  /** Seconds a re-plan must win (bag wait avoided and arrival sooner); 0: never. */
  replanGainS: number;
  /** Widened in this order when nobody fits. */
  radiiM: number[];
  offersPerRound: number;
  weights: DispatchWeights;
  batchMarginS: number;
  /** How far from the stop a driver's step is accepted. */
  geofenceM: number;
  /** Wrong handover PINs before the handover locks. */
  pinMaxAttempts: number;
  /** Orders above this total (minor units) need the PIN at the door. */
  pinRequiredAboveMinor: number;
  pay: DriverPaySettings;
}

/** What a driver earns per delivery (minor units of `currency`). */
export interface DriverPaySettings {
  currency: string;
  baseMinor: number;
  perKmMinor: number;
  waitFreeS: number;
  waitPerMinMinor: number;
}

/** What flags (`--port`, `--role`) and callers set in place of the environment. */
export interface ConfigOverrides {
  port?: string | number;
  roles?: string[];
  databaseUrl?: string;
  dataDir?: string;
}

/** Partner webhook requests in flight per worker; not a setting. */
const WEBHOOK_CONCURRENCY = 16;

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: ConfigOverrides = {},
): Config {
  // Production is explicit (NODE_ENV or LASTMILE_ENV); development is the default.
  const named = env.LASTMILE_ENV ?? env.NODE_ENV;
  const nodeEnv = named === 'production' ? 'production' : named === 'test' ? 'test' : 'development';
  const s = readSettings(env, overrides, nodeEnv);
  const roles = [...new Set(s.roles)];
  const config: Config = {
    env: nodeEnv,
    port: s.port,
    host: s.host,
    databaseUrl: s.databaseUrl,
    redisUrl: s.redisUrl,
    natsUrl: s.natsUrl,
    dataDir: path.resolve(s.dataDir),
    jwtSecret: s.jwtSecret,
    jwtPreviousSecret: s.jwtPreviousSecret,
    jwtTtlS: s.jwtTtlS,
    sockets: {
      ticketTtlS: s.socketTicketTtlS,
      allowedOrigins: s.socketAllowedOrigins.map(normalizeOrigin),
    },
    trustedProxies: s.trustedProxies,
    metricsToken: s.metricsToken,
    roles,
    logLevel: s.logLevel,
    instanceId: s.instanceId ?? `${roles.join('+')}-${s.port}`,
    bodyLimitBytes: s.bodyLimitBytes,
    dbPoolSize: s.dbPoolSize,
    dbTimeouts: { statementMs: statementLimit(roles, s), lockMs: s.dbLockTimeoutMs },
    namespace: s.namespace,
    fakepayWebhookSecret: s.fakepayWebhookSecret,
    reserveStrategy: s.reserveStrategy,
    orderAcceptTimeoutS: s.orderAcceptTimeoutS,
    substitutionAnswerS: s.substitutionAnswerS,
    paymentWaitMs: s.paymentWaitMs,
    paymentRetryGraceS: s.paymentRetryGraceS,
    sagaStepAttempts: s.sagaStepAttempts,
    opsRefundLimitMinor: s.opsRefundLimitMinor,
    attention: attentionSettings(s),
    opsCity: citySettings(s),
    reservationTtlS: s.reservationTtlS,
    cartHolds: s.cartHolds,
    cartHoldLimits: {
      maxUnits: s.cartHoldMaxUnits,
      maxTotal: s.cartHoldMaxTotal,
      maxAgeS: s.cartHoldMaxAgeS,
    },
    ticketEscalationS: s.ticketEscalationS,
    drivers: {
      staleS: s.driverStaleS,
      historyS: s.locationHistoryS,
      ingestMaxPending: s.ingestMaxPending,
    },
    dispatch: dispatchSettings(s),
    routing: routingSettings(s),
    webhooks: {
      maxAttempts: s.webhookMaxAttempts,
      backoffBaseMs: s.webhookBackoffMs,
      timeoutMs: s.webhookTimeoutMs,
      concurrency: WEBHOOK_CONCURRENCY,
    },
    rateLimits: {
      policy: rateLimitPolicy(s.rateLimitPolicy),
      timeoutMs: s.rateLimitTimeoutMs,
      breakAfter: s.rateLimitBreakAfter,
      halfOpenAfterMs: s.rateLimitHalfOpenMs,
    },
    retention: retentionSettings(s),
  };
  checkSharedServices(config);
  return config;
}

/**
 * A process that runs the worker role (alone or with the api, `all`) shares one pool between
 * requests and jobs, so it takes the worker's longer statement limit; a process of no role
 * (`migrate`) too.
 */
function statementLimit(roles: readonly RoleName[], s: SettingValues): number {
  const worker = roles.includes('all') || roles.includes('worker') || roles.length === 0;
  return worker ? s.dbWorkerStatementTimeoutMs : s.dbApiStatementTimeoutMs;
}

function dispatchSettings(s: SettingValues): DispatchSettings {
  return {
    strategy: s.dispatchStrategy,
    offerTtlS: s.offerTtlS,
    tickMs: s.dispatchTickMs,
    matchWindowS: s.dispatchMatchWindowS,
    replanGainS: s.dispatchReplanGainS,
    radiiM: s.dispatchRadiiM,
    offersPerRound: s.dispatchOffersPerRound,
    weights: s.dispatchWeights,
    batchMarginS: s.batchMarginS,
    geofenceM: s.geofenceM,
    pinMaxAttempts: s.pinMaxAttempts,
    pinRequiredAboveMinor: s.pinRequiredAboveMinor,
    pay: {
      currency: s.driverPayCurrency,
      baseMinor: s.driverPayBaseMinor,
      perKmMinor: s.driverPayPerKmMinor,
      waitFreeS: s.driverPayWaitFreeS,
      waitPerMinMinor: s.driverPayWaitPerMinMinor,
    },
  };
}

/** `https://App.example.com:443` and `https://app.example.com` are one origin. */
function normalizeOrigin(value: string): string {
  if (value === '*') return value;
  try {
    return new URL(value).origin;
  } catch {
    throw new ConfigError('LASTMILE_WS_ALLOWED_ORIGINS', `not an origin: "${value}"`);
  }
}

function rateLimitPolicy(value: string): RateLimitSettings['policy'] {
  return value === 'default' || value === 'off' ? value : { file: path.resolve(value) };
}

/** A process that runs only part of lastmile shares its events and its database with the others. */
function checkSharedServices({ roles, natsUrl, databaseUrl }: Config): void {
  const split = !roles.includes('all') && !(roles.includes('api') && roles.includes('worker'));
  if (split && !natsUrl) {
    throw new ConfigError(
      'NATS_URL',
      `role "${roles.join(',')}" runs part of lastmile, so its events must cross processes: set NATS_URL`,
    );
  }
  if (split && !databaseUrl) {
    throw new ConfigError(
      'DATABASE_URL',
      `role "${roles.join(',')}" shares a database with other processes: set DATABASE_URL`,
    );
  }
}
