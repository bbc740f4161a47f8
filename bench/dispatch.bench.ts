import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { dispatchFor } from '../src/modules/dispatch/index.ts';
import { newTrip } from '../src/modules/dispatch/trips.repository.ts';
import { allModules } from '../src/modules/index.ts';
import { startPlatform } from '../src/platform/boot.ts';
import { benchConfig, percentile } from './bench-db.ts';
import { round } from './load.ts';
import { type BenchFigures, type Benchmark } from './result.ts';

const CENTRE = { lat: 52.52, lng: 13.405 };
const SCALE = {
  quick: { drivers: 2000, searches: 500, trips: 300 },
  full: { drivers: 20_000, searches: 5000, trips: 2000 },
};

/** Deterministic spread over a 33 × 34 km metro area. */
function spread(i: number, salt: number): { lat: number; lng: number } {
  const a = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
  const b = Math.sin(i * 39.3468 + salt * 11.135) * 24634.6345;
  return {
    lat: CENTRE.lat + (a - Math.floor(a) - 0.5) * 0.3,
    lng: CENTRE.lng + (b - Math.floor(b) - 0.5) * 0.5,
  };
}

async function run(quick: boolean): Promise<BenchFigures> {
  const s = quick ? SCALE.quick : SCALE.full;
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const config = benchConfig({ REDIS_URL: redisUrl, LASTMILE_DB_POOL: '20' });
  // Database, Redis and the dispatcher only: no HTTP, no consumers, no periodic dispatch pass.
  const platform = await startPlatform(
    { ...config, roles: [] },
    { modules: allModules, workflows: false, listen: false },
  );
  try {
    const { db } = platform.ctx;
    const { dispatcher } = dispatchFor(platform.ctx);
    const positions = platform.ctx.geo('drivers');
    await sql`DELETE FROM offers WHERE trip_id IN (SELECT id FROM trips WHERE items = 7 AND status IN ('searching', 'offered'))`.execute(
      db,
    );
    await sql`DELETE FROM trips WHERE items = 7 AND status IN ('searching', 'offered')`.execute(db);
    await sql`DELETE FROM drivers WHERE name LIKE 'bench-dispatch-%'`.execute(db);
    const redis = new Redis(redisUrl);
    await redis.del(`${config.namespace}:geo:drivers`, `${config.namespace}:geo:drivers:at`);
    redis.disconnect();

    const ids = (
      await sql<{
        id: string;
      }>`INSERT INTO drivers (id, name, vehicle, capacity_items, status, offers_received, offers_accepted, last_job_at)
        SELECT gen_random_uuid(), 'bench-dispatch-' || g, (ARRAY['bike', 'scooter', 'car'])[1 + g % 3], 25, 'available', g % 20, g % 20 - g % 7 / 3, now() - make_interval(secs => g % 3600)
        FROM generate_series(1, ${s.drivers}) g RETURNING id`.execute(db)
    ).rows.map((r) => r.id);
    const now = Date.now();
    for (let i = 0; i < ids.length; i += 5000) {
      await positions.upsert(
        ids.slice(i, i + 5000).map((id, k) => ({ id, ...spread(i + k, 1), at: now })),
      );
    }

    const stores = Array.from({ length: 200 }, (_, i) => spread(i, 2));
    const tripAt = (i: number) =>
      newTrip({
        id: uuidv7(),
        storeId: uuidv7(),
        pickup: stores[i % stores.length] ?? CENTRE,
        items: 7,
        dispatchAt: new Date(now),
        now: new Date(now),
        status: 'searching',
      });

    // Candidate search as dispatch runs it (geo search, two lookups, scoring) vs greedy nearest.
    const radiusM = config.dispatch.radiiM[0] ?? 3000;
    const ours: number[] = [];
    const greedy: number[] = [];
    const fresh = now - config.drivers.staleS * 1000;
    for (let i = 0; i < s.searches; i++) {
      const trip = tripAt(i);
      let t0 = performance.now();
      await dispatcher.candidates(trip, radiusM);
      ours.push(performance.now() - t0);
      t0 = performance.now();
      await positions.search({
        lat: trip.pickup_lat,
        lng: trip.pickup_lng,
        radiusM,
        limit: 1,
        freshSince: fresh,
      });
      greedy.push(performance.now() - t0);
    }
    ours.sort((a, b) => a - b);
    greedy.sort((a, b) => a - b);
    const searchStart = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async (_, w) => {
        for (let i = w; i < s.searches; i += 16) await dispatcher.candidates(tripAt(i), radiusM);
      }),
    );
    const searchesPerS = s.searches / ((performance.now() - searchStart) / 1000);

    // Offers: due trips worked by concurrent dispatcher passes until each has its offer.
    const trips = Array.from({ length: s.trips }, (_, i) => tripAt(i * 7 + 3));
    for (let i = 0; i < trips.length; i += 500)
      await db
        .insertInto('trips')
        .values(trips.slice(i, i + 500))
        .execute();
    // Greedy assignment of the same trips in the same order: the nearest driver nobody has yet.
    const taken = new Set<string>();
    const greedyPickup: number[] = [];
    for (const t of trips) {
      const hits = await positions.search({
        lat: t.pickup_lat,
        lng: t.pickup_lng,
        radiusM,
        limit: 50,
        freshSince: fresh,
      });
      const pick = hits.find((h) => !taken.has(h.id));
      if (pick) {
        taken.add(pick.id);
        greedyPickup.push(pick.distanceM);
      }
    }
    const offerStart = performance.now();
    for (;;) {
      const passes = await Promise.all([dispatcher.tick(), dispatcher.tick()]);
      if (passes.every((p) => p.worked === 0)) break;
    }
    const offerS = (performance.now() - offerStart) / 1000;
    const tripIds = trips.map((t) => t.id);
    const offered = await sql<{
      n: number;
      pickup: number;
    }>`SELECT count(*)::int AS n, avg(pickup_m)::float8 AS pickup FROM offers WHERE trip_id = ANY(${tripIds}::uuid[])`.execute(
      db,
    );
    const twoPerDriver = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM (SELECT driver_id FROM offers WHERE status = 'open' GROUP BY driver_id HAVING count(*) > 1) x`.execute(
      db,
    );
    const twoPerTrip = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM (SELECT trip_id FROM offers WHERE status = 'open' GROUP BY trip_id HAVING count(*) > 1) x`.execute(
      db,
    );
    const offers = offered.rows[0]?.n ?? 0;
    // Leave nothing for the next run or a dev instance on the same database.
    await sql`DELETE FROM offers WHERE trip_id = ANY(${tripIds}::uuid[])`.execute(db);
    await sql`DELETE FROM trips WHERE id = ANY(${tripIds}::uuid[])`.execute(db);
    await sql`DELETE FROM outbox WHERE type = 'dispatch.offer_made' AND published_at IS NULL`.execute(
      db,
    );

    const oursP99 = percentile(ours, 99);
    const greedyP99 = percentile(greedy, 99);
    return {
      scale: { drivers: s.drivers, searches: s.searches, trips: s.trips, radius_m: radiusM },
      metrics: {
        search_p50_ms: round(percentile(ours, 50), 2),
        search_p99_ms: round(oursP99, 2),
        searches_per_s: round(searchesPerS),
        offers_per_s: round(offers / offerS),
        offers_made: offers,
        pickup_m_avg: round(offered.rows[0]?.pickup ?? 0),
      },
      baseline: {
        search_p50_ms: round(percentile(greedy, 50), 2),
        search_p99_ms: round(greedyP99, 2),
        pickup_m_avg: round(
          greedyPickup.reduce((a, b) => a + b, 0) / Math.max(1, greedyPickup.length),
        ),
      },
      // Greedy's p99 over ours: how much of the bare nearest-driver lookup's speed we keep.
      ratio: round(greedyP99 / oursP99, 3),
      invariants: {
        driver_with_two_open_offers: twoPerDriver.rows[0]?.n ?? 0,
        trip_with_two_open_offers: twoPerTrip.rows[0]?.n ?? 0,
        trips_without_offer: s.trips - offers,
      },
    };
  } finally {
    await platform.stop();
  }
}

export const dispatchBench: Benchmark = {
  name: 'dispatch',
  description:
    'Candidate search p99 at 20k drivers (geo index + availability + scoring) and offers/s, beside a greedy nearest-driver lookup',
  run,
  chart: (r) => ({
    unit: 'ms (p99)',
    bars: [
      {
        label: 'greedy nearest (GEOSEARCH 1)',
        value: r.baseline.search_p99_ms ?? 0,
        baseline: true,
      },
      { label: 'candidate search + scoring', value: r.metrics.search_p99_ms ?? 0, baseline: false },
    ],
  }),
};
