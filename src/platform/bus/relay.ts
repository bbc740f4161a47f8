import type pg from 'pg';
import type { Logger } from 'pino';
import type { Db } from '../db/pool.ts';
import type { Stoppable } from '../module.ts';
import { runPeriodically } from '../periodic.ts';
import { retryDelayMs } from '../retry.ts';
import { relayOutboxBatch } from './outbox.ts';
import { listenForOutbox, unlistenForOutbox } from './outbox.repository.ts';
import type { EventBus } from './port.ts';

const RELAY_BATCH = 200;
/** While the bus is down, reads are retried from 200 ms, doubling up to 10 s. */
const RELAY_BACKOFF = { initialDelayMs: 200, maxDelayMs: 10_000 };

export type OutboxRelay = Stoppable;

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
  const { db, bus } = opts;
  let stopping = false;

  async function relayAll(): Promise<void> {
    let n: number;
    do {
      n = await relayOutboxBatch(db, bus, RELAY_BATCH);
      if (n > 0) opts.onPublished?.(n);
      // A short batch took all there was; what commits later notifies again.
    } while (n === RELAY_BATCH && !stopping);
  }

  const loop = runPeriodically('outbox relay', opts.pollMs ?? 500, relayAll, opts.logger, {
    // Every commit that writes an event notifies. Reading the outbox at once for each would cost
    // a transaction of three statements per handful of events under load; waiting a few
    // milliseconds lets one read take everything committed meanwhile, for that much more latency.
    gatherMs: opts.gatherMs ?? 10,
    retryDelayMs: (failures) => retryDelayMs(failures, RELAY_BACKOFF),
  });
  const listener = listenForCommits(opts.pool, opts.logger, () => loop.wake());
  loop.wake();

  return {
    async stop() {
      stopping = true;
      await loop.stop();
      await listener.stop();
    },
  };
}

/**
 * Calls `onCommit` for every NOTIFY on the outbox channel, on a connection of its own. A dropped
 * connection (database restart) is replaced after a second; the relay's poll covers the gap.
 */
function listenForCommits(pool: pg.Pool, logger: Logger, onCommit: () => void): Stoppable {
  let stopped = false;
  let listener: pg.PoolClient | null = null;

  async function listen(): Promise<void> {
    try {
      const client = await pool.connect();
      if (stopped) {
        client.release();
        return;
      }
      listener = client;
      client.on('notification', onCommit);
      client.on('error', () => {
        // After stop() the client is back in the pool and no longer ours to release.
        if (listener !== client) return;
        listener = null;
        client.release(true);
        if (!stopped) setTimeout(() => void listen(), 1000).unref();
      });
      await listenForOutbox(client);
    } catch (err) {
      logger.warn({ err }, 'outbox relay could not LISTEN; polling only until it can');
      if (!stopped) setTimeout(() => void listen(), 2000).unref();
    }
  }

  void listen();
  return {
    async stop() {
      stopped = true;
      if (!listener) return;
      const l = listener;
      listener = null;
      l.removeAllListeners('notification');
      await unlistenForOutbox(l).catch(() => {});
      l.release();
    },
  };
}
