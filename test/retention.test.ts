import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, firstKeptDay } from '../src/modules/drivers/location-days.ts';
import { createLocationHistory } from '../src/modules/drivers/location-history.ts';
import { locationPartitionsRepository } from '../src/modules/drivers/location-partitions.repository.ts';
import {
  maintainLocationPartitions,
  PARTITION_DAYS_AHEAD,
} from '../src/modules/drivers/location-retention.ts';
import { trackingMessagesPrune } from '../src/modules/tracking/tracking-retention.ts';
import { webhookDeliveriesPrune } from '../src/modules/webhooks/webhooks-retention.ts';
import { platformPruneJobs } from '../src/platform/boot/retention.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createDatabase, type Database, type Db } from '../src/platform/db/pool.ts';
import { HOUR_MS, pruneAll } from '../src/platform/db/prune.ts';
import { createLogger } from '../src/platform/observability/logger.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';

/**
 * A month of evenings compressed: each simulated day writes an evening hour of driver locations
 * and of every other growing table's rows (their timestamps set to that evening), then the
 * worker's jobs run with the clock at the end of that hour, as the platform schedules them. After
 * every day each table holds nothing past its retention and everything within it.
 */
const R = loadConfig({ NODE_ENV: 'test' }).retention;
const FIRST_EVENING = Date.UTC(2032, 9, 1, 18);
const DAYS = R.webhookDays + 5;
const MIN = 60_000;
const DRIVERS = 3;
/** Small batches, so every prune takes several statements. */
const BATCH = 16;

let tdb: TestDatabase;
let database: Database;
let db: Db;
let now = FIRST_EVENING;
const clock = { now: () => now };

beforeAll(async () => {
  tdb = await createTestDatabase();
  database = createDatabase(tdb.url, { poolSize: 4 });
  db = database.db;
});
afterAll(async () => {
  await database?.close();
  await tdb?.drop();
});

const ts = (ms: number) => new Date(ms).toISOString();
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** What the evening wrote, by table and kind of row: the instants retention is judged by. */
const written = new Map<string, number[]>();
const record = (what: string, instants: number[]) =>
  written.set(what, [...(written.get(what) ?? []), ...instants]);
const countWritten = (what: string, keep: (t: number) => boolean) =>
  (written.get(what) ?? []).filter(keep).length;

async function count(query: ReturnType<typeof sql<{ n: number }>>): Promise<number> {
  return (await query.execute(db)).rows[0]?.n ?? -1;
}

let subscriptionId = '';

/** One evening's rows of the tables pruned by deleting, timestamps set directly. */
async function writeEvening(e: number): Promise<void> {
  const minutes = (n: number, from = e) => range(n).map((i) => from + i * MIN);
  const at = (mins: ReturnType<typeof sql>) =>
    sql`${ts(e)}::timestamptz + make_interval(mins => ${mins})`;
  await sql`INSERT INTO inbox (consumer, event_id, processed_at)
    SELECT 'evening', gen_random_uuid(), ${at(sql`i`)} FROM generate_series(0, 29) i`.execute(db);
  record('inbox', minutes(30));
  await sql`INSERT INTO outbox (id, type, payload, occurred_at, published_at)
    SELECT gen_random_uuid(), 'orders.created', '{}', ${ts(e)}, CASE WHEN i < 30 THEN ${at(sql`i`)} END
    FROM generate_series(0, 31) i`.execute(db);
  record('outbox published', minutes(30));
  record('outbox unpublished', [e, e]);
  // Three orders whose tracking ended at e+50 min and one still in flight, four messages each.
  for (const active of [false, false, false, true]) {
    const order = uuidv7();
    await sql`INSERT INTO tracking_orders (order_id, store_id, customer_id, status, order_status,
        store_lat, store_lng, dropoff_lat, dropoff_lng, default_prep_s, seq, active, updated_at)
      VALUES (${order}, gen_random_uuid(), gen_random_uuid(), ${active ? 'preparing' : 'delivered'},
        ${active ? 'preparing' : 'delivered'}, 52.5, 13.4, 52.51, 13.41, 600, 4, ${active},
        ${ts(e + 50 * MIN)})`.execute(db);
    await sql`INSERT INTO tracking_messages (order_id, seq, kind, payload, at)
      SELECT ${order}, i, 'status', '{}', ${at(sql`10 * i`)} FROM generate_series(1, 4) i`.execute(
      db,
    );
    record(
      active ? 'tracking active' : 'tracking ended',
      [1, 2, 3, 4].map(() => e + 50 * MIN),
    );
  }
  await sql`INSERT INTO webhook_deliveries (id, subscription_id, event_id, event_type, body, status,
      next_attempt_at, created_at)
    SELECT gen_random_uuid(), ${subscriptionId}, gen_random_uuid(), 'orders.created', '{}',
      (ARRAY['delivered', 'dead', 'pending'])[1 + i % 3], ${ts(e)}, ${at(sql`i`)}
    FROM generate_series(0, 17) i`.execute(db);
  record(
    'webhooks settled',
    minutes(18).filter((_, i) => i % 3 !== 2),
  );
  record(
    'webhooks pending',
    minutes(18).filter((_, i) => i % 3 === 2),
  );
  await sql`INSERT INTO idempotency_keys (scope, key, method, path, request_hash, state,
      locked_until, created_at, expires_at)
    SELECT 'customer:1', gen_random_uuid()::text, 'POST', '/v1/orders', 'h', 'done', ${ts(e)},
      ${ts(e)}, ${ts(e + 24 * HOUR_MS)} FROM generate_series(1, 20)`.execute(db);
  record(
    'idempotency keys',
    range(20).map(() => e + 24 * HOUR_MS),
  );
  await sql`INSERT INTO socket_tickets (hash, principal_kind, principal_id, role, expires_at)
    SELECT gen_random_uuid()::text, 'user', 'u', 'customer', ${ts(e + 30_000)}
    FROM generate_series(1, 20)`.execute(db);
  record(
    'socket tickets',
    range(20).map(() => e + 30_000),
  );
  await sql`INSERT INTO dead_letters (consumer, event_id, event, attempts, error, replayed_at)
    SELECT 'evening', gen_random_uuid(), '{}', 5, 'boom', CASE WHEN i < 6 THEN ${at(sql`i`)} END
    FROM generate_series(0, 6) i`.execute(db);
  record('dead letters replayed', minutes(6));
  record('dead letters waiting', [e]);
}

/** The evening hour of driver locations: a point per driver every 30 s, through the writer. */
async function driveEvening(e: number, history: ReturnType<typeof createLocationHistory>) {
  for (let d = 0; d < DRIVERS; d++) {
    const driverId = `00000000-0000-7000-8000-00000000000${d}`;
    const points = range(120).map((i) => ({ driverId, at: e + i * 30_000, lat: 52.5, lng: 13.4 }));
    history.add(points);
    record(
      'locations',
      points.map((p) => p.at),
    );
  }
  await history.flush();
}

/** What the worker's schedules run at `at`: the partitions, then each table's prune. */
async function runJobs(at: number): Promise<void> {
  await maintainLocationPartitions(db, at, { retentionDays: R.locationDays });
  const jobs = [
    // The durable workflows' prune has its own test (it needs the engine running).
    ...platformPruneJobs(db, R, { workflows: false }),
    trackingMessagesPrune(db, R.trackingDays),
    webhookDeliveriesPrune(db, R.webhookDays),
  ];
  for (const job of jobs) await pruneAll(job, new Date(at), { batchRows: BATCH });
}

/** Each table: rows past retention that are left (must be 0), rows kept and rows written since. */
async function tableStates(at: number) {
  const cut = (ms: number) => ts(at - ms);
  const within = (ms: number) => (t: number) => t >= at - ms;
  const all = () => true;
  const firstDay = firstKeptDay(at, R.locationDays);
  const inbox = R.inboxDays * DAY_MS;
  const outbox = R.outboxHours * HOUR_MS;
  const tracking = R.trackingDays * DAY_MS;
  const webhooks = R.webhookDays * DAY_MS;
  const dead = R.deadLetterDays * DAY_MS;
  const q = (where: ReturnType<typeof sql>, table: string) =>
    count(sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE ${where}`);
  const ended = sql`order_id IN (SELECT order_id FROM tracking_orders WHERE NOT active)`;
  return {
    locations: {
      left: await q(sql`recorded_at < ${ts(firstDay)}`, 'driver_locations'),
      kept: await q(sql`true`, 'driver_locations'),
      want: countWritten('locations', (t) => t >= firstDay),
    },
    inbox: {
      left: await q(sql`processed_at < ${cut(inbox)}`, 'inbox'),
      kept: await q(sql`true`, 'inbox'),
      want: countWritten('inbox', within(inbox)),
    },
    outbox: {
      left: await q(sql`published_at < ${cut(outbox)}`, 'outbox'),
      kept: await q(sql`true`, 'outbox'),
      want:
        countWritten('outbox published', within(outbox)) + countWritten('outbox unpublished', all),
    },
    tracking: {
      left: await q(
        sql`${ended} AND order_id IN (SELECT order_id FROM tracking_orders
          WHERE updated_at < ${cut(tracking)})`,
        'tracking_messages',
      ),
      kept: await q(sql`true`, 'tracking_messages'),
      want: countWritten('tracking ended', within(tracking)) + countWritten('tracking active', all),
    },
    webhooks: {
      left: await q(
        sql`status <> 'pending' AND created_at < ${cut(webhooks)}`,
        'webhook_deliveries',
      ),
      kept: await q(sql`true`, 'webhook_deliveries'),
      want:
        countWritten('webhooks settled', within(webhooks)) + countWritten('webhooks pending', all),
    },
    idempotency: {
      left: await q(sql`expires_at < ${ts(at)}`, 'idempotency_keys'),
      kept: await q(sql`true`, 'idempotency_keys'),
      want: countWritten('idempotency keys', (t) => t >= at),
    },
    tickets: {
      left: await q(sql`expires_at < ${ts(at)}`, 'socket_tickets'),
      kept: await q(sql`true`, 'socket_tickets'),
      want: countWritten('socket tickets', (t) => t >= at),
    },
    deadLetters: {
      left: await q(sql`replayed_at < ${cut(dead)}`, 'dead_letters'),
      kept: await q(sql`true`, 'dead_letters'),
      want:
        countWritten('dead letters replayed', within(dead)) +
        countWritten('dead letters waiting', all),
    },
  };
}

describe('data retention over a compressed month of evenings', () => {
  it('keeps every table within its retention, day after day', async () => {
    subscriptionId = uuidv7();
    await sql`INSERT INTO webhook_subscriptions (id, partner_name, url, secret, events, created_by)
      VALUES (${subscriptionId}, 'partner', 'https://partner.example/hook', 's',
        ARRAY['orders.*'], gen_random_uuid())`.execute(db);
    const history = createLocationHistory(db, createLogger('silent'), {
      clock,
      retentionDays: R.locationDays,
    });
    try {
      for (const day of range(DAYS)) {
        const evening = FIRST_EVENING + day * DAY_MS;
        now = evening;
        await driveEvening(evening, history);
        await writeEvening(evening);
        now = evening + HOUR_MS;
        await runJobs(now);
        const states = await tableStates(now);
        for (const [table, s] of Object.entries(states)) {
          expect({ table, left: s.left, kept: s.kept }).toEqual({ table, left: 0, kept: s.want });
        }
        // Locations go by whole days: at most a day beyond the retention, and only whole days.
        const parts = await locationPartitionsRepository(db).list();
        expect(parts.every((p) => p.attached && p.day >= firstKeptDay(now, R.locationDays))).toBe(
          true,
        );
        expect(parts.length).toBeLessThanOrEqual(R.locationDays + 1 + PARTITION_DAYS_AHEAD);
      }
    } finally {
      await history.stop();
    }
    // The month's end: each table holds at most its retention's worth of evenings.
    const end = await tableStates(now);
    expect(end.locations.kept).toBe((R.locationDays + 1) * DRIVERS * 120);
    expect(end.inbox.kept).toBe(R.inboxDays * 30);
    expect(end.webhooks.kept).toBe(R.webhookDays * 12 + DAYS * 6);
  });
});
