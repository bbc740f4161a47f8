import type { JsMsg } from '@nats-io/jetstream';
import { type DomainEvent, subjectMatches } from './event.ts';
import { ACK_WAIT_MS } from './nats-streams.ts';
import {
  type DeadLetterSink,
  type EventHandler,
  type SubscribeOptions,
  UnreadableEventError,
} from './port.ts';

export type NatsLogger = {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

/** One subscription's handling of its messages. */
export interface Handling {
  consumer: string;
  /** First subject token, stripped from a message's subject to get the event type. */
  prefix: string;
  patterns: readonly string[];
  handler: EventHandler;
  settings: Required<SubscribeOptions>;
  deadLetter: DeadLetterSink;
  logger: NatsLogger;
}

/**
 * Runs the handler on one message and answers the server: ack on success, a delayed nak to
 * redeliver, or term once it is dead-lettered. A long handler keeps its message with
 * `working()` every third of the ack wait.
 */
export async function handleMessage(h: Handling, m: JsMsg): Promise<void> {
  const type = m.subject.slice(h.prefix.length + 1);
  // The durable sees its whole domain (see NatsStreams.ensureConsumer): pass over the types not asked for.
  if (!h.patterns.some((p) => subjectMatches(p, type))) return m.ack();
  let event: DomainEvent;
  try {
    event = m.json<DomainEvent>();
  } catch (err) {
    // No handler can ever accept it: dead-letter it right away with what we have.
    const id = m.headers?.get('Nats-Msg-Id') || `${m.info.stream}:${m.seq}`;
    const raw = { id, type, version: 0, occurredAt: m.time.toISOString(), payload: m.string() };
    return fail(h, m, raw, h.settings.maxAttempts, err);
  }
  const attempt = m.info.deliveryCount;
  const keepAlive = setInterval(() => m.working(), ACK_WAIT_MS / 3).unref();
  try {
    await h.handler(event, { attempt });
  } catch (err) {
    return fail(h, m, event, attempt, err);
  } finally {
    clearInterval(keepAlive);
  }
  // Confirmed ack, so close() returns only once the server knows. If the confirmation is lost
  // the event may come again; the consumer's inbox absorbs it (at least once).
  await m.ackAck().catch((err: unknown) => {
    h.logger.warn(
      { consumer: h.consumer, eventId: event.id, err },
      'ack not confirmed; event may be redelivered',
    );
  });
}

async function fail(
  h: Handling,
  m: JsMsg,
  event: DomainEvent,
  attempt: number,
  err: unknown,
): Promise<void> {
  const ctx = { consumer: h.consumer, eventId: event.id, type: event.type, attempt, err };
  // An event the handler can never read goes to the dead letters at once, like one that is not JSON.
  if (attempt >= h.settings.maxAttempts || err instanceof UnreadableEventError) {
    try {
      const error = err instanceof Error ? err.message : String(err);
      await h.deadLetter({ consumer: h.consumer, event, attempts: attempt, error });
      h.logger.error(ctx, 'event dead-lettered');
      return m.term();
    } catch (sinkErr) {
      // Losing the event is worse than retrying it.
      h.logger.error({ ...ctx, sinkErr }, 'dead-letter sink failed; will redeliver');
    }
  } else {
    h.logger.warn(ctx, 'event handler failed; will redeliver');
  }
  m.nak(Math.max(1, h.settings.backoffMs(attempt)));
}
