import { createHash } from 'node:crypto';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { ConsumerBacklog } from './port.ts';

/**
 * Redelivery deadline for a message a process took but never answered (crash, partition).
 * A handler that runs longer keeps its message with `working()` every third of it.
 */
export const ACK_WAIT_MS = 30_000;

export function natsStreamName(prefix: string, domain: string): string {
  return `${prefix}_${domain}`.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** Durable names may not hold `.`, `*`, `>`, spaces or slashes; a hash keeps distinct names distinct. */
export function natsDurableName(consumer: string): string {
  const clean = consumer.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  if (clean === consumer) return clean;
  return `${clean}_${createHash('sha256').update(consumer).digest('hex').slice(0, 10)}`;
}

export interface StreamLimits {
  /** JetStream dedupe window for `Nats-Msg-Id` (= event id). */
  duplicateWindowMs: number;
  /** How long an event waits for a consumer that never comes back. */
  maxAgeMs: number;
}

/** The streams and durables of one connection: one stream per event domain, `<prefix>.<domain>.>`. */
export interface NatsStreams {
  /** Stream name for a domain, created or checked once per connection (cached promise). */
  ensure(domain: string): Promise<string>;
  /** Check this domain's stream again on next use: it may have vanished. */
  forget(domain: string): void;
  /** Check every stream again on next use (after a reconnect: the server may have a wiped store). */
  forgetAll(): void;
  /** Create the durable on the domain's stream, or bring its filter back to the whole domain. */
  ensureConsumer(stream: string, durable: string, domain: string): Promise<void>;
}

type Limits = { duplicate_window: number; max_age: number };

export function createNatsStreams(
  jsm: JetStreamManager,
  prefix: string,
  limitsMs: StreamLimits,
): NatsStreams {
  const limits: Limits = {
    duplicate_window: nanos(limitsMs.duplicateWindowMs),
    max_age: nanos(limitsMs.maxAgeMs),
  };
  const cache = new Map<string, Promise<string>>();
  return {
    ensure(domain) {
      let p = cache.get(domain);
      if (!p) {
        p = ensureStream(jsm, prefix, limits, domain);
        cache.set(domain, p);
        p.catch(() => cache.delete(domain));
      }
      return p;
    },
    forget(domain) {
      cache.delete(domain);
    },
    forgetAll() {
      cache.clear();
    },
    ensureConsumer: (stream, durable, domain) =>
      ensureDurable(jsm, stream, durable, `${prefix}.${domain}.>`),
  };
}

/** The domain's stream, created, or updated to the current limits; its name. */
async function ensureStream(
  jsm: JetStreamManager,
  prefix: string,
  limits: Limits,
  domain: string,
): Promise<string> {
  const name = natsStreamName(prefix, domain);
  const subject = `${prefix}.${domain}.>`;
  try {
    const { config } = await jsm.streams.info(name);
    if (!config.subjects?.includes(subject)) {
      throw new Error(
        `stream ${name} exists but does not capture ${subject}: two domains map to one stream name`,
      );
    }
    if (config.duplicate_window !== limits.duplicate_window || config.max_age !== limits.max_age) {
      await jsm.streams.update(name, limits);
    }
    return name;
  } catch (err) {
    if (!isApiError(err, JetStreamApiCodes.StreamNotFound)) throw err;
  }
  // Interest retention: an event stays until every durable on the stream has acknowledged it.
  const cfg = {
    name,
    subjects: [subject],
    retention: RetentionPolicy.Interest,
    storage: StorageType.File,
    ...limits,
  };
  // A concurrent creator (another process) is fine as long as the stream exists afterwards.
  await jsm.streams
    .add(cfg)
    .catch((err: unknown) => jsm.streams.info(name).catch(() => Promise.reject(err)));
  return name;
}

/**
 * A durable filters on its whole domain and the wanted types are picked client-side. Exact
 * filters would change each time a module subscribes to one more type, and NATS 2.9 accepts a
 * filter update yet then stops delivering to that durable (seen: pending 1, waiting 1, nothing
 * delivered); a filter that never changes avoids this on every server version.
 */
async function ensureDurable(
  jsm: JetStreamManager,
  stream: string,
  durable: string,
  filter_subject: string,
): Promise<void> {
  try {
    const { config } = await jsm.consumers.info(stream, durable);
    if (config.filter_subject !== filter_subject || config.filter_subjects?.length) {
      await jsm.consumers.update(stream, durable, {
        filter_subject,
        filter_subjects: undefined,
      });
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
    // Retries and dead-lettering are ours, counted by the server's delivery count.
    max_deliver: -1,
  };
  await jsm.consumers
    .add(stream, cfg)
    .catch((err: unknown) => jsm.consumers.info(stream, durable).catch(() => Promise.reject(err)));
}

/** Every durable on this prefix's domain streams, with what the server holds for it. */
export async function natsBacklogs(
  jsm: JetStreamManager,
  prefix: string,
): Promise<ConsumerBacklog[]> {
  const out: ConsumerBacklog[] = [];
  const ours = (subject: string) =>
    subject.startsWith(`${prefix}.`) &&
    subject.endsWith('.>') &&
    !subject.slice(prefix.length + 1, -2).includes('.');
  for await (const stream of jsm.streams.list(`${prefix}.>`)) {
    // A longer prefix (`lastmile.eu`) shares the subject space: only `<prefix>.<domain>.>` is ours.
    if (!stream.config.subjects?.some(ours)) continue;
    for await (const c of jsm.consumers.list(stream.config.name)) {
      out.push({
        consumer: c.name,
        stream: stream.config.name,
        pending: c.num_pending,
        inFlight: c.num_ack_pending,
        redelivered: c.num_redelivered,
      });
    }
  }
  return out;
}

function isApiError(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}
