import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection, NoRespondersError } from '@nats-io/transport-node';
import { eventDomain } from './event.ts';
import { assertEventType, resolveSubscription } from './memory-bus.ts';
import { createNatsStreams } from './nats-streams.ts';
import { type NatsLogger, startNatsSubscription } from './nats-subscription.ts';
import { assertLiveTopic, type DeadLetterSink, type EventBus, type Subscription } from './port.ts';

// Re-exported so callers keep importing the adapter's whole surface from this file.
export { natsDurableName, natsStreamName } from './nats-streams.ts';

export interface NatsBusOptions {
  url: string;
  /** First subject token and stream-name prefix, so several installs can share one NATS. */
  prefix?: string;
  deadLetter: DeadLetterSink;
  logger?: NatsLogger;
  /** JetStream dedupe window for `Nats-Msg-Id` (= event id). Default 2 min. */
  duplicateWindowMs?: number;
  /** Safety cap on how long an event waits for a consumer that never comes back. Default 7 days. */
  maxAgeMs?: number;
}

/** The port plus the raw connection, for health details and tests that force a reconnect. */
export type NatsBus = EventBus & { readonly connection: NatsConnection };

const PING_TIMEOUT_MS = 2_000;
const DRAIN_TIMEOUT_MS = 5_000;

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
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix))
    throw new Error(`invalid NATS subject prefix "${prefix}"`);
  const logger = opts.logger ?? consoleLogger;

  const nc = await connect({
    servers: opts.url,
    name: 'lastmile',
    // Never give up: a NATS restart or failover must not need a lastmile restart.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1_000,
    // Otherwise every request (each JetStream publish) captures a stack trace in advance, in case
    // it fails: about 2% of an API process's CPU in the orders benchmark. Errors keep their message.
    noAsyncTraces: true,
  });
  const jsm = await jetstreamManager(nc).catch(async (err: unknown) => {
    await nc.close();
    throw new Error(`NATS at ${opts.url} does not offer JetStream`, { cause: err });
  });
  const js = jsm.jetstream();
  const streams = createNatsStreams(jsm, prefix, {
    duplicateWindowMs: opts.duplicateWindowMs ?? 120_000,
    maxAgeMs: opts.maxAgeMs ?? 7 * 86_400_000,
  });
  const subscriptionDeps = { nc, js, streams, prefix, deadLetter: opts.deadLetter, logger };
  const subscriptions = new Set<Subscription>();
  let closed = false;

  const statusLoop = (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect')
        logger.warn({ server: s.server }, 'NATS disconnected; reconnecting');
      else if (s.type === 'error') logger.error({ err: s.error }, 'NATS error');
      else if (s.type === 'reconnect') {
        logger.warn({ server: s.server }, 'NATS reconnected');
        // The server may be back without our streams (wiped store): check them again on use.
        streams.forgetAll();
      }
    }
  })().catch(() => undefined);

  const publishOne = (p: { subject: string; data: string; id: string }) =>
    js.publish(p.subject, p.data, { msgID: p.id });

  const bus: NatsBus = {
    kind: 'nats',
    connection: nc,

    async publish(events) {
      if (closed) throw new Error('NATS bus is closed');
      const prepared = events.map((e) => {
        assertEventType(e.type);
        return {
          domain: eventDomain(e.type),
          subject: `${prefix}.${e.type}`,
          data: JSON.stringify(e),
          id: e.id,
        };
      });
      await Promise.all([...new Set(prepared.map((p) => p.domain))].map(streams.ensure));
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
      for (const d of lost) streams.forget(d);
      await Promise.all(lost.map(streams.ensure));
      for (const p of failed) await publishOne(p);
    },

    async subscribe(consumer, subjects, handler, options = {}) {
      if (closed) throw new Error('NATS bus is closed');
      const settings = resolveSubscription(consumer, subjects, options);
      const sub = await startNatsSubscription(
        subscriptionDeps,
        consumer,
        subjects,
        handler,
        settings,
      );
      subscriptions.add(sub);
      return {
        close: async () => {
          await sub.close();
          subscriptions.delete(sub);
        },
      };
    },

    announce(topic, data) {
      assertLiveTopic(topic);
      if (closed || nc.isClosed()) return;
      // Core NATS, not JetStream: nobody listening means nobody gets it, as intended.
      nc.publish(`${prefix}.live.${topic}`, JSON.stringify(data));
    },

    listen(topic, handler) {
      assertLiveTopic(topic);
      const sub = nc.subscribe(`${prefix}.live.${topic}`, {
        callback: (err, msg) => {
          if (err) return;
          try {
            handler(msg.json());
          } catch (e) {
            logger.warn({ err: e, topic }, 'live listener failed');
          }
        },
      });
      return {
        close: async () => {
          if (!sub.isClosed()) sub.unsubscribe();
        },
      };
    },

    async ping() {
      if (nc.isClosed()) throw new Error('NATS connection is closed');
      const timer = new AbortController();
      const timeout = sleep(PING_TIMEOUT_MS, undefined, { signal: timer.signal, ref: false }).then(
        () => {
          throw new Error(`NATS did not answer a ping within ${PING_TIMEOUT_MS} ms`);
        },
      );
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
      await Promise.race([
        nc.drain().catch(() => undefined),
        sleep(DRAIN_TIMEOUT_MS, undefined, { ref: false }),
      ]);
      if (!nc.isClosed()) await nc.close();
      await statusLoop;
    },
  };

  return bus;
}

/** js.publish reports "no stream listens on this subject" as no responders (JetStreamNotEnabled). */
function isNoStream(err: unknown): boolean {
  return (
    err instanceof NoRespondersError || (err instanceof Error && err.name === 'JetStreamNotEnabled')
  );
}

const consoleLogger: NatsLogger = {
  warn: (obj, msg) => console.warn(msg ?? '', obj),
  error: (obj, msg) => console.error(msg ?? '', obj),
};
