import type { Fix, Learned } from './eta-learning.ts';
import { type CheckoutEta, checkoutEta, hourOf, learnedPrep, prepKeys } from './eta-model.ts';
import {
  type EtaDeps,
  type EtaRequest,
  estimateWith,
  etaInputs,
  type OrderAt,
} from './eta-inputs.ts';
import {
  learnedAfter,
  observationsOf,
  perStatistic,
  type Timeline,
  type TimelinePart,
} from './eta-timeline.ts';
import { learnSpeeds } from './speed-learning.ts';
import { paceOf, type TravelPace } from './travel-times.ts';

export type { EtaDeps, EtaRequest } from './eta-inputs.ts';

/** Parts of an order's timeline that just became known, for the ETA to learn from. */
export interface TimelineSample {
  timeline: Timeline;
  parts: TimelinePart[];
}

/**
 * Estimates from learned statistics, travel times from the provider (the straight line at the
 * learned speeds, or a routing service) and the traffic and weather of the conditions feed, all
 * cached in process (refreshed in the background), so an estimate costs no query on the hot path:
 * checkout and the tracking pushes call it freely.
 */
export function etaService(deps: EtaDeps) {
  const { clock } = deps;
  const inputs = etaInputs(deps);
  const { repo, stats, conditions, travel, checkoutInput } = inputs;

  /** Folds the observations into their statistics: one transaction, each statistic once. */
  async function fold(t: Timeline, parts: readonly TimelinePart[]): Promise<void> {
    const placed = t.placedAt ?? t.acceptedAt ?? clock.now();
    // Only the whole delivery's error is measured against the checkout's sum, routed ride and all.
    const { look, input, held } = await checkoutInput(t, placed, parts.includes('delivery'));
    const model = { rideS: input.rideS, conditions: held };
    const byStat = perStatistic(observationsOf(t, parts, look, input.streetSpeedMps, model));
    await repo.updateLearned([...byStat.keys()], (k, current) =>
      learnedAfter(k.kind, current, byStat.get(k) ?? [], t.defaultPrepS),
    );
    stats.forget(new Set([...byStat.keys()].map((k) => k.key)));
  }

  return {
    estimate: (r: EtaRequest) => estimateWith(inputs, clock.now(), r),

    /** The ETA promised at checkout, for an order not yet accepted: its point and its window. */
    async promise(p: OrderAt): Promise<CheckoutEta> {
      const { look, input } = await checkoutInput(p, clock.now());
      return checkoutEta(look, input);
    },

    /**
     * Parts of an order's way just became known (tracking hands each over once): each teaches
     * its statistic per store or zone, hour and the fleet; a delivered order also the error of
     * the checkout ETA.
     */
    learn: (s: TimelineSample): Promise<void> =>
      s.parts.length === 0 ? Promise.resolve() : fold(s.timeline, s.parts),

    /**
     * A store's preparation for an order it accepts now, as learned at this hour and at the
     * backlog the order met (cached: no query once read): dispatch times its offers by it.
     */
    async prep(o: {
      storeId: string;
      defaultPrepS: number;
      backlog: number | null;
    }): Promise<Learned> {
      const look = await stats.lookup(prepKeys(o.storeId, o.backlog));
      return learnedPrep(look, o.storeId, hourOf(clock.now()), o.defaultPrepS, o.backlog);
    },

    /** What was learned for a store, a zone or the fleet (`all`), for operators and tests. */
    learnedFor: (key: string) => repo.learnedFor(key),

    /** Folds the moving segments of recent history into the speed per vehicle and hour. */
    async learnSpeeds(fixes: ReadonlyArray<Fix & { vehicle: string }>): Promise<number> {
      const held = await conditions.current();
      const learned = await learnSpeeds(repo, hourOf(clock.now()), fixes, held);
      stats.forgetSpeeds();
      return learned;
    },

    /**
     * Dispatch's pace: the straight line at each vehicle's learned speed under the traffic and
     * weather now, as a synchronous snapshot (no query: both are cached).
     */
    async pace(): Promise<TravelPace> {
      const now = clock.now();
      const [speeds, held] = await Promise.all([stats.speedsAt(hourOf(now)), conditions.current()]);
      return paceOf(speeds, held, now);
    },

    /** Which provider answers travel times: `straight`, or `osrm` (falling back to the straight line). */
    travel,
    /** The traffic and weather feed. */
    conditions,
  };
}

export type EtaService = ReturnType<typeof etaService>;
