import { setTimeout as sleep } from 'node:timers/promises';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { NatsStreams } from './nats-streams.ts';
import type { NatsLogger } from './nats-handle.ts';

const PING_TIMEOUT_MS = 2_000;
const DRAIN_TIMEOUT_MS = 5_000;

/** A connection that reconnects forever, and its JetStream manager; refused without JetStream. */
export async function connectJetStream(
  url: string,
): Promise<{ nc: NatsConnection; jsm: JetStreamManager }> {
  const nc = await connect({
    servers: url,
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
    throw new Error(`NATS at ${url} does not offer JetStream`, { cause: err });
  });
  return { nc, jsm };
}

/** Logs the connection's ups and downs until it closes; after a reconnect, streams are checked again. */
export function watchConnection(
  nc: NatsConnection,
  streams: NatsStreams,
  logger: NatsLogger,
): Promise<void> {
  return (async () => {
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
}

/** Throws unless the server answers a round trip within the ping timeout. */
export async function pingNats(nc: NatsConnection): Promise<void> {
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
}

/** drain() flushes our last acks; bounded because it cannot finish while disconnected. */
export async function closeNats(nc: NatsConnection): Promise<void> {
  await Promise.race([
    nc.drain().catch(() => undefined),
    sleep(DRAIN_TIMEOUT_MS, undefined, { ref: false }),
  ]);
  if (!nc.isClosed()) await nc.close();
}
