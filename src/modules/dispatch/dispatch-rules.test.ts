import { describe, expect, it } from 'vitest';
import { planBatch } from './batching.ts';
import { dispatchStrategy } from './dispatch-strategy.ts';
import { carryM, rankCandidates, rankNearest, scoreCandidate } from './scoring.ts';

const W = { travel: 1, acceptance: 0.5, vehicle: 0.5, fairness: 0.3 };
const base = { acceptanceRate: 0.9, idleS: 600, capacityItems: 15, vehicle: 'bike' as const };

describe('candidate scoring', () => {
  it('prefers the nearer driver when everything else is equal', () => {
    const ranked = rankCandidates(
      [
        { ...base, driverId: 'far', distanceM: 2500 },
        { ...base, driverId: 'near', distanceM: 400 },
      ],
      { items: 5, carryM: 0 },
      W,
    );
    expect(ranked.map((c) => c.driverId)).toEqual(['near', 'far']);
  });

  it('weighs acceptance rate and fairness against a small detour', () => {
    const ranked = rankCandidates(
      [
        { ...base, driverId: 'declines-a-lot', distanceM: 500, acceptanceRate: 0.3, idleS: 60 },
        {
          ...base,
          driverId: 'reliable-and-waiting',
          distanceM: 800,
          acceptanceRate: 0.95,
          idleS: 3000,
        },
      ],
      { items: 5, carryM: 0 },
      W,
    );
    expect(ranked[0]?.driverId).toBe('reliable-and-waiting');
  });

  it('excludes vehicles too small and penalises ones far too big', () => {
    expect(
      scoreCandidate(
        { ...base, driverId: 'b', distanceM: 100, capacityItems: 15 },
        { items: 40, carryM: 0 },
        W,
      ),
    ).toBeNull();
    const ranked = rankCandidates(
      [
        { ...base, driverId: 'car', vehicle: 'car', capacityItems: 80, distanceM: 300 },
        { ...base, driverId: 'bike', vehicle: 'bike', capacityItems: 15, distanceM: 400 },
      ],
      { items: 3, carryM: 0 },
      W,
    );
    expect(ranked[0]?.driverId).toBe('bike');
    // Forty items: only the car can take them.
    expect(
      rankCandidates(
        [
          { ...base, driverId: 'bike', distanceM: 10 },
          { ...base, driverId: 'car', vehicle: 'car', capacityItems: 80, distanceM: 3000 },
        ],
        { items: 40, carryM: 0 },
        W,
      ).map((c) => c.driverId),
    ).toEqual(['car']);
  });

  it("counts the way to the door at the vehicle's speed: a scooter beats a nearer bike on a long drop-off", () => {
    const job = (carryM: number) => ({ items: 3, carryM });
    const cs = [
      { ...base, driverId: 'bike', distanceM: 400 },
      {
        ...base,
        driverId: 'scooter',
        vehicle: 'scooter' as const,
        capacityItems: 25,
        distanceM: 600,
      },
    ];
    const w = { travel: 1, acceptance: 0.5, vehicle: 0.2, fairness: 0.3 };
    // Next door the bike's shorter way to the store wins; 2 km away the scooter is there minutes sooner.
    expect(rankCandidates(cs, job(0), w).map((c) => c.driverId)).toEqual(['bike', 'scooter']);
    expect(rankCandidates(cs, job(2000), w).map((c) => c.driverId)).toEqual(['scooter', 'bike']);
    expect(
      carryM({ lat: 52.52, lng: 13.405 }, [
        { lat: 52.529, lng: 13.405 },
        { lat: 52.538, lng: 13.405 },
      ]),
    ).toBeCloseTo(2002, -1);
  });

  it('follows the configured weights: with travel only, the nearest wins', () => {
    const onlyTravel = { travel: 1, acceptance: 0, vehicle: 0, fairness: 0 };
    const ranked = rankCandidates(
      [
        { ...base, driverId: 'near-but-unreliable', distanceM: 300, acceptanceRate: 0.1, idleS: 0 },
        { ...base, driverId: 'far', distanceM: 900 },
      ],
      { items: 5, carryM: 0 },
      onlyTravel,
    );
    expect(ranked[0]?.driverId).toBe('near-but-unreliable');
  });
});

describe('greedy ranking (the baseline)', () => {
  const nearButPoor = {
    ...base,
    driverId: 'near',
    distanceM: 400,
    vehicle: 'car' as const,
    capacityItems: 80,
    acceptanceRate: 0.2,
    idleS: 0,
  };
  const farButGood = {
    ...base,
    driverId: 'far',
    distanceM: 1500,
    acceptanceRate: 0.98,
    idleS: 3600,
  };

  it('ranks by distance alone, where the weighted score prefers another driver', () => {
    expect(
      rankCandidates([nearButPoor, farButGood], { items: 3, carryM: 0 }, W).map((c) => c.driverId),
    ).toEqual(['far', 'near']);
    const ranked = rankNearest([farButGood, nearButPoor], { items: 3, carryM: 2000 });
    expect(ranked.map((c) => c.driverId)).toEqual(['near', 'far']);
    expect(ranked[0]?.score).toBe(400);
  });

  it('breaks ties by id and still leaves out a vehicle that cannot carry the items', () => {
    expect(
      rankNearest(
        [
          { ...base, driverId: 'b', distanceM: 500 },
          { ...base, driverId: 'a', distanceM: 500 },
        ],
        { items: 3, carryM: 0 },
      ).map((c) => c.driverId),
    ).toEqual(['a', 'b']);
    expect(
      rankNearest([{ ...base, driverId: 'bike', distanceM: 10 }, nearButPoor], {
        items: 40,
        carryM: 0,
      }).map((c) => c.driverId),
    ).toEqual(['near']);
  });
});

describe('dispatch strategy', () => {
  const job5 = { items: 5, carryM: 1000 };
  const c = [
    { ...base, driverId: 'near', distanceM: 300, acceptanceRate: 0.1, idleS: 0 },
    { ...base, driverId: 'far', distanceM: 900 },
  ];

  it('scored batches, times offers to preparation and ranks by the configured weights', () => {
    const s = dispatchStrategy({ strategy: 'scored', weights: () => W });
    expect(s).toMatchObject({ name: 'scored', batches: true, timedToPreparation: true });
    expect(s.rank(c, job5)[0]?.driverId).toBe('far');
    expect(
      dispatchStrategy({
        strategy: 'scored',
        weights: () => ({ travel: 1, acceptance: 0, vehicle: 0, fairness: 0 }),
      }).rank(c, job5)[0]?.driverId,
    ).toBe('near');
  });

  it('greedy neither batches nor waits, and ranks nearest first whatever the weights', () => {
    const s = dispatchStrategy({ strategy: 'greedy', weights: () => W });
    expect(s).toMatchObject({ name: 'greedy', batches: false, timedToPreparation: false });
    expect(s.rank(c, job5).map((x) => x.driverId)).toEqual(['near', 'far']);
  });
});

describe('batching rule', () => {
  const store = { lat: 52.52, lng: 13.405 };
  const T = Date.UTC(2026, 10, 23, 18, 0, 0);
  const min = 60_000;
  // 0.009 degrees of latitude is about 1 km.
  const order = (id: string, dLat: number, readyIn: number, promiseIn: number) => ({
    id,
    dropoff: { lat: store.lat + dLat, lng: store.lng },
    readyAt: T + readyIn * min,
    promisedAt: T + promiseIn * min,
  });

  it('batches two orders ready together to neighbouring doors', () => {
    const plan = planBatch(store, order('a', 0.009, 10, 30), order('b', 0.0108, 11, 35), 300);
    expect(plan.ok).toBe(true);
    expect(plan.order).toEqual(['a', 'b']);
    expect(plan.delayS.a).toBeLessThanOrEqual(300);
  });

  it('refuses when waiting for the second order makes the first too late', () => {
    const plan = planBatch(store, order('a', 0.009, 10, 25), order('b', 0.0108, 25, 45), 300);
    expect(plan.ok).toBe(false);
    expect(plan.delayS.a).toBeGreaterThan(300);
  });

  it('refuses drop-offs in opposite directions', () => {
    expect(planBatch(store, order('a', 0.018, 10, 40), order('b', -0.018, 10, 40), 300).ok).toBe(
      false,
    );
  });

  it('drops the earlier promise first, whichever order is passed first', () => {
    const plan = planBatch(
      store,
      order('late', 0.0108, 10, 45),
      order('early', 0.009, 10, 30),
      600,
    );
    expect(plan.order).toEqual(['early', 'late']);
  });

  it('with no margin, only a batch that delays nobody passes', () => {
    expect(planBatch(store, order('a', 0.009, 10, 30), order('b', 0.0108, 10, 35), 0).ok).toBe(
      false,
    );
  });
});
