import { coldStat, observe, type Stat } from '../src/modules/eta/eta-learning.ts';
import {
  estimateArrival,
  HANDOVER_S,
  naiveArrival,
  PICKUP_S,
} from '../src/modules/eta/eta-math.ts';
import { haversineMeters } from '../src/platform/geo/haversine.ts';

/**
 * ETA error on simulated deliveries: stores with their own preparation habits, riders with their
 * own speeds, streets with their own detours. Each delivery is predicted when the store accepts
 * it (ours: learned preparation per store and speed per vehicle, updated after every delivery;
 * the old naive: straight-line distance at 5 m/s, as a map app would say; the honest naive: the
 * store's mean preparation time plus the straight-line distance at the fleet's mean straight-line
 * speed), then "happens", and teaches ours.
 * Deterministic (seeded); the error is measured after a warm-up.
 */
export function etaErrorSimulation(
  deliveries = 4000,
  warmup = 1000,
): ReturnType<typeof errorSummary> {
  let seed = 7;
  const rand = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const stores = Array.from({ length: 40 }, () => ({
    lat: 52.45 + rand() * 0.15,
    lng: 13.3 + rand() * 0.2,
    prepMeanS: 360 + rand() * 600,
  }));
  const vehicles = [
    { kind: 'bike', speed: 4.5 },
    { kind: 'scooter', speed: 7 },
    { kind: 'car', speed: 6 },
  ];
  // The fleet's mean straight-line speed: mean vehicle speed (riders vary ±15 % around it) over
  // the mean detour of the streets (1.2 to 1.45).
  const meanSpeed = vehicles.reduce((a, v) => a + v.speed, 0) / vehicles.length / 1.325;
  const prep = new Map<number, Stat>();
  const speed = new Map<string, Stat>();
  const ours: number[] = [];
  const naive: number[] = [];
  const honest: number[] = [];
  for (let i = 0; i < deliveries; i++) {
    const si = Math.floor(rand() * stores.length);
    const store = stores[si] as (typeof stores)[number];
    const v = vehicles[Math.floor(rand() * vehicles.length)] as (typeof vehicles)[number];
    const door = { lat: store.lat + (rand() - 0.5) * 0.04, lng: store.lng + (rand() - 0.5) * 0.06 };
    const driver = {
      lat: store.lat + (rand() - 0.5) * 0.02,
      lng: store.lng + (rand() - 0.5) * 0.03,
    };
    // What really happens.
    const prepS = store.prepMeanS * (0.6 + 0.8 * rand()) + Math.max(0, normal() * 60);
    const riderSpeed = v.speed * (0.85 + 0.3 * rand());
    const detour = 1.2 + 0.25 * rand();
    const toStoreS =
      (haversineMeters(driver.lat, driver.lng, store.lat, store.lng) * detour) / riderSpeed;
    const toDoorS =
      (haversineMeters(store.lat, store.lng, door.lat, door.lng) * detour) / riderSpeed;
    const actualS = Math.max(prepS, toStoreS) + PICKUP_S + toDoorS + HANDOVER_S * (0.5 + rand());
    // What we predicted when the store accepted.
    const p = prep.get(si) ?? coldStat(600, 900);
    const sp = speed.get(v.kind) ?? coldStat(5.5, 7);
    const eta = estimateArrival({
      now: 0,
      phase: 'preparing',
      readyAt: p.mean * 1000,
      store,
      dropoff: door,
      driver,
      speedMps: sp.mean,
      unassignedPickupS: 300,
      prepSpreadS: p.p90 - p.mean,
    });
    const naiveAt = naiveArrival(0, store, door);
    const honestAt = store.prepMeanS * 1000 + naiveArrival(0, store, door, meanSpeed);
    if (i >= warmup) {
      ours.push(Math.abs(eta.at / 1000 - actualS) / 60);
      naive.push(Math.abs(naiveAt / 1000 - actualS) / 60);
      honest.push(Math.abs(honestAt / 1000 - actualS) / 60);
    }
    // What the delivery teaches: its preparation time and the rider's straight-line speed.
    prep.set(si, observe(p, prepS));
    speed.set(v.kind, observe(sp, riderSpeed / 1.3, 0.05));
  }
  return errorSummary(ours, naive, honest);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)] ?? 0;

/** Mean and 90th-percentile absolute error (minutes) of each estimate. */
function errorSummary(ours: number[], naive: number[], honest: number[]) {
  return {
    ours_mae_min: mean(ours),
    naive_mae_min: mean(naive),
    honest_naive_mae_min: mean(honest),
    ours_p90_min: p90(ours),
    naive_p90_min: p90(naive),
    honest_naive_p90_min: p90(honest),
  };
}
