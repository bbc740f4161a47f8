import { cellToLatLng, latLngToCell } from 'h3-js';
import { afterAll, beforeAll } from 'vitest';
import type { LatLng } from '../../src/modules/eta/eta-math.ts';
import { ZONE_RES, zoneOf } from '../../src/modules/eta/eta-model.ts';
import type { Timeline } from '../../src/modules/eta/eta-timeline.ts';
import { etaFor } from '../../src/modules/eta/index.ts';
import { type PartDurations, seeded, timelineOf } from './eta-memory.ts';
import { callAs, startTestPlatform, type TestPlatform } from './platform.ts';

// The synthetic ETA world on a running platform lives apart from eta-memory.ts, so the unit tests
// of the model (which learn in memory) need no platform.

export const MIN = 60_000;
/** The synthetic store. */
export const STORE: LatLng = { lat: 53.55, lng: 9.99 };
const [zLat, zLng] = cellToLatLng(latLngToCell(53.572, 9.99, ZONE_RES));
/** The centre of the zone (an H3 cell of the zone resolution) about 2.5 km north of the store. */
export const ZONE_CENTRE: LatLng = { lat: zLat, lng: zLng };
const ALL_PARTS = ['accept', 'prep', 'pickup_lag', 'ride', 'handover', 'delivery'] as const;

/**
 * A synthetic evening of one store whose truth the test knows: a platform started before the
 * suite's tests (stopped after) on a test clock that starts at `startsAt` and only the test moves,
 * orders to doors in the zone drawn from the generator seeded with `seed`, each delivered in the
 * durations the test tells and learned from.
 */
export function etaWorld(o: { seed: number; storeId: string; startsAt: number }) {
  const { rand, normal } = seeded(o.seed);
  const clock = { ms: o.startsAt };
  let platform: TestPlatform | undefined;
  beforeAll(async () => {
    platform = await startTestPlatform({ clock: { now: () => clock.ms } });
  });
  afterAll(async () => {
    await platform?.stop();
  });
  const t = () => {
    if (!platform) throw new Error('the ETA world is used before its platform started');
    return platform;
  };
  const eta = () => etaFor(t().platform.ctx);
  /** An order of the store to this door, its backlog not known (as for the synthetic timelines). */
  const orderAt = (door: LatLng) => ({
    storeId: o.storeId,
    store: STORE,
    dropoff: door,
    defaultPrepS: 300,
    backlog: null,
  });
  /** A door within about 300 m of the zone's centre (well inside its cell). */
  const doorIn = (): LatLng => ({
    lat: ZONE_CENTRE.lat + ((rand() - 0.5) * 600) / 111_195,
    lng: ZONE_CENTRE.lng + ((rand() - 0.5) * 600) / 66_000,
  });

  return {
    rand,
    normal,
    clock,
    t,
    eta,
    orderAt,
    /** Orders placed every 5 s from now on: `each` is told the order's index and its door. */
    async every5s<T>(n: number, each: (i: number, door: LatLng) => Promise<T>): Promise<T[]> {
      const out: T[] = [];
      for (let i = 0; i < n; i++, clock.ms += 5000) out.push(await each(i, doorIn()));
      return out;
    },
    /** The order to `door` placed now, its parts taking `took`, delivered and learned from. */
    async deliver(door: LatLng, took: PartDurations, more: Partial<Timeline> = {}) {
      const timeline = timelineOf({ ...orderAt(door), ...more }, clock.ms, took);
      await eta().learn({ timeline, parts: [...ALL_PARTS] });
      return timeline;
    },
    /** The ride speed learned for the zone (m/s, along the straight line), over all hours. */
    rideMps: async () =>
      (await eta().learnedFor(zoneOf(ZONE_CENTRE))).find((s) => s.kind === 'ride' && s.hour === -1)
        ?.mean as number,
    /** The weather service says, through the ops route, that it rains over the whole city. */
    async forecastRain(from: number, minutes: number) {
      const ops = await t().tokenFor('ops');
      return callAs(t(), ops, 'PUT', '/v1/ops/conditions', {
        source: 'weather',
        conditions: [
          {
            kind: 'rain',
            starts_at: new Date(from).toISOString(),
            ends_at: new Date(from + minutes * MIN).toISOString(),
          },
        ],
      });
    },
  };
}
