import { setTimeout as sleep } from 'node:timers/promises';
import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { retryDelayMs } from '../retry.ts';
import { type DomainEvent, eventDomain, subjectMatches } from './event.ts';
import { ACK_WAIT_MS, type NatsStreams, natsDurableName } from './nats-streams.ts';
import type { DeadLetterSink, EventHandler, SubscribeOptions, Subscription } from './port.ts';

export type NatsLogger = {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

/** What a subscription needs from its bus; the bus owns all of it and outlives the subscription. */
export interface NatsSubscriptionDeps {
  nc: NatsConnection;
  js: JetStreamClient;
  streams: NatsStreams;
  /** First subject token, stripped from a message's subject to get the event type. */
  prefix: string;
  deadLetter: DeadLetterSink;
  logger: NatsLogger;
}

/** A consumer that ended is restarted within 1 s; the wait doubles while restarts fail, up to 30 s. */
const RESTART_BACKOFF = { initialDelayMs: 1_000, maxDelayMs: 30_000 };

/**
 * One consume() loop per domain stream, all sharing the subscription's concurrency slots.
 * Processes using the same consumer name pull from the same durable: competing consumers.
 */
export async function startNatsSubscription(
  deps: NatsSubscriptionDeps,
  consumer: string,
  patterns: readonly string[],
  handler: EventHandler,
  settings: Required<SubscribeOptions>,
): Promise<Subscription> {
  const { nc, js, streams, prefix, deadLetter, logger } = deps;
  const durable = natsDurableName(consumer);
  const slots = createSlots(settings.concurrency);
  const inFlight = new Set<Promise<void>>();
  const stop = new AbortController();
  let closing = false;
  type Reader = { domain: string; messages: ConsumerMessages | undefined; done: Promise<void> };

  async function open(domain: string): Promise<ConsumerMessages> {
    const stream = await streams.ensure(domain);
    await streams.ensureConsumer(stream, durable, domain);
    const c = await js.consumers.get(stream, durable);
    // max_messages bounds what this process holds unacknowledged beyond the handlers running.
    return c.consume({ max_messages: settings.concurrency });
  }

  async function watch(r: Reader, messages: ConsumerMessages): Promise<void> {
    for await (const s of messages.status()) {
      if (
        s.type === 'consumer_not_found' ||
        s.type === 'consumer_deleted' ||
        s.type === 'stream_not_found'
      ) {
        // consume() would keep polling a durable nobody recreates; end it so run() opens a
        // fresh one, which recreates the stream and the durable first.
        logger.warn(
          { consumer, domain: r.domain, status: s.type },
          'JetStream consumer missing; recreating',
        );
        void messages.close().catch(() => undefined);
      } else if (s.type === 'heartbeats_missed') {
        logger.warn({ consumer, domain: r.domain, count: s.count }, 'JetStream heartbeats missed');
      }
    }
  }

  async function take(r: Reader, messages: ConsumerMessages): Promise<void> {
    void watch(r, messages).catch(() => undefined);
    const it = messages[Symbol.asyncIterator]();
    try {
      // A slot first, then a message: never hold a message we cannot start on.
      while (await slots.acquire()) {
        const next = await it.next();
        if (next.done || closing) {
          slots.release();
          if (!next.done) next.value.nak();
          break;
        }
        const run = handle(next.value).finally(() => {
          inFlight.delete(run);
          slots.release();
        });
        inFlight.add(run);
      }
      // Closing: hand back what was pulled but not started, so a sibling gets it now rather
      // than after ack_wait. It was delivered, so it counts as an attempt either way.
      if (closing) for (let n = await it.next(); !n.done; n = await it.next()) n.value.nak();
    } catch (err) {
      if (!closing) logger.warn({ consumer, domain: r.domain, err }, 'JetStream consume failed');
    }
  }

  async function run(r: Reader): Promise<void> {
    for (let failures = 0; ;) {
      if (r.messages) await take(r, r.messages);
      if (closing || nc.isClosed()) return;
      // consume() rides out reconnects and missed heartbeats by itself; it ends on a terminal
      // error or when watch() saw the durable vanish. Start a fresh one rather than go deaf.
      logger.warn({ consumer, domain: r.domain }, 'JetStream consume ended; restarting');
      r.messages = undefined;
      const delay = retryDelayMs(failures + 1, RESTART_BACKOFF);
      await sleep(delay, undefined, { signal: stop.signal, ref: false }).catch(() => undefined);
      if (closing) return;
      try {
        streams.forget(r.domain);
        r.messages = await open(r.domain);
        failures = 0;
        if (closing) await r.messages.close();
      } catch (err) {
        failures += 1;
        logger.error({ consumer, domain: r.domain, err }, 'could not restart JetStream consumer');
      }
    }
  }

  async function handle(m: JsMsg): Promise<void> {
    const type = m.subject.slice(prefix.length + 1);
    // The durable sees its whole domain (see NatsStreams.ensureConsumer): pass over the types not asked for.
    if (!patterns.some((p) => subjectMatches(p, type))) return m.ack();
    let event: DomainEvent;
    try {
      event = m.json<DomainEvent>();
    } catch (err) {
      // No handler can ever accept it: dead-letter it right away with what we have.
      const id = m.headers?.get('Nats-Msg-Id') || `${m.info.stream}:${m.seq}`;
      const raw = { id, type, version: 0, occurredAt: m.time.toISOString(), payload: m.string() };
      return fail(m, raw, settings.maxAttempts, err);
    }
    const attempt = m.info.deliveryCount;
    const keepAlive = setInterval(() => m.working(), ACK_WAIT_MS / 3).unref();
    try {
      await handler(event, { attempt });
    } catch (err) {
      return fail(m, event, attempt, err);
    } finally {
      clearInterval(keepAlive);
    }
    // Confirmed ack, so close() returns only once the server knows. If the confirmation is lost
    // the event may come again; the consumer's inbox absorbs it (at least once).
    await m.ackAck().catch((err: unknown) => {
      logger.warn(
        { consumer, eventId: event.id, err },
        'ack not confirmed; event may be redelivered',
      );
    });
  }

  async function fail(m: JsMsg, event: DomainEvent, attempt: number, err: unknown): Promise<void> {
    const ctx = { consumer, eventId: event.id, type: event.type, attempt, err };
    if (attempt >= settings.maxAttempts) {
      try {
        const error = err instanceof Error ? err.message : String(err);
        await deadLetter({ consumer, event, attempts: attempt, error });
        logger.error(ctx, 'event dead-lettered');
        return m.term();
      } catch (sinkErr) {
        // Losing the event is worse than retrying it.
        logger.error({ ...ctx, sinkErr }, 'dead-letter sink failed; will redeliver');
      }
    } else {
      logger.warn(ctx, 'event handler failed; will redeliver');
    }
    m.nak(Math.max(1, settings.backoffMs(attempt)));
  }

  const domains = [...new Set(patterns.map(eventDomain))];
  const readers: Reader[] = domains.map((domain) => ({
    domain,
    messages: undefined,
    done: Promise.resolve(),
  }));
  try {
    // Opened before subscribe() returns: an event published after it is the durable's to keep.
    for (const r of readers) r.messages = await open(r.domain);
  } catch (err) {
    await Promise.allSettled(readers.map((r) => r.messages?.close()));
    throw err;
  }
  for (const r of readers) r.done = run(r);

  let closed: Promise<void> | undefined;
  return {
    close() {
      closed ??= (async () => {
        closing = true;
        stop.abort();
        slots.close();
        for (const r of readers) void r.messages?.close().catch(() => undefined);
        await Promise.allSettled(readers.map((r) => r.done));
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      })();
      return closed;
    },
  };
}

/** Counting semaphore whose waiters get `false` once it is closed. */
function createSlots(n: number) {
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
