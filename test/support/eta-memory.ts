import type { Learned } from '../../src/modules/eta/eta-learning.ts';
import type { Lookup, PartKind } from '../../src/modules/eta/eta-model.ts';
import {
  completedParts,
  learnedAfter,
  observationsOf,
  type Timeline,
} from '../../src/modules/eta/eta-timeline.ts';

/**
 * A deterministic generator (uniform `rand` in (0, 1), standard `normal`), so a synthetic world is
 * the same every run: the same seed draws the same numbers in the same order.
 */
export function seeded(seed: number) {
  let s = seed;
  const rand = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return { rand, normal };
}

/**
 * The learned statistics in memory, updated as the service folds them: each order's timeline
 * handed over at once (`deliver`), or once the simulated clock passes its delivery (`deliverLater`,
 * then `learnUntil` as the clock moves), as tracking hands a delivery's parts over.
 */
export function memoryStats() {
  const table = new Map<string, Learned>();
  const id = (kind: PartKind, key: string, hour: number) => `${kind}|${key}|${hour}`;
  const look: Lookup = (kind, key, hour) => table.get(id(kind, key, hour)) ?? null;
  /** Timelines not delivered yet by the simulated clock, the earliest delivery first. */
  const pending: Timeline[] = [];
  const deliveredAt = (t: Timeline) => t.deliveredAt ?? Number.POSITIVE_INFINITY;

  /** One order's timeline handed over moment by moment, as tracking hands it to the ETA. */
  function deliver(t: Timeline) {
    const moments = ['acceptedAt', 'readyAt', 'pickedUpAt', 'atDropoffAt', 'deliveredAt'] as const;
    let seen: Timeline = { ...t, acceptedAt: null, readyAt: null, pickedUpAt: null };
    seen = { ...seen, atDropoffAt: null, deliveredAt: null };
    for (const m of moments) {
      const next = { ...seen, [m]: t[m] };
      const parts = completedParts(seen, next);
      for (const o of observationsOf(next, parts, look, 5.5)) {
        const k = id(o.kind, o.key, o.hour);
        table.set(k, learnedAfter(o.kind, table.get(k) ?? null, [o.x], t.defaultPrepS));
      }
      seen = next;
    }
  }

  return {
    look,
    deliver,
    /** Keeps the timeline until `learnUntil` passes its delivery (after those delivered as early). */
    deliverLater(t: Timeline) {
      const after = pending.findIndex((p) => deliveredAt(p) > deliveredAt(t));
      pending.splice(after < 0 ? pending.length : after, 0, t);
    },
    /** Hands over every kept timeline delivered by `now`, the earliest delivery first. */
    learnUntil(now: number) {
      while (pending.length > 0 && deliveredAt(pending[0] as Timeline) <= now)
        deliver(pending.shift() as Timeline);
    },
  };
}

/** How long each part of one synthetic delivery took, in seconds. */
export interface PartDurations {
  accept: number;
  prep: number;
  lag: number;
  ride: number;
  handover: number;
}

/**
 * A synthetic order's timeline as tracking would hand it over: placed at `placedAt`, then each
 * part one after the other for its duration.
 */
export function timelineOf(
  order: Pick<Timeline, 'storeId' | 'store' | 'dropoff'> & Partial<Timeline>,
  placedAt: number,
  o: PartDurations,
): Timeline {
  const acceptedAt = placedAt + o.accept * 1000;
  const readyAt = acceptedAt + o.prep * 1000;
  const pickedUpAt = readyAt + o.lag * 1000;
  const atDropoffAt = pickedUpAt + o.ride * 1000;
  const deliveredAt = atDropoffAt + o.handover * 1000;
  return {
    defaultPrepS: 300,
    backlog: null,
    ...order,
    placedAt,
    acceptedAt,
    readyAt,
    pickedUpAt,
    atDropoffAt,
    deliveredAt,
  };
}
