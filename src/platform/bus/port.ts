import { retryDelayMs } from '../retry.ts';
import type { DomainEvent } from './event.ts';

export interface Delivery {
  /** 1 on the first delivery, 2 on the first redelivery, … */
  attempt: number;
}

/**
 * A handler resolves when its effect is durable (its transaction committed); only then is the
 * message acknowledged. A rejection asks for a redelivery after a backoff.
 */
export type EventHandler = (event: DomainEvent, delivery: Delivery) => Promise<void>;

/**
 * Thrown by a handler for an event it can never handle (a version it does not read, a payload that
 * does not match its schema): both adapters dead-letter it at once instead of retrying it.
 */
export class UnreadableEventError extends Error {
  override name = 'UnreadableEventError';
}

export interface SubscribeOptions {
  /** Deliveries before the event goes to the dead-letter sink. Default 5. */
  maxAttempts?: number;
  /** Delay before redelivery number `attempt + 1`. Default: exponential from 200 ms, capped at 30 s, with jitter. */
  backoffMs?: (attempt: number) => number;
  /** Handlers of this subscription running at once in this process. Default 8. */
  concurrency?: number;
}

export interface DeadLetter {
  consumer: string;
  event: DomainEvent;
  attempts: number;
  error: string;
}

/** What one consumer has yet to handle, as its bus knows it. */
export interface ConsumerBacklog {
  consumer: string;
  /** The JetStream stream (one per event domain) of this durable; null in process. */
  stream: string | null;
  /** Events waiting to be handed to the consumer. */
  pending: number;
  /** Handed out and not yet acknowledged. */
  inFlight: number;
  /** Of those, handed out more than once (retries). */
  redelivered: number;
}

/** Receives a live announcement (already parsed from JSON). */
export type LiveHandler = (data: unknown) => void;

export type DeadLetterSink = (entry: DeadLetter) => Promise<void>;

export interface Subscription {
  /** Stop taking new messages and wait for handlers in flight. */
  close(): Promise<void>;
}

/**
 * Event bus port. `subscribe(consumer, …)` is a durable, competing consumer: every process that
 * subscribes with the same consumer name shares one stream of deliveries (each event is handled by
 * one of them), and different consumer names each get every event. Delivery is at least once;
 * handlers dedupe through the inbox (see `inbox.ts`).
 */
export interface EventBus {
  readonly kind: 'memory' | 'nats';
  publish(events: readonly DomainEvent[]): Promise<void>;
  subscribe(
    consumer: string,
    subjects: readonly string[],
    handler: EventHandler,
    options?: SubscribeOptions,
  ): Promise<Subscription>;
  /**
   * Live fan-out, at most once: every process listening on `topic` at this moment gets `data`
   * (JSON). For pushes to connected clients (offers, tracking) that can be re-read from Postgres
   * after a miss; never the record of a change. Topics are dot-separated tokens of [A-Za-z0-9_-].
   */
  announce(topic: string, data: unknown): void;
  /** Listens to one exact live topic in this process. */
  listen(topic: string, handler: LiveHandler): Subscription;
  /**
   * Every consumer's backlog: with NATS each durable on this install's streams, whichever process
   * reads it (JetStream's `num_pending`, `num_ack_pending`); in process this process's consumers.
   */
  consumers(): Promise<ConsumerBacklog[]>;
  /** Throws when the bus cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A failed delivery is redelivered after 200 ms, doubling per attempt up to 30 s, jittered. */
export function defaultBackoffMs(attempt: number): number {
  return retryDelayMs(attempt, { initialDelayMs: 200, maxDelayMs: 30_000 });
}

const LIVE_TOPIC = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
export function assertLiveTopic(topic: string): void {
  if (!LIVE_TOPIC.test(topic)) throw new Error(`invalid live topic "${topic}"`);
}
