import { sql } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Db } from '../db/pool.ts';
import { retryDelayMs } from '../retry.ts';
import { OUTBOX_CHANNEL, pruneOutbox, relayOutboxBatch } from './outbox.ts';

const RELAY_BATCH = 200;
import type { EventBus } from './port.ts';

export interface OutboxRelay {
  /** Resolves once the outbox is empty (tests and shutdown use it). */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Moves committed outbox rows to the bus. Woken by NOTIFY on commit and by a poll as a fallback
 * (a missed notification, a restarted listener); backs off while the bus is down, so events pile
 * up safely in Postgres and leave in order of id once it returns.
 */
export function startOutboxRelay(opts: {
  db: Db;
  pool: pg.Pool;
  bus: EventBus;
  logger: Logger;
  pollMs?: number;
  /** How long a wake-up waits for more commits before it reads the outbox (see below). */
  gatherMs?: number;
  onPublished?: (count: number) => void;
}): OutboxRelay {
  const { db, pool, bus, logger } = opts;
  const pollMs = opts.pollMs ?? 500;
  // Every commit that writes an event notifies. Reading the outbox at once for each would cost a
  // transaction of three statements per handful of events under load; waiting a few milliseconds
  // lets one read take everything committed meanwhile, for that much more latency per event.
  const gatherMs = opts.gatherMs ?? 10;
  let gathering: NodeJS.Timeout | null = null;
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let failures = 0;
  let timer: NodeJS.Timeout | null = null;
  let listener: pg.PoolClient | null = null;
  let lastPrune = 0;

  const schedule = (ms: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(kick, ms);
  };

  async function loop(): Promise<void> {
    again = false;
    try {
      let n: number;
      do {
        n = await relayOutboxBatch(db, bus, RELAY_BATCH);
        if (n > 0) opts.onPublished?.(n);
        // A short batch took all there was; what commits later notifies again.
      } while (n === RELAY_BATCH && !stopped);
      failures = 0;
      if (Date.now() - lastPrune > 3_600_000) {
        lastPrune = Date.now();
        await pruneOutbox(db);
      }
    } catch (err) {
      failures++;
      logger.warn({ err, failures }, 'outbox relay could not publish; retrying with backoff');
      schedule(retryDelayMs(failures, { initialDelayMs: 200, maxDelayMs: 10_000 }));
      return;
    }
    // Woken while it ran: read again shortly, for what committed since.
    if (again) soon();
    schedule(pollMs);
  }

  /** A commit notified: read the outbox after `gatherMs`, with whatever else commits meanwhile. */
  function soon(): void {
    if (stopped || gathering) return;
    gathering = setTimeout(() => {
      gathering = null;
      kick();
    }, gatherMs);
  }

  function kick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = loop().finally(() => {
      running = null;
    });
  }

  async function listen(): Promise<void> {
    try {
      const client = await pool.connect();
      if (stopped) {
        client.release();
        return;
      }
      listener = client;
      client.on('notification', () => soon());
      client.on('error', () => {
        // The connection died (database restart): drop it and listen again; the poll covers the gap.
        // After stop() the client is back in the pool and no longer ours to release.
        if (listener !== client) return;
        listener = null;
        client.release(true);
        if (!stopped) setTimeout(() => void listen(), 1000).unref();
      });
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (err) {
      logger.warn({ err }, 'outbox relay could not LISTEN; polling only until it can');
      if (!stopped) setTimeout(() => void listen(), 2000).unref();
    }
  }

  void listen();
  kick();

  return {
    async drain() {
      for (;;) {
        if (running) await running;
        const left = await db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('published_at', 'is', null)
          .executeTakeFirstOrThrow();
        if (Number(left.n) === 0) return;
        kick();
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (gathering) clearTimeout(gathering);
      if (running) await running;
      if (listener) {
        const l = listener;
        listener = null;
        l.removeAllListeners('notification');
        await l.query(`UNLISTEN ${OUTBOX_CHANNEL}`).catch(() => {});
        l.release();
      }
    },
  };
}

/**
 * The in-process bus forgets what it held when the process dies, so in single-process mode the
 * events published shortly before a crash are handed out again at start. Consumers are idempotent
 * (inbox, workflow ids), so a second delivery of an event already handled changes nothing.
 */
export async function reopenRecentOutbox(db: Db, minutes = 10): Promise<number> {
  const res = await sql`UPDATE outbox SET published_at = NULL
    WHERE published_at > now() - make_interval(mins => ${minutes})`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}
