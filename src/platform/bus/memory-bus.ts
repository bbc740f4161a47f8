import { type DomainEvent, eventDomain, subjectMatches } from './event.ts';
import {
  assertLiveTopic,
  type DeadLetterSink,
  defaultBackoffMs,
  type EventBus,
  type EventHandler,
  type LiveHandler,
  type SubscribeOptions,
  type Subscription,
} from './port.ts';

export interface MemoryBusOptions {
  deadLetter: DeadLetterSink;
  logger?: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  /** Same id published again within this window is dropped, like JetStream's. Default 2 min. */
  duplicateWindowMs?: number;
}

/** An event waiting in one consumer group, kept as JSON so every delivery gets a fresh copy. */
interface Entry {
  type: string;
  json: string;
  attempts: number;
  /** Epoch ms before which the entry is not delivered (redelivery backoff). */
  notBefore: number;
}

interface Member {
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
interface Group {
  name: string;
  domains: Set<string>;
  queue: Entry[];
  members: Member[];
  /** Round-robin cursor so competing members share the work. */
  next: number;
  timer: NodeJS.Timeout | undefined;
}

const DEFAULT_DUPLICATE_WINDOW_MS = 120_000;

/**
 * In-process event bus for single-process mode and tests. Semantics match the NATS adapter
 * (durable competing consumers, fan-out by consumer name, id dedupe, redelivery with backoff,
 * dead-lettering) so the same contract suite passes against both; it just lives and dies with
 * the process.
 */
export function createMemoryBus(opts: MemoryBusOptions): EventBus {
  const logger = opts.logger ?? consoleLogger;
  const duplicateWindowMs = opts.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS;
  const groups = new Map<string, Group>();
  // Insertion order is expiry order (one window for all), so pruning stops at the first live id.
  const seen = new Map<string, number>();
  let closed = false;

  function assertOpen(): void {
    if (closed) throw new Error('memory bus is closed');
  }

  function pruneSeen(now: number): void {
    for (const [id, expires] of seen) {
      if (expires > now) break;
      seen.delete(id);
    }
  }

  function pump(group: Group): void {
    if (closed) return;
    const now = Date.now();
    for (;;) {
      const member = pickMember(group);
      if (!member) break;
      const idx = group.queue.findIndex((e) => e.notBefore <= now);
      if (idx < 0) break;
      const [entry] = group.queue.splice(idx, 1);
      // Not asked for by the member that drew it: dropped, as the NATS adapter acks it unhandled.
      if (entry && member.patterns.some((p) => subjectMatches(p, entry.type)))
        deliver(group, member, entry);
    }
    armTimer(group, now);
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
  function armTimer(group: Group, now: number): void {
    if (group.timer) clearTimeout(group.timer);
    group.timer = undefined;
    if (closed || group.members.length === 0) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const e of group.queue)
      if (e.notBefore > now && e.notBefore < earliest) earliest = e.notBefore;
    if (earliest === Number.POSITIVE_INFINITY) return;
    group.timer = setTimeout(() => {
      group.timer = undefined;
      pump(group);
    }, earliest - now);
    group.timer.unref();
  }

  function deliver(group: Group, member: Member, entry: Entry): void {
    entry.attempts += 1;
    const attempt = entry.attempts;
    const event = JSON.parse(entry.json) as DomainEvent;
    // Promise.resolve().then keeps a synchronous throw inside the handler a rejection and never
    // runs handler code on the publisher's stack.
    const run: Promise<void> = Promise.resolve()
      .then(() => member.handler(event, { attempt }))
      .then(
        () => undefined,
        (err: unknown) => onFailure(group, member, entry, event, attempt, err),
      )
      .finally(() => {
        member.inFlight.delete(run);
        pump(group);
      });
    member.inFlight.add(run);
  }

  async function onFailure(
    group: Group,
    member: Member,
    entry: Entry,
    event: DomainEvent,
    attempt: number,
    err: unknown,
  ): Promise<void> {
    const error = errorMessage(err);
    if (attempt >= member.maxAttempts) {
      try {
        await opts.deadLetter({ consumer: group.name, event, attempts: attempt, error });
        logger.error(
          { consumer: group.name, eventId: event.id, type: event.type, attempt, err },
          'event dead-lettered',
        );
        return;
      } catch (sinkErr) {
        // Losing the event is worse than retrying it: keep it and try again after the backoff.
        logger.error(
          { consumer: group.name, eventId: event.id, err: sinkErr },
          'dead-letter sink failed; will redeliver',
        );
      }
    } else {
      logger.warn(
        { consumer: group.name, eventId: event.id, type: event.type, attempt, err },
        'event handler failed; will redeliver',
      );
    }
    entry.notBefore = Date.now() + Math.max(0, member.backoffMs(attempt));
    group.queue.push(entry);
  }

  async function closeMember(group: Group, member: Member): Promise<void> {
    if (!member.closed) {
      member.closed = true;
      group.members = group.members.filter((m) => m !== member);
      // Work this member gave back (a failed attempt) may now go to a sibling; with no members
      // left the group keeps its queue and drops its timer.
      pump(group);
    }
    while (member.inFlight.size > 0) await Promise.allSettled([...member.inFlight]);
  }

  const listeners = new Map<string, Set<LiveHandler>>();

  return {
    kind: 'memory',

    announce(topic, data) {
      assertLiveTopic(topic);
      const set = listeners.get(topic);
      if (closed || !set || set.size === 0) return;
      // A copy through JSON, as over the wire, delivered on a later tick like a network push.
      const json = JSON.stringify(data);
      setImmediate(() => {
        for (const h of set) h(JSON.parse(json));
      });
    },

    listen(topic, handler) {
      assertLiveTopic(topic);
      let set = listeners.get(topic);
      if (!set) {
        set = new Set();
        listeners.set(topic, set);
      }
      const own = set;
      // Each call is its own listener, even with the same handler function.
      const h: LiveHandler = (d) => handler(d);
      own.add(h);
      return {
        close: async () => {
          own.delete(h);
          if (own.size === 0 && listeners.get(topic) === own) listeners.delete(topic);
        },
      };
    },

    async publish(events) {
      assertOpen();
      // Validate and serialise everything first so a bad event publishes nothing.
      const prepared = events.map((e) => {
        assertEventType(e.type);
        return { event: e, json: JSON.stringify(e) };
      });
      const now = Date.now();
      pruneSeen(now);
      const touched = new Set<Group>();
      for (const { event, json } of prepared) {
        if (seen.has(event.id)) continue;
        seen.set(event.id, now + duplicateWindowMs);
        const domain = eventDomain(event.type);
        for (const group of groups.values()) {
          if (!group.domains.has(domain)) continue;
          group.queue.push({ type: event.type, json, attempts: 0, notBefore: 0 });
          touched.add(group);
        }
      }
      for (const group of touched) pump(group);
    },

    async subscribe(consumer, subjects, handler, options = {}) {
      assertOpen();
      const member: Member = {
        ...resolveSubscription(consumer, subjects, options),
        patterns: [...subjects],
        handler,
        inFlight: new Set(),
        closed: false,
      };
      let group = groups.get(consumer);
      if (!group) {
        group = {
          name: consumer,
          domains: new Set(),
          queue: [],
          members: [],
          next: 0,
          timer: undefined,
        };
        groups.set(consumer, group);
      }
      for (const s of subjects) group.domains.add(eventDomain(s));
      group.members.push(member);
      // Hand over what waited for this name; handlers start on a later tick (see deliver).
      pump(group);
      const g = group;
      const sub: Subscription = { close: () => closeMember(g, member) };
      return sub;
    },

    async ping() {
      assertOpen();
    },

    async close() {
      if (closed) return;
      const all = [...groups.values()].flatMap((g) => g.members.map((m) => closeMember(g, m)));
      await Promise.all(all);
      closed = true;
      listeners.clear();
      for (const g of groups.values()) {
        if (g.timer) clearTimeout(g.timer);
        g.timer = undefined;
      }
    },
  };
}

/**
 * Validates a subscribe() call and fills in the defaults. Exported so the NATS adapter accepts
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
 * pattern like `*.created` could not be bound to a finite set of streams. Rejected here too so
 * both adapters accept exactly the same subscriptions.
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

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const consoleLogger = {
  warn: (obj: object, msg?: string) => console.warn(msg ?? '', obj),
  error: (obj: object, msg?: string) => console.error(msg ?? '', obj),
};
