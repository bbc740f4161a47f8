import { uuidv7 } from 'uuidv7';

/**
 * A domain event as it travels between modules and processes.
 * `id` is stable for the life of the event: it is the outbox row id, the NATS `Nats-Msg-Id`
 * and the inbox key, so a redelivery or a republish can always be recognised.
 */
export interface DomainEvent<P = unknown> {
  id: string;
  /** `<domain>.<name>`, e.g. `support.ticket_opened`; the domain picks the stream. */
  type: string;
  /** Payload schema version; bump on a breaking change and keep consumers reading both. */
  version: number;
  occurredAt: string;
  aggregateId?: string | undefined;
  payload: P;
  traceId?: string | undefined;
}

export function newEvent<P>(
  type: string,
  payload: P,
  opts: { aggregateId?: string; version?: number; traceId?: string } = {},
): DomainEvent<P> {
  return {
    id: uuidv7(),
    type,
    version: opts.version ?? 1,
    occurredAt: new Date().toISOString(),
    aggregateId: opts.aggregateId,
    payload,
    traceId: opts.traceId,
  };
}

/** The domain of an event type: the part before the first dot. */
export function eventDomain(type: string): string {
  const dot = type.indexOf('.');
  if (dot <= 0) throw new Error(`event type "${type}" must look like <domain>.<name>`);
  return type.slice(0, dot);
}

/**
 * NATS-style subject matching: tokens split on '.', `*` matches one token, `>` matches the rest.
 * Both bus adapters use this so a subscription means the same thing everywhere.
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const tok = p[i];
    if (tok === '>') return s.length > i;
    if (i >= s.length) return false;
    if (tok !== '*' && tok !== s[i]) return false;
  }
  return p.length === s.length;
}
