import type { Conditions } from './conditions.ts';
import { coldStat, type Fix, observe, segmentSpeeds } from './eta-learning.ts';
import { defaultSpeedMps } from './eta-stats.ts';
import type { EtaRepository } from './eta.repository.ts';
import { asTraveller } from './weather-slowdown.ts';

/**
 * The moving segments of recent history, folded into the speed per vehicle (and fleet) and hour.
 * Each segment's speed is taken times the traffic and weather factor that held at its middle (the
 * weather's as learned for the vehicle), so the learned speed is the one of a free, dry street
 * (estimates multiply it back). The weather's factor is learned from delivered rides against
 * speeds learned outside weather (weather-learning.ts), not from these: no loop between the two.
 */
export async function learnSpeeds(
  repo: EtaRepository,
  hour: number,
  fixes: ReadonlyArray<Fix & { vehicle: string }>,
  conditions: Conditions,
): Promise<number> {
  const byVehicle = new Map<string, Fix[]>();
  for (const f of fixes) {
    const list = byVehicle.get(f.vehicle) ?? [];
    list.push(f);
    byVehicle.set(f.vehicle, list);
  }
  let learned = 0;
  for (const [vehicle, list] of byVehicle) {
    const who = asTraveller(vehicle);
    const samples = segmentSpeeds(
      list,
      {},
      (a, b) =>
        conditions.at(
          { lat: (a.lat + b.lat) / 2, lng: (a.lng + b.lng) / 2 },
          (a.at + b.at) / 2,
          who,
        ).factor,
    );
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
