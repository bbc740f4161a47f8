import { afterEach } from 'vitest';
import { waitFor } from '../../../test/support/wait.ts';
import { type DomainEvent, newEvent } from './event.ts';
import type { DeadLetter, DeadLetterSink, Delivery, EventBus, EventHandler } from './port.ts';

// The bus contract's recorders and stream markers (bus.contract.ts, bus-consumers.contract.ts).

export interface Recorder {
  handler: EventHandler;
  /** Every delivery but the markers'. */
  events: DomainEvent[];
  attempts: number[];
  /** Ids of the markers delivered. */
  markers: string[];
  ids(): string[];
}

/** Events that only mark a point in a stream (see `barrier`); recorders keep them apart. */
const markerIds = new Set<string>();

export function recorder(
  body?: (event: DomainEvent, delivery: Delivery) => Promise<void>,
): Recorder {
  const r: Recorder = {
    events: [],
    attempts: [],
    markers: [],
    ids: () => r.events.map((e) => e.id),
    handler: async (event, delivery) => {
      if (markerIds.has(event.id)) {
        r.markers.push(event.id);
        return;
      }
      r.events.push(event);
      r.attempts.push(delivery.attempt);
      if (body) await body(event, delivery);
    },
  };
  return r;
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export const sorted = (xs: readonly string[]) => [...xs].sort();

/**
 * Publishes a marker event of `type` after the events under test and waits until each recorder
 * has it. A stream delivers in order and a recorder notes an event as its handler starts, so
 * whatever else the bus was going to deliver of the earlier events of that stream (a duplicate,
 * an unwanted type, a retry after success) has arrived by then: "exactly once" is checked
 * without sleeping. With several recorders sharing a consumer name, pass `{ any: true }`: one of
 * them gets it.
 */
export async function barrier(
  bus: EventBus,
  type: string,
  recorders: Recorder[],
  opts: { any?: boolean } = {},
): Promise<void> {
  const marker = newEvent(type, { marker: true });
  markerIds.add(marker.id);
  await bus.publish([marker]);
  const has = (r: Recorder) => r.markers.includes(marker.id);
  await waitFor(
    () => (opts.any ? recorders.some(has) : recorders.every(has)),
    10_000,
    `marker ${type}`,
  );
}

/**
 * Fresh buses for each test of a suite, closed after it together with whatever the test left
 * waiting (`cleanups`: handlers held open on purpose are released first).
 */
export function busHarness(makeBus: (deadLetter: DeadLetterSink) => Promise<EventBus>) {
  const buses: EventBus[] = [];
  const cleanups: (() => void)[] = [];
  async function setup(): Promise<{ bus: EventBus; deadLetters: DeadLetter[] }> {
    const deadLetters: DeadLetter[] = [];
    const bus = await makeBus(async (entry) => {
      deadLetters.push(entry);
    });
    buses.push(bus);
    return { bus, deadLetters };
  }
  afterEach(async () => {
    for (const c of cleanups.splice(0)) c();
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });
  return { setup, cleanups };
}
