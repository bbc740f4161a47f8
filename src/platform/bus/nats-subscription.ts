import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { eventDomain } from './event.ts';
import { handleMessage, type NatsLogger } from './nats-handle.ts';
import { createSlots, openReader, type Reader, type Reading, runReader } from './nats-reader.ts';
import { type NatsStreams, natsDurableName } from './nats-streams.ts';
import type { DeadLetterSink, EventHandler, SubscribeOptions, Subscription } from './port.ts';

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
  const { prefix, deadLetter, logger } = deps;
  const handling = { consumer, prefix, patterns, handler, settings, deadLetter, logger };
  const stop = new AbortController();
  let closing = false;
  const s: Reading = {
    ...deps,
    consumer,
    durable: natsDurableName(consumer),
    concurrency: settings.concurrency,
    slots: createSlots(settings.concurrency),
    inFlight: new Set(),
    stop: stop.signal,
    closing: () => closing,
    handle: (m) => handleMessage(handling, m),
  };

  const readers: Reader[] = [...new Set(patterns.map(eventDomain))].map((domain) => ({
    domain,
    messages: undefined,
    done: Promise.resolve(),
  }));
  try {
    // Opened before subscribe() returns: an event published after it is the durable's to keep.
    for (const r of readers) r.messages = await openReader(s, r.domain);
  } catch (err) {
    await Promise.allSettled(readers.map((r) => r.messages?.close()));
    throw err;
  }
  for (const r of readers) r.done = runReader(s, r);

  let closed: Promise<void> | undefined;
  return {
    close() {
      closed ??= (async () => {
        closing = true;
        stop.abort();
        s.slots.close();
        for (const r of readers) void r.messages?.close().catch(() => undefined);
        await Promise.allSettled(readers.map((r) => r.done));
        while (s.inFlight.size > 0) await Promise.allSettled([...s.inFlight]);
      })();
      return closed;
    },
  };
}
