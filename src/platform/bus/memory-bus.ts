import { eventDomain } from './event.ts';
import {
  type BusLogger,
  closeMember,
  type Delivering,
  type Group,
  type Member,
  newGroup,
  pump,
} from './memory-groups.ts';
import { createMemoryLive } from './memory-live.ts';
import type { DeadLetterSink, EventBus, Subscription } from './port.ts';
import { assertEventType, resolveSubscription } from './subscription-rules.ts';

export interface MemoryBusOptions {
  deadLetter: DeadLetterSink;
  logger?: BusLogger;
  /** Same id published again within this window is dropped, like JetStream's. Default 2 min. */
  duplicateWindowMs?: number;
}

const DEFAULT_DUPLICATE_WINDOW_MS = 120_000;

const consoleLogger: BusLogger = {
  warn: (obj, msg) => console.warn(msg ?? '', obj),
  error: (obj, msg) => console.error(msg ?? '', obj),
};

/**
 * In-process event bus for single-process mode and tests. Semantics match the NATS adapter
 * (durable competing consumers, fan-out by consumer name, id dedupe, redelivery with backoff,
 * dead-lettering) so the same contract suite passes against both; it just lives and dies with
 * the process.
 */
export function createMemoryBus(opts: MemoryBusOptions): EventBus {
  const duplicateWindowMs = opts.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS;
  const groups = new Map<string, Group>();
  const seen = createSeenIds();
  let closed = false;
  const d: Delivering = {
    deadLetter: opts.deadLetter,
    logger: opts.logger ?? consoleLogger,
    isClosed: () => closed,
  };
  const live = createMemoryLive(() => closed);
  const assertOpen = () => {
    if (closed) throw new Error('memory bus is closed');
  };

  return {
    kind: 'memory',
    announce: live.announce,
    listen: live.listen,

    async publish(events) {
      assertOpen();
      // Validate and serialise everything first so a bad event publishes nothing.
      const prepared = events.map((e) => {
        assertEventType(e.type);
        return { event: e, json: JSON.stringify(e) };
      });
      const now = Date.now();
      const touched = new Set<Group>();
      for (const { event, json } of prepared) {
        if (!seen.first(event.id, now, duplicateWindowMs)) continue;
        const domain = eventDomain(event.type);
        for (const group of groups.values()) {
          if (!group.domains.has(domain)) continue;
          group.queue.push({ type: event.type, json, attempts: 0, notBefore: 0 });
          touched.add(group);
        }
      }
      for (const group of touched) pump(d, group);
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
      const group = groups.get(consumer) ?? newGroup(consumer);
      groups.set(consumer, group);
      for (const s of subjects) group.domains.add(eventDomain(s));
      group.members.push(member);
      // Hand over what waited for this name; handlers start on a later tick (see deliver).
      pump(d, group);
      const sub: Subscription = { close: () => closeMember(d, group, member) };
      return sub;
    },

    async consumers() {
      return [...groups.values()].map((g) => ({
        consumer: g.name,
        stream: null,
        pending: g.queue.length,
        inFlight: g.members.reduce((n, m) => n + m.inFlight.size, 0),
        redelivered: g.queue.filter((e) => e.attempts > 0).length,
      }));
    },

    async ping() {
      assertOpen();
    },

    async close() {
      if (closed) return;
      const all = [...groups.values()].flatMap((g) => g.members.map((m) => closeMember(d, g, m)));
      await Promise.all(all);
      closed = true;
      live.clear();
      for (const g of groups.values()) {
        if (g.timer) clearTimeout(g.timer);
        g.timer = undefined;
      }
    },
  };
}

/** Event ids published within the duplicate window, like JetStream's dedupe. */
function createSeenIds() {
  // Insertion order is expiry order (one window for all), so pruning stops at the first live id.
  const seen = new Map<string, number>();
  return {
    /** True the first time an id is seen within the window (and remembers it). */
    first(id: string, now: number, windowMs: number): boolean {
      for (const [old, expires] of seen) {
        if (expires > now) break;
        seen.delete(old);
      }
      if (seen.has(id)) return false;
      seen.set(id, now + windowMs);
      return true;
    },
  };
}
