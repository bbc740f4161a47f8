import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerMessages,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JsMsg,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { connect, type NatsConnection, NoRespondersError, nanos } from '@nats-io/transport-node';
import { type DomainEvent, eventDomain, subjectMatches } from './event.ts';
import { assertEventType, assertPattern } from './memory-bus.ts';
import { type DeadLetterSink, defaultBackoffMs, type EventBus, type EventHandler, type Subscription } from './port.ts';

type Logger = { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };

export interface NatsBusOptions {
  url: string;
  /** First subject token and stream-name prefix, so several installs can share one NATS. */
  prefix?: string;
  deadLetter: DeadLetterSink;
  logger?: Logger;
  /** JetStream dedupe window for `Nats-Msg-Id` (= event id). Default 2 min. */
  duplicateWindowMs?: number;
  /** Safety cap on how long an unconsumed event is kept. Default 7 days. */
  maxAgeMs?: number;
}

/** The port plus the raw connection, for health details and tests that force a reconnect. */
export type NatsBus = EventBus & { readonly connection: NatsConnection };

/**
 * Redelivery deadline for a message a process took but never answered (crash, partition).
 * Handlers that run longer keep their message with `working()` every third of it.
 */
const ACK_WAIT_MS = 30_000;
const RESTART_DELAY_MS = 1_000;
const PING_TIMEOUT_MS = 2_000;
const DRAIN_TIMEOUT_MS = 5_000;

export function natsStreamName(prefix: string, domain: string): string {
  return `${prefix}_${domain}`.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** Durable names may not hold `.`, `*`, `>`, spaces or slashes; a hash keeps distinct names distinct. */
export function natsDurableName(consumer: string): string {
  const clean = consumer.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  if (clean === consumer) return clean;
  return `${clean}_${createHash('sha256').update(consumer).digest('hex').slice(0, 10)}`;
}

/**
 * NATS JetStream adapter. One stream per event domain (`<prefix>.<domain>.>`), created on demand
 * with interest retention: an event is kept until every durable consumer whose filter matches it
 * has acknowledged it, so storage follows the slowest consumer, capped by `maxAgeMs`.
 * Each `subscribe(consumer, …)` binds one durable pull consumer per domain stream involved;
 * processes using the same consumer name pull from the same durable, which is what makes them
 * competing consumers. Retries and dead-lettering are ours (max_deliver unlimited), driven by the
 * server's delivery count so they survive process restarts.
 */
export async function createNatsBus(opts: NatsBusOptions): Promise<NatsBus> {
  const prefix = opts.prefix ?? 'lastmile';
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix)) throw new Error(`invalid NATS subject prefix "${prefix}"`);
  const logger = opts.logger ?? consoleLogger;
  const duplicateWindowMs = opts.duplicateWindowMs ?? 120_000;
  const maxAgeMs = opts.maxAgeMs ?? 7 * 24 * 3_600_000;

  const nc = await connect({
    servers: opts.url,
    name: 'lastmile',
    // Never give up: a NATS restart or failover must not need a lastmile restart.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1_000,
  });
  let jsm: Awaited<ReturnType<typeof jetstreamManager>>;
  try {
    jsm = await jetstreamManager(nc);
  } catch (err) {
    await nc.close();
    throw new Error(`NATS at ${opts.url} has no JetStream`, { cause: err });
  }
  const js = jsm.jetstream();
  const streams = new Map<string, Promise<string>>();
  const subscriptions = new Set<Subscription>();
  let closed = false;

  const statusLoop = (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') logger.warn({ server: s.server }, 'NATS disconnected; reconnecting');
      else if (s.type === 'reconnect') {
        logger.warn({ server: s.server }, 'NATS reconnected');
        // The server may have come back without our streams (wiped store): check them again.
        streams.clear();
      } else if (s.type === 'error') logger.error({ err: s.error }, 'NATS error');
    }
  })().catch(() => undefined);

  function ensureStream(domain: string): Promise<string> {
    let p = streams.get(domain);
    if (!p) {
      p = createOrUpdateStream(domain);
      streams.set(domain, p);
      p.catch(() => streams.delete(domain));
    }
    return p;
  }

  async function createOrUpdateStream(domain: string): Promise<string> {
    const name = natsStreamName(prefix, domain);
    const subject = `${prefix}.${domain}.>`;
    const limits = { duplicate_window: nanos(duplicateWindowMs), max_age: nanos(maxAgeMs) };
    try {
      const info = await jsm.streams.info(name);
      if (!info.config.subjects?.includes(subject)) {
        throw new Error(`stream ${name} exists but does not capture ${subject}; two domains map to one stream name`);
      }
      if (info.config.duplicate_window !== limits.duplicate_window || info.config.max_age !== limits.max_age) {
        await jsm.streams.update(name, limits);
      }
      return name;
    } catch (err) {
      if (!isApiError(err, JetStreamApiCodes.StreamNotFound)) throw err;
    }
    try {
      await jsm.streams.add({
        name,
        subjects: [subject],
        retention: RetentionPolicy.Interest,
        storage: StorageType.File,
        ...limits,
      });
    } catch (err) {
      // Another process may have created it between our info and add.
      await jsm.streams.info(name).catch(() => {
        throw err;
      });
    }
    return name;
  }

  /**
   * A durable filters on its whole domain and we pick the wanted types client-side. Exact
   * filters would change whenever a module subscribes to one more type, and NATS 2.9 accepts
   * a filter update yet stops delivering to the updated durable (seen here: pending 1, waiting
   * 1, nothing delivered); a filter that never changes avoids that on every server version.
   */
  async function ensureConsumer(stream: string, durable: string, domain: string): Promise<void> {
    const filter_subject = `${prefix}.${domain}.>`;
    try {
      const ci = await jsm.consumers.info(stream, durable);
      const exact = ci.config.filter_subject === filter_subject && !ci.config.filter_subjects?.length;
      if (!exact) await jsm.consumers.update(stream, durable, { filter_subject, filter_subjects: undefined });
      return;
    } catch (err) {
      if (!isApiError(err, JetStreamApiCodes.ConsumerNotFound)) throw err;
    }
    const config: Partial<ConsumerConfig> = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      // A new consumer name starts with events published from now on, not the stream's history.
      deliver_policy: DeliverPolicy.New,
      ack_wait: nanos(ACK_WAIT_MS),
      max_deliver: -1,
      filter_subject,
    };
    try {
      await jsm.consumers.add(stream, config);
    } catch (err) {
      await jsm.consumers.info(stream, durable).catch(() => {
        throw err;
      });
    }
  }

  async function publishOne(subject: string, data: string, id: string): Promise<void> {
    await js.publish(subject, data, { msgID: id });
  }

  const bus: NatsBus = {
    kind: 'nats',
    connection: nc,

    async publish(events) {
      if (closed) throw new Error('NATS bus is closed');
      const prepared = events.map((e) => {
        assertEventType(e.type);
        return { domain: eventDomain(e.type), subject: `${prefix}.${e.type}`, data: JSON.stringify(e), id: e.id };
      });
      const domains = [...new Set(prepared.map((p) => p.domain))];
      await Promise.all(domains.map(ensureStream));
      // Fired without awaiting in between: one connection keeps them in order on the server.
      const results = await Promise.allSettled(prepared.map((p) => publishOne(p.subject, p.data, p.id)));
      const failed = prepared.filter((_, i) => results[i]?.status === 'rejected');
      if (failed.length === 0) return;
      const first = results.find((r) => r.status === 'rejected')?.reason;
      // No stream answered: it vanished (deleted, or a server came back with an empty store).
      // Recreate it and republish the failures once; Nats-Msg-Id makes a double publish harmless.
      // Anything else (timeout while disconnected…) goes to the caller, whose outbox retries.
      if (!isNoStream(first)) throw first;
      const lost = [...new Set(failed.map((p) => p.domain))];
      for (const d of lost) streams.delete(d);
      await Promise.all(lost.map(ensureStream));
      for (const p of failed) await publishOne(p.subject, p.data, p.id);
    },

    async subscribe(consumer, subjects, handler, options = {}) {
      if (closed) throw new Error('NATS bus is closed');
      if (!consumer.trim()) throw new Error('consumer name must not be empty');
      if (subjects.length === 0) throw new Error(`consumer "${consumer}" must subscribe to at least one subject`);
      for (const s of subjects) assertPattern(s);
      const maxAttempts = options.maxAttempts ?? 5;
      const concurrency = options.concurrency ?? 8;
      if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error('maxAttempts must be an integer >= 1');
      if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('concurrency must be an integer >= 1');
      const sub = await startSubscription({
        consumer,
        durable: natsDurableName(consumer),
        patterns: subjects,
        domains: [...new Set(subjects.map(eventDomain))],
        handler,
        maxAttempts,
        backoffMs: options.backoffMs ?? defaultBackoffMs,
        concurrency,
      });
      subscriptions.add(sub);
      return {
        close: async () => {
          await sub.close();
          subscriptions.delete(sub);
        },
      };
    },

    async ping() {
      if (nc.isClosed()) throw new Error('NATS connection is closed');
      const timeout = new AbortController();
      const timer = sleep(PING_TIMEOUT_MS, undefined, { signal: timeout.signal, ref: false }).then(() => {
        throw new Error(`NATS did not answer a ping within ${PING_TIMEOUT_MS} ms`);
      });
      try {
        await Promise.race([nc.flush(), timer]);
      } finally {
        timeout.abort();
        timer.catch(() => undefined);
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...subscriptions].map((s) => s.close()));
      // drain() flushes our last acks; bounded because it cannot finish while disconnected.
      const drained = nc.drain().catch(() => undefined);
      const gaveUp = sleep(DRAIN_TIMEOUT_MS, undefined, { ref: false });
      await Promise.race([drained, gaveUp]);
      if (!nc.isClosed()) await nc.close();
      await statusLoop;
    },
  };

  interface SubscriptionSpec {
    consumer: string;
    durable: string;
    patterns: readonly string[];
    domains: string[];
    handler: EventHandler;
    maxAttempts: number;
    backoffMs: (attempt: number) => number;
    concurrency: number;
  }

  interface Reader {
    domain: string;
    messages: ConsumerMessages | undefined;
    done: Promise<void>;
  }

  async function startSubscription(spec: SubscriptionSpec): Promise<Subscription> {
    const slots = createSlots(spec.concurrency);
    const inFlight = new Set<Promise<void>>();
    const stop = new AbortController();
    let closing = false;

    async function open(r: Reader): Promise<ConsumerMessages> {
      const stream = await ensureStream(r.domain);
      await ensureConsumer(stream, spec.durable, r.domain);
      const consumer = await js.consumers.get(stream, spec.durable);
      // max_messages bounds what this process holds unacknowledged beyond the handlers running.
      return consumer.consume({ max_messages: spec.concurrency });
    }

    async function watch(r: Reader, messages: ConsumerMessages): Promise<void> {
      for await (const s of messages.status()) {
        if (s.type === 'consumer_not_found' || s.type === 'consumer_deleted' || s.type === 'stream_not_found') {
          // consume() would keep polling for a durable nobody recreates; end it so run() opens a
          // fresh one, which recreates the stream and durable first.
          logger.warn({ consumer: spec.consumer, domain: r.domain, status: s.type }, 'JetStream consumer missing; recreating');
          void messages.close().catch(() => undefined);
        } else if (s.type === 'heartbeats_missed') {
          logger.warn({ consumer: spec.consumer, domain: r.domain, count: s.count }, 'JetStream heartbeats missed');
        }
      }
    }

    async function take(r: Reader, messages: ConsumerMessages): Promise<void> {
      void watch(r, messages).catch(() => undefined);
      const it = messages[Symbol.asyncIterator]();
      try {
        for (;;) {
          // A slot first, then a message: never hold a message we cannot start on.
          if (!(await slots.acquire())) break;
          const next = await it.next();
          if (next.done) {
            slots.release();
            break;
          }
          if (closing) {
            slots.release();
            next.value.nak();
            break;
          }
          const run = handle(next.value).finally(() => {
            inFlight.delete(run);
            slots.release();
          });
          inFlight.add(run);
        }
        // Closing: hand back what was pulled but not started, so a sibling gets it now rather
        // than after ack_wait. (It counts as a delivery attempt on the server.)
        if (closing) for (let n = await it.next(); !n.done; n = await it.next()) n.value.nak();
      } catch (err) {
        if (!closing) logger.warn({ consumer: spec.consumer, domain: r.domain, err }, 'JetStream consume failed');
      }
    }

    async function run(r: Reader): Promise<void> {
      for (let failures = 0; ; ) {
        if (r.messages) await take(r, r.messages);
        if (closing || nc.isClosed()) return;
        // consume() survives reconnects and missed heartbeats on its own; it ends on a terminal
        // error or when watch() saw the durable vanish. Start a fresh one rather than go deaf.
        logger.warn({ consumer: spec.consumer, domain: r.domain }, 'JetStream consume ended; restarting');
        r.messages = undefined;
        const delay = Math.min(30_000, RESTART_DELAY_MS * 2 ** failures);
        await sleep(delay, undefined, { signal: stop.signal, ref: false }).catch(() => undefined);
        if (closing) return;
        try {
          streams.delete(r.domain);
          r.messages = await open(r);
          failures = 0;
          if (closing) await r.messages.close();
        } catch (err) {
          failures += 1;
          logger.error({ consumer: spec.consumer, domain: r.domain, err }, 'could not restart JetStream consumer');
        }
      }
    }

    async function handle(m: JsMsg): Promise<void> {
      const attempt = m.info.deliveryCount;
      const type = m.subject.slice(prefix.length + 1);
      // The durable sees its whole domain (see ensureConsumer); skip the types we did not ask for.
      if (!spec.patterns.some((p) => subjectMatches(p, type))) {
        m.ack();
        return;
      }
      let event: DomainEvent;
      try {
        event = m.json<DomainEvent>();
      } catch (err) {
        // Not ours to retry: no handler can ever accept it.
        const raw: DomainEvent = {
          id: m.headers?.get('Nats-Msg-Id') || `${m.info.stream}:${m.seq}`,
          type,
          version: 0,
          occurredAt: m.time.toISOString(),
          payload: m.string(),
        };
        await fail(m, raw, spec.maxAttempts, err);
        return;
      }
      const keepAlive = setInterval(() => m.working(), ACK_WAIT_MS / 3);
      keepAlive.unref();
      try {
        await spec.handler(event, { attempt });
      } catch (err) {
        clearInterval(keepAlive);
        await fail(m, event, attempt, err);
        return;
      }
      clearInterval(keepAlive);
      try {
        await m.ackAck();
      } catch (err) {
        // At least once: the effect is committed, the event may come again and the inbox absorbs it.
        logger.warn({ consumer: spec.consumer, eventId: event.id, err }, 'ack not confirmed; event may be redelivered');
      }
    }

    async function fail(m: JsMsg, event: DomainEvent, attempt: number, err: unknown): Promise<void> {
      const error = err instanceof Error ? err.message : String(err);
      const ctx = { consumer: spec.consumer, eventId: event.id, type: event.type, attempt, err };
      if (attempt >= spec.maxAttempts) {
        try {
          await opts.deadLetter({ consumer: spec.consumer, event, attempts: attempt, error });
          logger.error(ctx, 'event dead-lettered');
          m.term();
          return;
        } catch (sinkErr) {
          logger.error({ ...ctx, sinkErr }, 'dead-letter sink failed; will redeliver');
        }
      } else {
        logger.warn(ctx, 'event handler failed; will redeliver');
      }
      m.nak(Math.max(1, spec.backoffMs(attempt)));
    }

    const readers: Reader[] = spec.domains.map((domain) => ({
      domain,
      messages: undefined,
      done: Promise.resolve(),
    }));
    try {
      for (const r of readers) r.messages = await open(r);
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

  return bus;
}

/** js.publish reports "no stream listens on this subject" as no responders / JetStreamNotEnabled. */
function isNoStream(err: unknown): boolean {
  return err instanceof NoRespondersError || (err instanceof Error && err.name === 'JetStreamNotEnabled');
}

function isApiError(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}

/** Counting semaphore whose waiters are released with `false` on close. */
function createSlots(n: number) {
  let free = n;
  let closed = false;
  const waiters: ((ok: boolean) => void)[] = [];
  return {
    acquire(): Promise<boolean> {
      if (closed) return Promise.resolve(false);
      if (free > 0) {
        free -= 1;
        return Promise.resolve(true);
      }
      return new Promise((resolve) => waiters.push(resolve));
    },
    release(): void {
      const w = waiters.shift();
      if (w) w(true);
      else free += 1;
    },
    close(): void {
      closed = true;
      for (const w of waiters.splice(0)) w(false);
    },
  };
}

const consoleLogger: Logger = {
  warn: (obj, msg) => console.warn(msg ?? '', obj),
  error: (obj, msg) => console.error(msg ?? '', obj),
};
