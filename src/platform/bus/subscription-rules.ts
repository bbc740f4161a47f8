import { eventDomain } from './event.ts';
import { defaultBackoffMs, type SubscribeOptions } from './port.ts';

/**
 * Validates a subscribe() call and fills in the defaults, for both adapters, so they accept
 * exactly the same calls with the same defaults.
 */
export function resolveSubscription(
  consumer: string,
  subjects: readonly string[],
  options: SubscribeOptions,
): Required<SubscribeOptions> {
  if (!consumer.trim()) throw new Error('consumer name must not be empty');
  if (subjects.length === 0)
    throw new Error(`consumer "${consumer}" must subscribe to at least one subject`);
  for (const s of subjects) assertPattern(s);
  const maxAttempts = options.maxAttempts ?? 5;
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new Error('maxAttempts must be an integer >= 1');
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error('concurrency must be an integer >= 1');
  return { maxAttempts, concurrency, backoffMs: options.backoffMs ?? defaultBackoffMs };
}

const TOKEN = /^[A-Za-z0-9_-]+$/;

/** Event types become NATS subjects: tokens without wildcards, spaces or empty parts. */
export function assertEventType(type: string): void {
  eventDomain(type);
  if (!type.split('.').every((t) => TOKEN.test(t))) {
    throw new Error(`event type "${type}" must be dot-separated tokens of [A-Za-z0-9_-]`);
  }
}

/**
 * Patterns must name their domain literally: the NATS adapter maps a domain to a stream, so a
 * pattern like `*.created` could not be bound to a finite set of streams. Rejected by the
 * in-process adapter too so both accept exactly the same subscriptions.
 */
function assertPattern(pattern: string): void {
  const tokens = pattern.split('.');
  const [domain] = tokens;
  if (tokens.length < 2 || !domain || !TOKEN.test(domain)) {
    throw new Error(
      `subject pattern "${pattern}" must start with a literal domain, e.g. "orders.>"`,
    );
  }
  tokens.forEach((t, i) => {
    const ok = TOKEN.test(t) || t === '*' || (t === '>' && i === tokens.length - 1);
    if (!ok) throw new Error(`subject pattern "${pattern}" has an invalid token "${t}"`);
  });
}
