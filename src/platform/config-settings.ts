import { type Static, type TObject, Type } from '@sinclair/typebox';
import {
  list,
  onOff,
  oneOf,
  optionalSecret,
  optionalText,
  secret,
  type Setting,
  text,
  url,
  whole,
} from './config-schema.ts';
import { ATTENTION_SETTINGS } from './config-settings-attention.ts';
import { CITY_SETTINGS } from './config-settings-city.ts';
import { CART_HOLD_SETTINGS } from './config-settings-holds.ts';
import { DELIVERY_SETTINGS } from './config-settings-delivery.ts';
import { DISPATCH_SETTINGS } from './config-settings-dispatch.ts';
import { DRIVER_PAY_SETTINGS } from './config-settings-pay.ts';
import { EDGE_SETTINGS } from './config-settings-edge.ts';
import { RETENTION_SETTINGS } from './config-settings-retention.ts';
import { ROUTING_SETTINGS } from './config-settings-routing.ts';

export const ROLE_NAMES = ['all', 'api', 'worker'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
const RESERVE_STRATEGIES = ['coalesced', 'conditional', 'locking'] as const;
export type ReserveStrategy = (typeof RESERVE_STRATEGIES)[number];

// The development defaults are public (they are in this file): anyone could sign with them.
const DEV_JWT_SECRET = 'lastmile-development-secret-change-me-0123456789';
const DEV_FAKEPAY_SECRET = 'fakepay-development-webhook-secret-change-me-0123';
const DAY_S = 86_400;
const MIB = 1_048_576;

/**
 * Every setting, written once: a TypeBox schema per setting that holds its environment variable,
 * type, bounds, default and documentation. `loadConfig` reads and validates the environment with
 * these schemas, and README's configuration table is generated from them (`npm run docs:config`),
 * in this order.
 */
export const SETTINGS = {
  databaseUrl: url({
    env: 'DATABASE_URL',
    description: 'Postgres connection URL; unset starts embedded Postgres in LASTMILE_DATA_DIR/pg',
    protocols: ['postgres:', 'postgresql:'],
    shownDefault: '(embedded)',
  }),
  redisUrl: url({
    env: 'REDIS_URL',
    description: 'Redis URL for geo index, counters and caches; unset uses in-process adapters',
    protocols: ['redis:', 'rediss:'],
    shownDefault: '(in-process)',
  }),
  natsUrl: url({
    env: 'NATS_URL',
    description: 'NATS URL (JetStream) for events between processes; unset uses the in-process bus',
    protocols: ['nats:', 'tls:'],
    shownDefault: '(in-process)',
  }),
  port: whole({
    env: 'PORT',
    flag: '--port',
    description: 'HTTP port of the api role',
    default: 3000,
    minimum: 0,
    maximum: 65535,
  }),
  host: text({ env: 'HOST', description: 'HTTP bind address', default: '127.0.0.1' }),
  dataDir: text({
    env: 'LASTMILE_DATA_DIR',
    description: 'Where embedded Postgres keeps its data',
    default: './.lastmile',
  }),
  jwtSecret: secret(
    'JWT_SECRET',
    'HMAC secret for access tokens, at least 32 characters (required in production)',
    DEV_JWT_SECRET,
  ),
  jwtPreviousSecret: optionalSecret(
    'JWT_PREVIOUS_SECRET',
    'The JWT secret before the last rotation: tokens it signed are still accepted until they expire, none is signed with it (see Rotating the JWT secret)',
    DEV_JWT_SECRET,
  ),
  jwtTtlS: whole({
    env: 'JWT_TTL_S',
    description:
      'Access token lifetime in seconds; a token that lives longer (or has no expiry) is refused',
    default: 3600,
    minimum: 60,
    maximum: 30 * DAY_S,
  }),
  socketTicketTtlS: whole({
    env: 'LASTMILE_WS_TICKET_TTL_S',
    description: 'Seconds a WebSocket ticket (`POST /v1/realtime/tickets`, single use) stays valid',
    default: 30,
    minimum: 5,
    maximum: 600,
  }),
  socketAllowedOrigins: list(
    Type.String({
      pattern: '^(\\*|https?://[^/?#\\s]+)$',
      hint: 'expected * or an origin such as https://app.example.com',
    }),
    {
      env: 'LASTMILE_WS_ALLOWED_ORIGINS',
      description:
        "Comma-separated browser origins allowed to open WebSockets besides the API's own (`*`: any); a client that sends no Origin is always allowed",
      default: [],
      shownDefault: '(same origin)',
    },
  ),
  roles: list(oneOf(ROLE_NAMES), {
    env: 'LASTMILE_ROLES',
    flag: '--role',
    description: 'Comma-separated roles: all, api, worker',
    default: ['all'],
  }),
  logLevel: oneOf(LOG_LEVELS, {
    env: 'LOG_LEVEL',
    description: 'pino log level (`silent` under NODE_ENV=test)',
    default: 'info',
    defaultIn: { test: 'silent' },
  }),
  instanceId: optionalText({
    env: 'LASTMILE_INSTANCE_ID',
    description: 'Stable process id for workflow recovery after a crash',
    shownDefault: '<role>-<port>',
  }),
  bodyLimitBytes: whole({
    env: 'LASTMILE_BODY_LIMIT',
    description: 'Largest accepted request body in bytes',
    default: MIB,
    minimum: 1024,
    maximum: 64 * MIB,
  }),
  dbPoolSize: whole({
    env: 'LASTMILE_DB_POOL',
    description: 'Postgres connections per process',
    default: 10,
    minimum: 2,
    maximum: 200,
  }),
  dbApiStatementTimeoutMs: whole({
    env: 'LASTMILE_DB_API_STATEMENT_TIMEOUT_MS',
    description:
      'Longest a statement may take in an api-only process (the request path; migrations and seeding are exempt)',
    default: 5_000,
    minimum: 100,
    maximum: 3_600_000,
  }),
  dbWorkerStatementTimeoutMs: whole({
    env: 'LASTMILE_DB_WORKER_STATEMENT_TIMEOUT_MS',
    description:
      'Longest a statement may take in a process that runs the worker role (jobs, relay, pruning; `all` too)',
    default: 60_000,
    minimum: 100,
    maximum: 3_600_000,
  }),
  dbLockTimeoutMs: whole({
    env: 'LASTMILE_DB_LOCK_TIMEOUT_MS',
    description: 'Longest a statement may wait for a row or table lock',
    default: 10_000,
    minimum: 100,
    maximum: 600_000,
  }),
  namespace: text({
    env: 'LASTMILE_NAMESPACE',
    description: 'Prefix of NATS subjects/streams and Redis keys',
    default: 'lastmile',
    pattern: '^[a-z][a-z0-9_]{0,39}$',
    hint: 'use lowercase letters, digits and _ (max 40)',
  }),
  reserveStrategy: oneOf(RESERVE_STRATEGIES, {
    env: 'LASTMILE_RESERVE_STRATEGY',
    description:
      'coalesced (conditional UPDATEs grouped per commit), conditional (one per commit) or locking (SELECT … FOR UPDATE, the baseline)',
    default: 'coalesced',
  }),
  reservationTtlS: whole({
    env: 'LASTMILE_RESERVATION_TTL_S',
    description: 'Seconds a stock reservation or cart hold lasts before it expires',
    default: 600,
    minimum: 5,
    maximum: DAY_S,
  }),
  cartHolds: onOff({
    env: 'LASTMILE_CART_HOLDS',
    description: 'Hold stock when items are added to a cart (1/0)',
    default: false,
  }),
  ...CART_HOLD_SETTINGS,
  orderAcceptTimeoutS: whole({
    env: 'LASTMILE_ACCEPT_TIMEOUT_S',
    description:
      'Seconds a store has to accept a paid order before it is canceled and the payment voided',
    default: 300,
    minimum: 5,
    maximum: DAY_S,
  }),
  substitutionAnswerS: whole({
    env: 'LASTMILE_SUBSTITUTION_ANSWER_S',
    description:
      "Seconds a customer has to answer a store's substitute proposal; unanswered, it counts as declined and its stock goes back",
    default: 300,
    minimum: 5,
    maximum: DAY_S,
  }),
  paymentWaitMs: whole({
    env: 'LASTMILE_PAYMENT_WAIT_MS',
    description:
      'Milliseconds checkout and a payment retry wait for the provider; later they answer 202 and the payment goes on',
    default: 2000,
    minimum: 1,
    maximum: 60_000,
  }),
  paymentRetryGraceS: whole({
    env: 'LASTMILE_PAYMENT_RETRY_GRACE_S',
    description:
      'Seconds a declined order keeps its stock for a retry with another card before it fails',
    default: 300,
    minimum: 1,
    maximum: DAY_S,
  }),
  sagaStepAttempts: whole({
    env: 'LASTMILE_SAGA_STEP_ATTEMPTS',
    description:
      'Tries of an order saga step (1 s apart, then twice as long each time) before its workflow fails and is listed as stuck; money movements try for longer',
    default: 8,
    minimum: 1,
    maximum: 20,
  }),
  opsRefundLimitMinor: whole({
    env: 'LASTMILE_OPS_REFUND_LIMIT_MINOR',
    description:
      'Largest refund an ops agent may make (minor units of the order currency); above it only an ops admin (403 OPS_ADMIN_REQUIRED)',
    default: 5000,
    minimum: 0,
    maximum: 100_000_000,
  }),
  fakepayWebhookSecret: secret(
    'LASTMILE_FAKEPAY_WEBHOOK_SECRET',
    "HMAC secret of the fake payment provider's webhooks, at least 32 characters (required in production)",
    DEV_FAKEPAY_SECRET,
  ),
  ticketEscalationS: whole({
    env: 'LASTMILE_TICKET_ESCALATION_S',
    description: 'Seconds before an unanswered support ticket escalates to ops',
    default: 900,
    minimum: 1,
    maximum: 7 * DAY_S,
  }),
  driverStaleS: whole({
    env: 'LASTMILE_DRIVER_STALE_S',
    description: 'A driver silent for longer is not offered jobs',
    default: 60,
    minimum: 5,
    maximum: 3600,
  }),
  locationHistoryS: whole({
    env: 'LASTMILE_LOCATION_HISTORY_S',
    description:
      'Seconds between two stored history points per driver (every point moves the live index)',
    default: 30,
    minimum: 0,
    maximum: 3600,
  }),
  ingestMaxPending: whole({
    env: 'LASTMILE_INGEST_MAX_PENDING',
    description: 'Location points waiting for the geo index or database before ingest answers 503',
    default: 20_000,
    minimum: 100,
    maximum: 10_000_000,
  }),
  ...DISPATCH_SETTINGS,
  ...ROUTING_SETTINGS,
  ...DELIVERY_SETTINGS,
  ...ATTENTION_SETTINGS,
  ...CITY_SETTINGS,
  ...DRIVER_PAY_SETTINGS,
  ...EDGE_SETTINGS,
  ...RETENTION_SETTINGS,
} satisfies Record<string, Setting>;

export type SettingKey = keyof typeof SETTINGS;
/** The settings as read: optional ones may be undefined. */
export type SettingValues = Static<TObject<typeof SETTINGS>>;
