import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AckPolicy,
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
import { assertEventType, resolveSubscription } from './memory-bus.ts';
import type { DeadLetterSink, EventBus, EventHandler, SubscribeOptions, Subscription } from './port.ts';

type Logger = { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };

export interface NatsBusOptions {
  url: string;
  /** First subject token and stream-name prefix, so several installs can share one NATS. */
  prefix?: string;
  deadLetter: DeadLetterSink;
  logger?: Logger;
  /** JetStream dedupe window for `Nats-Msg-Id` (= event id). Default 2 min. */
  duplicateWindowMs?: number;
  /** Safety cap on how long an event waits for a consumer that never comes back. Default 7 days. */
  maxAgeMs?: number;
}

/** The port plus the raw connection, for health details and tests that force a reconnect. */
export type NatsBus = EventBus & { readonly connection: NatsConnection };

/**
 * Redelivery deadline for a message a process took but never answered (crash, partition).
 * A handler that runs longer keeps its message with `working()` every third of it.
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
 * with interest retention: an event stays until every durable on its stream has acknowledged it,
 * so storage follows the slowest consumer, capped by `maxAgeMs`.
 * `subscribe(consumer, …)` binds one durable pull consumer per domain stream involved; processes
 * using the same consumer name pull from the same durable, which makes them competing consumers.
 * Retries and dead-lettering are ours (max_deliver unlimited), counted by the server's delivery
 * count so they survive process restarts.
 */
export async function createNatsBus(opts: NatsBusOptions): Promise<NatsBus> {
  const prefix = opts.prefix ?? 'lastmile';
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix)) throw new Error(`invalid NATS subject prefix "${prefix}"`);
  const logger = opts.logger ?? consoleLogger;
  const limits = { duplicate_window: nanos(opts.duplicateWindowMs ?? 120_000), max_age: nanos(opts.maxAgeMs ?? 7 * 86_400_000) };

  const nc = await connect({
    servers: opts.url,
    name: 'lastmile',
    // Never give up: a NATS restart or failover must not need a lastmile restart.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1_000,
  });
  const jsm = await jetstreamManager(nc).catch(async (err: unknown) => {
    await nc.close();
    throw new Error(`NATS at ${opts.url} does not offer JetStream`, { cause: err });
  });
  const js = jsm.jetstream();
  const streams = new Map<string, Promise<string>>();
  const subscriptions = new Set<Subscription>();
  let closed = false;

  const statusLoop = (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') logger.warn({ server: s.server }, 'NATS disconnected; reconnecting');
      else if (s.type === 'error') logger.error({ err: s.error }, 'NATS error');
      else if (s.type === 'reconnect') {
        logger.warn({ server: s.server }, 'NATS reconnected');
        // The server may be back without our streams (wiped store): check them again on use.
        streams.clear();
      }
    }
  })().catch(() => undefined);

  /** Stream names by domain, created or checked once per connection (cached promise). */
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
    try {
      const { config } = await jsm.streams.info(name);
      if (!config.subjects?.includes(subject)) {
        throw new Error(`stream ${name} exists but does not capture ${subject}: two domains map to one stream name`);
      }
      if (config.duplicate_window !== limits.duplicate_window || config.max_age !== limits.max_age) {
        await jsm.streams.update(name, limits);
      }
      return name;
    } catch (err) {
      if (!isApiError(err, JetStreamApiCodes.StreamNotFound)) throw err;
    }
    const cfg = { name, subjects: [subject], retention: RetentionPolicy.Interest, storage: StorageType.File, ...limits };
    // A concurrent creator (another process) is fine as long as the stream exists afterwards.
    await jsm.streams.add(cfg).catch((err: unknown) => jsm.streams.info(name).catch(() => Promise.reject(err)));
    return name;
  }

  /**
   * A durable filters on its whole domain and the wanted types are picked client-side. Exact
   * filters would change each time a module subscribes to one more type, and NATS 2.9 accepts a
   * filter update yet then stops delivering to that durable (seen: pending 1, waiting 1, nothing
   * delivered); a filter that never changes avoids this on every server version.
   */
  async function ensureConsumer(stream: string, durable: string, domain: string): Promise<void> {
    const filter_subject = `${prefix}.${domain}.>`;
    try {
      const { config } = await jsm.consumers.info(stream, durable);
      if (config.filter_subject !== filter_subject || config.filter_subjects?.length) {
        await jsm.consumers.update(stream, durable, { filter_subject, filter_subjects: undefined });
      }
      return;
    } catch (err) {
      if (!isApiError(err, JetStreamApiCodes.ConsumerNotFound)) throw err;
    }
    const cfg = {
      durable_name: durable,
      filter_subject,
      ack_policy: AckPolicy.Explicit,
      // A new consumer name starts with events published from now on, not the stream's history.
      deliver_policy: DeliverPolicy.New,
      ack_wait: nanos(ACK_WAIT_MS),
      max_deliver: -1,
    };
    await jsm.consumers.add(stream, cfg).catch((err: unknown) => jsm.consumers.info(stream, durable).catch(() => Promise.reject(err)));
  }

  const publishOne = (p: { subject: string; data: string; id: string }) => js.publish(p.subject, p.data, { msgID: p.id });

  const bus: NatsBus = {
    kind: 'nats',
    connection: nc,

    async publish(events) {
      if (closed) throw new Error('NATS bus is closed');
      const prepared = events.map((e) => {
        assertEventType(e.type);
        return { domain: eventDomain(e.type), subject: `${prefix}.${e.type}`, data: JSON.stringify(e), id: e.id };
      });
      await Promise.all([...new Set(prepared.map((p) => p.domain))].map(ensureStream));
      // Sent without awaiting in between: one connection keeps them in order on the server.
      const results = await Promise.allSettled(prepared.map(publishOne));
      const failed = prepared.filter((_, i) => results[i]?.status === 'rejected');
      if (failed.length === 0) return;
      const first = results.find((r) => r.status === 'rejected')?.reason;
      // "No responders" means no stream listens: it vanished (deleted, or a server came back with
      // an empty store). Recreate and republish the failures once; Nats-Msg-Id makes that safe.
      // Anything else (a timeout while disconnected…) goes to the caller, whose outbox retries.
      if (!isNoStream(first)) throw first;
      const lost = [...new Set(failed.map((p) => p.domain))];
      for (const d of lost) streams.delete(d);
      await Promise.all(lost.map(ensureStream));
      for (const p of failed) await publishOne(p);
    },

    async subscribe(consumer, subjects, handler, options = {}) {
      if (closed) throw new Error('NATS bus is closed');
      const settings = resolveSubscription(consumer, subjects, options);
      const sub = await startSubscription(consumer, subjects, handler, settings);
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
      const timer = new AbortController();
      const timeout = sleep(PING_TIMEOUT_MS, undefined, { signal: timer.signal, ref: false }).then(() => {
        throw new Error(`NATS did not answer a ping within ${PING_TIMEOUT_MS} ms`);
      });
      timeout.catch(() => undefined);
      try {
        await Promise.race([nc.flush(), timeout]);
      } finally {
        timer.abort();
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...subscriptions].map((s) => s.close()));
      // drain() flushes our last acks; bounded because it cannot finish while disconnected.
      await Promise.race([nc.drain().catch(() => undefined), sleep(DRAIN_TIMEOUT_MS, undefined, { ref: false })]);
      if (!nc.isClosed()) await nc.close();
      await statusLoop;
    },
  };

  /** One consume() loop per domain stream, all sharing the subscription's concurrency slots. */
  async function startSubscription(
    consumer: string,
    patterns: readonly string[],
    handler: EventHandler,
    settings: Required<SubscribeOptions>,
  ): Promise<Subscription> {
    const durable = natsDurableName(consumer);
    const slots = createSlots(settings.concurrency);
    const inFlight = new Set<Promise<void>>();
    const stop = new AbortController();
    let closing = false;
    type Reader = { domain: string; messages: ConsumerMessages | undefined; done: Promise<void> };

    async function open(domain: string): Promise<ConsumerMessages> {
      const stream = await ensureStream(domain);
      await ensureConsumer(stream, durable, domain);
      const c = await js.consumers.get(stream, durable);
      // max_messages bounds what this process holds unacknowledged beyond the handlers running.
      return c.consume({ max_messages: settings.concurrency });
    }

    async function watch(r: Reader, messages: ConsumerMessages): Promise<void> {
      for await (const s of messages.status()) {
        if (s.type === 'consumer_not_found' || s.type === 'consumer_deleted' || s.type === 'stream_not_found') {
          // consume() would keep polling a durable nobody recreates; end it so run() opens a
          // fresh one, which recreates the stream and the durable first.
          logger.warn({ consumer, domain: r.domain, status: s.type }, 'JetStream consumer missing; recreating');
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
      for (let failures = 0; ; ) {
        if (r.messages) await take(r, r.messages);
        if (closing || nc.isClosed()) return;
        // consume() rides out reconnects and missed heartbeats by itself; it ends on a terminal
        // error or when watch() saw the durable vanish. Start a fresh one rather than go deaf.
        logger.warn({ consumer, domain: r.domain }, 'JetStream consume ended; restarting');
        r.messages = undefined;
        const delay = Math.min(30_000, RESTART_DELAY_MS * 2 ** failures);
        await sleep(delay, undefined, { signal: stop.signal, ref: false }).catch(() => undefined);
        if (closing) return;
        try {
          streams.delete(r.domain);
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
      // The durable sees its whole domain (see ensureConsumer): pass over the types not asked for.
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
        logger.warn({ consumer, eventId: event.id, err }, 'ack not confirmed; event may be redelivered');
      });
    }

    async function fail(m: JsMsg, event: DomainEvent, attempt: number, err: unknown): Promise<void> {
      const ctx = { consumer, eventId: event.id, type: event.type, attempt, err };
      if (attempt >= settings.maxAttempts) {
        try {
          const error = err instanceof Error ? err.message : String(err);
          await opts.deadLetter({ consumer, event, attempts: attempt, error });
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
    const readers: Reader[] = domains.map((domain) => ({ domain, messages: undefined, done: Promise.resolve() }));
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

  return bus;
}

/** js.publish reports "no stream listens on this subject" as no responders (JetStreamNotEnabled). */
function isNoStream(err: unknown): boolean {
  return err instanceof NoRespondersError || (err instanceof Error && err.name === 'JetStreamNotEnabled');
}

function isApiError(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
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

const consoleLogger: Logger = {
  warn: (obj, msg) => console.warn(msg ?? '', obj),
  error: (obj, msg) => console.error(msg ?? '', obj),
};
