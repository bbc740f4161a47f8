import type { NatsConnection } from '@nats-io/transport-node';
import { closeNats, connectJetStream, pingNats, watchConnection } from './nats-connection.ts';
import type { NatsLogger } from './nats-handle.ts';
import { natsLive } from './nats-live.ts';
import { natsPublisher } from './nats-publish.ts';
import { createNatsStreams, natsBacklogs } from './nats-streams.ts';
import { startNatsSubscription } from './nats-subscription.ts';
import type { DeadLetterSink, EventBus, Subscription } from './port.ts';
import { resolveSubscription } from './subscription-rules.ts';

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
  const { nc, jsm } = await connectJetStream(opts.url);
  const js = jsm.jetstream();
  const streams = createNatsStreams(jsm, prefix, {
    duplicateWindowMs: opts.duplicateWindowMs ?? 120_000,
    maxAgeMs: opts.maxAgeMs ?? 7 * 86_400_000,
  });
  const subscriptionDeps = { nc, js, streams, prefix, deadLetter: opts.deadLetter, logger };
  const subscriptions = new Set<Subscription>();
  let closed = false;
  const statusLoop = watchConnection(nc, streams, logger);
  const publish = natsPublisher(js, streams, prefix);
  const live = natsLive(nc, prefix, logger, () => closed);

  return {
    kind: 'nats',
    connection: nc,
    announce: live.announce,
    listen: live.listen,
    ping: () => pingNats(nc),
    consumers: () => natsBacklogs(jsm, prefix),

    async publish(events) {
      if (closed) throw new Error('NATS bus is closed');
      await publish(events);
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

    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...subscriptions].map((s) => s.close()));
      await closeNats(nc);
      await statusLoop;
    },
  };
}

const consoleLogger: NatsLogger = {
  warn: (obj, msg) => console.warn(msg ?? '', obj),
  error: (obj, msg) => console.error(msg ?? '', obj),
};
