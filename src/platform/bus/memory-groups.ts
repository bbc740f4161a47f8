import type { DomainEvent } from './event.ts';
import { subjectMatches } from './event.ts';
import { type DeadLetterSink, type EventHandler, UnreadableEventError } from './port.ts';

/** An event waiting in one consumer group, kept as JSON so every delivery gets a fresh copy. */
export interface Entry {
  type: string;
  json: string;
  attempts: number;
  /** Epoch ms before which the entry is not delivered (redelivery backoff). */
  notBefore: number;
}

export interface Member {
  patterns: readonly string[];
  handler: EventHandler;
  maxAttempts: number;
  backoffMs: (attempt: number) => number;
  concurrency: number;
  inFlight: Set<Promise<void>>;
  closed: boolean;
}

/**
 * The in-process stand-in for the JetStream durables of one consumer name: it outlives its
 * subscriptions, so events published while nobody listens under this name wait here for the
 * next subscriber. Like the NATS durables (DeliverPolicy.New, one per domain, filtering on the
 * whole domain) it collects every event of each domain the name ever subscribed to, from that
 * moment on; each member then skips the types its own patterns do not match.
 */
export interface Group {
  name: string;
  domains: Set<string>;
  queue: Entry[];
  members: Member[];
  /** Round-robin cursor so competing members share the work. */
  next: number;
  timer: NodeJS.Timeout | undefined;
}

export interface BusLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What delivery needs from the bus that owns the groups. */
export interface Delivering {
  deadLetter: DeadLetterSink;
  logger: BusLogger;
  isClosed(): boolean;
}

export const newGroup = (name: string): Group => ({
  name,
  domains: new Set(),
  queue: [],
  members: [],
  next: 0,
  timer: undefined,
});

/** Hands due entries to members with a free slot, round robin, then waits for the next due one. */
export function pump(d: Delivering, group: Group): void {
  if (d.isClosed()) return;
  const now = Date.now();
  for (;;) {
    const member = pickMember(group);
    if (!member) break;
    const idx = group.queue.findIndex((e) => e.notBefore <= now);
    if (idx < 0) break;
    const [entry] = group.queue.splice(idx, 1);
    // Not asked for by the member that drew it: dropped, as the NATS adapter acks it unhandled.
    if (entry && member.patterns.some((p) => subjectMatches(p, entry.type)))
      deliver(d, group, member, entry);
  }
  armTimer(d, group, now);
}

function pickMember(group: Group): Member | undefined {
  const n = group.members.length;
  for (let i = 0; i < n; i++) {
    const idx = (group.next + i) % n;
    const m = group.members[idx];
    if (m && !m.closed && m.inFlight.size < m.concurrency) {
      group.next = (idx + 1) % n;
      return m;
    }
  }
  return undefined;
}

/** One timer per group, only while someone listens, for the earliest backed-off entry. */
function armTimer(d: Delivering, group: Group, now: number): void {
  if (group.timer) clearTimeout(group.timer);
  group.timer = undefined;
  if (d.isClosed() || group.members.length === 0) return;
  let earliest = Number.POSITIVE_INFINITY;
  for (const e of group.queue)
    if (e.notBefore > now && e.notBefore < earliest) earliest = e.notBefore;
  if (earliest === Number.POSITIVE_INFINITY) return;
  group.timer = setTimeout(() => {
    group.timer = undefined;
    pump(d, group);
  }, earliest - now);
  group.timer.unref();
}

function deliver(d: Delivering, group: Group, member: Member, entry: Entry): void {
  entry.attempts += 1;
  const attempt = entry.attempts;
  const event = JSON.parse(entry.json) as DomainEvent;
  // Promise.resolve().then keeps a synchronous throw inside the handler a rejection and never
  // runs handler code on the publisher's stack.
  const run: Promise<void> = Promise.resolve()
    .then(() => member.handler(event, { attempt }))
    .then(
      () => undefined,
      (err: unknown) => onFailure(d, { group, member, entry, event, attempt, err }),
    )
    .finally(() => {
      member.inFlight.delete(run);
      pump(d, group);
    });
  member.inFlight.add(run);
}

/** A failed delivery: dead-lettered after the member's attempts, else queued again after its backoff. */
async function onFailure(
  d: Delivering,
  f: {
    group: Group;
    member: Member;
    entry: Entry;
    event: DomainEvent;
    attempt: number;
    err: unknown;
  },
): Promise<void> {
  const { group, member, entry, event, attempt, err } = f;
  const error = err instanceof Error ? err.message : String(err);
  // An event the handler can never read goes to the dead letters at once, like one that is not JSON.
  if (attempt >= member.maxAttempts || err instanceof UnreadableEventError) {
    try {
      await d.deadLetter({ consumer: group.name, event, attempts: attempt, error });
      d.logger.error(
        { consumer: group.name, eventId: event.id, type: event.type, attempt, err },
        'event dead-lettered',
      );
      return;
    } catch (sinkErr) {
      // Losing the event is worse than retrying it: keep it and try again after the backoff.
      d.logger.error(
        { consumer: group.name, eventId: event.id, err: sinkErr },
        'dead-letter sink failed; will redeliver',
      );
    }
  } else {
    d.logger.warn(
      { consumer: group.name, eventId: event.id, type: event.type, attempt, err },
      'event handler failed; will redeliver',
    );
  }
  entry.notBefore = Date.now() + Math.max(0, member.backoffMs(attempt));
  group.queue.push(entry);
}

/** Leaves the group at once and waits for the member's deliveries in flight. */
export async function closeMember(d: Delivering, group: Group, member: Member): Promise<void> {
  if (!member.closed) {
    member.closed = true;
    group.members = group.members.filter((m) => m !== member);
    // Work this member gave back (a failed attempt) may now go to a sibling; with no members
    // left the group keeps its queue and drops its timer.
    pump(d, group);
  }
  while (member.inFlight.size > 0) await Promise.allSettled([...member.inFlight]);
}
