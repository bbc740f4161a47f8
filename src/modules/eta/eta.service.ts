import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { coldStat, type Fix, observe, segmentSpeeds } from './eta-learning.ts';
import { type Eta, estimateArrival, type LatLng, type Phase } from './eta-math.ts';
import {
  type CheckoutEta,
  type CheckoutInput,
  checkoutEta,
  hourOf,
  learnedParts,
  lookupKeys,
} from './eta-model.ts';
import { defaultSpeedMps, learnedStats } from './eta-stats.ts';
import {
  learnedAfter,
  observationsOf,
  perStatistic,
  type Timeline,
  type TimelinePart,
} from './eta-timeline.ts';
import { type EtaRepository, etaRepository } from './eta.repository.ts';

/** Until a driver is assigned and nothing is learned: the time for one to reach the store. */
const UNASSIGNED_PICKUP_S = 300;

export interface EtaRequest {
  phase: Phase;
  storeId: string;
  store: LatLng;
  dropoff: LatLng;
  /** Expected ready time if known (dispatch's estimate or the store's mark); else learned from the store. */
  readyAt: number | null;
  /** When the store accepted (preparation starts). */
  acceptedAt: number | null;
  driver: (LatLng & { vehicle: string }) | null;
  /** The store's configured average preparation time, the prior for a store with no history. */
  defaultPrepS: number;
  /** The store's orders not yet picked up when this one was placed (null: not known). */
  backlog: number | null;
  /** The doors its trip stops at before this one (a batched order), in order. */
  stopsBefore: readonly LatLng[];
}

/** Parts of an order's timeline that just became known, for the ETA to learn from. */
export interface TimelineSample {
  timeline: Timeline;
  parts: TimelinePart[];
}

/**
 * Estimates from learned statistics, cached in process (refreshed in the background), so an
 * estimate costs no query on the hot path: checkout and the tracking pushes call it freely.
 */
export function etaService(deps: { db: Db; clock: Clock }) {
  const { clock } = deps;
  const repo = etaRepository(deps.db);
  const stats = learnedStats(repo, clock);

  /** The checkout model's view of an order placed at `now` (its statistics read first). */
  async function modelInput(o: Omit<CheckoutInput, 'now' | 'streetSpeedMps'>, now: number) {
    const look = await stats.lookup(lookupKeys(o.storeId, o.dropoff, o.backlog));
    const streetSpeedMps = await stats.speedMps(null, hourOf(now));
    const { storeId, store, dropoff, defaultPrepS, backlog } = o;
    return { look, input: { storeId, store, dropoff, defaultPrepS, backlog, now, streetSpeedMps } };
  }

  async function estimate(r: EtaRequest): Promise<Eta> {
    const now = clock.now();
    const since = r.acceptedAt ?? now;
    const { look, input } = await modelInput(r, since);
    const parts = learnedParts(look, input);
    return estimateArrival({
      now,
      phase: r.phase,
      readyAt: r.readyAt ?? since + parts.prep.mean * 1000,
      store: r.store,
      dropoff: r.dropoff,
      driver: r.driver,
      stopsBefore: r.stopsBefore,
      speedMps: await stats.speedMps(r.driver?.vehicle ?? null, hourOf(now)),
      unassignedPickupS: UNASSIGNED_PICKUP_S,
      prepSpreadS: Math.max(60, parts.prep.hi - parts.prep.mean),
      learned: {
        pickupLagS: parts.lag.mean,
        straightMps: parts.speed.mean,
        handoverS: parts.handover.mean,
      },
    });
  }

  /** Folds the observations into their statistics: one transaction, each statistic once. */
  async function fold(t: Timeline, parts: readonly TimelinePart[]): Promise<void> {
    const { look, input } = await modelInput(t, t.placedAt ?? t.acceptedAt ?? clock.now());
    const byStat = perStatistic(observationsOf(t, parts, look, input.streetSpeedMps));
    await repo.updateLearned([...byStat.keys()], (k, current) =>
      learnedAfter(k.kind, current, byStat.get(k) ?? [], t.defaultPrepS),
    );
    stats.forget(new Set([...byStat.keys()].map((k) => k.key)));
  }

  return {
    estimate,

    /** The ETA promised at checkout, for an order not yet accepted: its point and its window. */
    async promise(p: Omit<CheckoutInput, 'now' | 'streetSpeedMps'>): Promise<CheckoutEta> {
      const { look, input } = await modelInput(p, clock.now());
      return checkoutEta(look, input);
    },

    /**
     * Parts of an order's way just became known (tracking hands each over once): each teaches
     * its statistic per store or zone, hour and the fleet; a delivered order also the error of
     * the checkout ETA.
     */
    learn: (s: TimelineSample): Promise<void> =>
      s.parts.length === 0 ? Promise.resolve() : fold(s.timeline, s.parts),

    /** What was learned for a store, a zone or the fleet (`all`), for operators and tests. */
    learnedFor: (key: string) => repo.learnedFor(key),

    /** Folds the moving segments of recent history into the speed per vehicle and hour. */
    async learnSpeeds(fixes: ReadonlyArray<Fix & { vehicle: string }>): Promise<number> {
      const learned = await learnSpeeds(repo, hourOf(clock.now()), fixes);
      stats.forgetSpeeds();
      return learned;
    },
  };
}

/** The moving segments of recent history, folded into the speed per vehicle (and fleet) and hour. */
async function learnSpeeds(
  repo: EtaRepository,
  hour: number,
  fixes: ReadonlyArray<Fix & { vehicle: string }>,
): Promise<number> {
  const byVehicle = new Map<string, Fix[]>();
  for (const f of fixes) byVehicle.set(f.vehicle, [...(byVehicle.get(f.vehicle) ?? []), f]);
  let learned = 0;
  for (const [vehicle, list] of byVehicle) {
    const samples = segmentSpeeds(list);
    if (samples.length === 0) continue;
    for (const key of [vehicle, 'fleet']) {
      await repo.updateSpeedStat(key, hour, (current) => {
        const prior = defaultSpeedMps(key);
        let s = current ?? coldStat(prior, prior * 1.4);
        for (const v of samples) s = observe(s, v, 0.01);
        return s;
      });
    }
    learned += samples.length;
  }
  return learned;
}

export type EtaService = ReturnType<typeof etaService>;
