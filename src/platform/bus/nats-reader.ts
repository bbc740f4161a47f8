import { setTimeout as sleep } from 'node:timers/promises';
import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { retryDelayMs } from '../retry.ts';
import type { NatsLogger } from './nats-handle.ts';
import type { NatsStreams } from './nats-streams.ts';

/** A consumer that ended is restarted within 1 s; the wait doubles while restarts fail, up to 30 s. */
const RESTART_BACKOFF = { initialDelayMs: 1_000, maxDelayMs: 30_000 };

/** What the readers of one subscription share: its durable, its slots and its closing state. */
export interface Reading {
  nc: NatsConnection;
  js: JetStreamClient;
  streams: NatsStreams;
  logger: NatsLogger;
  consumer: string;
  durable: string;
  concurrency: number;
  slots: Slots;
  inFlight: Set<Promise<void>>;
  /** Aborted when the subscription closes (cuts a restart wait short). */
  stop: AbortSignal;
  closing(): boolean;
  handle(m: JsMsg): Promise<void>;
}

/** One domain stream's consume() loop. */
export interface Reader {
  domain: string;
  messages: ConsumerMessages | undefined;
  done: Promise<void>;
}

/** The durable on the domain's stream (both created if missing) and a consume() over it. */
export async function openReader(s: Reading, domain: string): Promise<ConsumerMessages> {
  const stream = await s.streams.ensure(domain);
  await s.streams.ensureConsumer(stream, s.durable, domain);
  const c = await s.js.consumers.get(stream, s.durable);
  // max_messages bounds what this process holds unacknowledged beyond the handlers running.
  return c.consume({ max_messages: s.concurrency });
}

/** Takes messages until the subscription closes, restarting consume() whenever it ends. */
export async function runReader(s: Reading, r: Reader): Promise<void> {
  for (let failures = 0; ;) {
    if (r.messages) await take(s, r, r.messages);
    if (s.closing() || s.nc.isClosed()) return;
    // consume() rides out reconnects and missed heartbeats by itself; it ends on a terminal
    // error or when watch() saw the durable vanish. Start a fresh one rather than go deaf.
    s.logger.warn(
      { consumer: s.consumer, domain: r.domain },
      'JetStream consume ended; restarting',
    );
    r.messages = undefined;
    const delay = retryDelayMs(failures + 1, RESTART_BACKOFF);
    await sleep(delay, undefined, { signal: s.stop, ref: false }).catch(() => undefined);
    if (s.closing()) return;
    try {
      s.streams.forget(r.domain);
      r.messages = await openReader(s, r.domain);
      failures = 0;
      if (s.closing()) await r.messages.close();
    } catch (err) {
      failures += 1;
      s.logger.error(
        { consumer: s.consumer, domain: r.domain, err },
        'could not restart JetStream consumer',
      );
    }
  }
}

async function watch(s: Reading, r: Reader, messages: ConsumerMessages): Promise<void> {
  for await (const st of messages.status()) {
    if (
      st.type === 'consumer_not_found' ||
      st.type === 'consumer_deleted' ||
      st.type === 'stream_not_found'
    ) {
      // consume() would keep polling a durable nobody recreates; end it so runReader() opens a
      // fresh one, which recreates the stream and the durable first.
      s.logger.warn(
        { consumer: s.consumer, domain: r.domain, status: st.type },
        'JetStream consumer missing; recreating',
      );
      void messages.close().catch(() => undefined);
    } else if (st.type === 'heartbeats_missed') {
      s.logger.warn(
        { consumer: s.consumer, domain: r.domain, count: st.count },
        'JetStream heartbeats missed',
      );
    }
  }
}

async function take(s: Reading, r: Reader, messages: ConsumerMessages): Promise<void> {
  void watch(s, r, messages).catch(() => undefined);
  const it = messages[Symbol.asyncIterator]();
  try {
    // A slot first, then a message: never hold a message we cannot start on.
    while (await s.slots.acquire()) {
      const next = await it.next();
      if (next.done || s.closing()) {
        s.slots.release();
        if (!next.done) next.value.nak();
        break;
      }
      const run = s.handle(next.value).finally(() => {
        s.inFlight.delete(run);
        s.slots.release();
      });
      s.inFlight.add(run);
    }
    // Closing: hand back what was pulled but not started, so a sibling gets it now rather
    // than after ack_wait. It was delivered, so it counts as an attempt either way.
    if (s.closing()) for (let n = await it.next(); !n.done; n = await it.next()) n.value.nak();
  } catch (err) {
    if (!s.closing())
      s.logger.warn({ consumer: s.consumer, domain: r.domain, err }, 'JetStream consume failed');
  }
}

export type Slots = ReturnType<typeof createSlots>;

/** Counting semaphore whose waiters get `false` once it is closed. */
export function createSlots(n: number) {
  let free = n;
  let closed = false;
  const waiters: ((ok: boolean) => void)[] = [];
  return {
    acquire: (): Promise<boolean> => {
      if (closed) return Promise.resolve(false);
      if (free === 0) return new Promise((resolve) => waiters.push(resolve));
      free -= 1;
      return Promise.resolve(true);
    },
    release: (): void => {
      const w = waiters.shift();
      if (w) w(true);
      else free += 1;
    },
    close: (): void => {
      closed = true;
      for (const w of waiters.splice(0)) w(false);
    },
  };
}
