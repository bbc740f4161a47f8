import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { dispatchFor } from '../src/modules/dispatch/index.ts';
import { newTrip } from '../src/modules/dispatch/trips.repository.ts';
import { allModules } from '../src/modules/index.ts';
import { type RunningPlatform, startPlatform } from '../src/platform/boot.ts';
import { benchConfig } from './bench-db.ts';
import { CENTRE, clearLastRun, placeDrivers, seedDrivers, spread } from './dispatch-drivers.ts';
import { type LatencyHistogram, latencyHistogram } from './histogram.mjs';
import { median, round } from './load.ts';
import { type BenchFigures, type Benchmark } from './result.ts';

const SCALE = {
  quick: { drivers: 2000, searches: 500, trips: 300 },
  full: { drivers: 20_000, searches: 5000, trips: 2000 },
};

type Scale = (typeof SCALE)['quick'];
type Dispatcher = ReturnType<typeof dispatchFor>['dispatcher'];
type Positions = ReturnType<RunningPlatform['ctx']['geo']>;
type Trip = ReturnType<typeof newTrip>;

/** What the measurements share: the dispatcher, the index, and where the trips are. */
interface Bench {
  db: RunningPlatform['ctx']['db'];
  dispatcher: Dispatcher;
  positions: Positions;
  tripAt: (i: number) => Trip;
  radiusM: number;
  /** Positions older than this are stale. */
  fresh: number;
  /** Takes every driver's position again now (same spot), so none goes stale during a long run. */
  restamp: () => Promise<void>;
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
    await clearLastRun(db, redisUrl, config.namespace);
    const { now, ids } = await seedDrivers(db, positions, s.drivers);
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
    const radiusM = config.dispatch.radiiM[0] ?? 3000;
    const staleMs = config.drivers.staleS * 1000;
    const bench: Bench = {
      ...{ db, dispatcher, positions, tripAt, radiusM, fresh: now - staleMs },
      // The dispatcher reads freshness from the clock: a full-scale run outlasts the stale window.
      restamp: async () => {
        bench.fresh = (await placeDrivers(positions, ids)) - staleMs;
      },
    };
    const search = await measureSearch(bench, s);
    const offers = await measureOffers(bench, s);
    return figuresOf(s, radiusM, search, offers);
  } finally {
    await platform.stop();
  }
}

const SEARCH_ROUNDS = 3;

/**
 * Candidate search as dispatch runs it (geo search, two lookups, scoring) vs greedy nearest, in
 * SEARCH_ROUNDS rounds alternating the two (the side going first swaps each round): a p99 each.
 */
async function measureSearch(b: Bench, s: Scale) {
  const rounds: Array<{ ours: LatencyHistogram; greedy: LatencyHistogram }> = [];
  const per = Math.ceil(s.searches / SEARCH_ROUNDS);
  const time = async (h: LatencyHistogram, f: () => Promise<unknown>) => {
    const t0 = performance.now();
    await f();
    h.record(performance.now() - t0);
  };
  for (let r = 0; r < SEARCH_ROUNDS; r++) {
    await b.restamp();
    const round = { ours: latencyHistogram(), greedy: latencyHistogram() };
    const oursSide = async () => {
      for (let i = r * per; i < (r + 1) * per; i++)
        await time(round.ours, () => b.dispatcher.candidates(b.tripAt(i), b.radiusM));
    };
    const greedySide = async () => {
      for (let i = r * per; i < (r + 1) * per; i++) {
        const trip = b.tripAt(i);
        await time(round.greedy, () =>
          b.positions.search({
            lat: trip.pickup_lat,
            lng: trip.pickup_lng,
            radiusM: b.radiusM,
            limit: 1,
            freshSince: b.fresh,
          }),
        );
      }
    };
    if (r % 2 === 0) await oursSide().then(greedySide);
    else await greedySide().then(oursSide);
    rounds.push(round);
  }
  await b.restamp();
  const searchStart = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async (_, w) => {
      for (let i = w; i < s.searches; i += 16)
        await b.dispatcher.candidates(b.tripAt(i), b.radiusM);
    }),
  );
  const searchesPerS = s.searches / ((performance.now() - searchStart) / 1000);
  return { rounds, searchesPerS };
}

/** Offers: due trips worked by concurrent dispatcher passes until each has its offer. */
async function measureOffers(b: Bench, s: Scale) {
  const { db } = b;
  const trips = Array.from({ length: s.trips }, (_, i) => b.tripAt(i * 7 + 3));
  for (let i = 0; i < trips.length; i += 500)
    await db
      .insertInto('trips')
      .values(trips.slice(i, i + 500))
      .execute();
  await b.restamp();
  const greedyPickup = await greedyAssignment(b, trips);
  const offerStart = performance.now();
  for (;;) {
    const passes = await Promise.all([b.dispatcher.tick(), b.dispatcher.tick()]);
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
  // Leave nothing for the next run or a dev instance on the same database.
  await sql`DELETE FROM offers WHERE trip_id = ANY(${tripIds}::uuid[])`.execute(db);
  await sql`DELETE FROM trips WHERE id = ANY(${tripIds}::uuid[])`.execute(db);
  await sql`DELETE FROM outbox WHERE type = 'dispatch.offer_made' AND published_at IS NULL`.execute(
    db,
  );
  return {
    offers: offered.rows[0]?.n ?? 0,
    pickupM: offered.rows[0]?.pickup ?? 0,
    offerS,
    greedyPickup,
    twoPerDriver: twoPerDriver.rows[0]?.n ?? 0,
    twoPerTrip: twoPerTrip.rows[0]?.n ?? 0,
  };
}

/** Greedy assignment of the same trips in the same order: the nearest driver nobody has yet. */
async function greedyAssignment(b: Bench, trips: Trip[]): Promise<number[]> {
  const taken = new Set<string>();
  const greedyPickup: number[] = [];
  for (const t of trips) {
    const hits = await b.positions.search({
      lat: t.pickup_lat,
      lng: t.pickup_lng,
      radiusM: b.radiusM,
      limit: 50,
      freshSince: b.fresh,
    });
    const pick = hits.find((h) => !taken.has(h.id));
    if (pick) {
      taken.add(pick.id);
      greedyPickup.push(pick.distanceM);
    }
  }
  return greedyPickup;
}

function figuresOf(
  s: Scale,
  radiusM: number,
  search: Awaited<ReturnType<typeof measureSearch>>,
  o: Awaited<ReturnType<typeof measureOffers>>,
): BenchFigures {
  const p = (side: 'ours' | 'greedy', q: number) =>
    search.rounds.map((r) => round(r[side].percentile(q), 2));
  return {
    scale: {
      drivers: s.drivers,
      searches: s.searches,
      search_rounds: SEARCH_ROUNDS,
      trips: s.trips,
      radius_m: radiusM,
    },
    metrics: {
      search_p50_ms: round(median(p('ours', 50)), 2),
      searches_per_s: round(search.searchesPerS),
      offers_per_s: round(o.offers / o.offerS),
      offers_made: o.offers,
      pickup_m_avg: round(o.pickupM),
    },
    baseline_name: 'greedy nearest driver: one GEOSEARCH (limit 1) on the same index',
    baseline: {
      search_p50_ms: round(median(p('greedy', 50)), 2),
      pickup_m_avg: round(
        o.greedyPickup.reduce((a, b) => a + b, 0) / Math.max(1, o.greedyPickup.length),
      ),
    },
    // Greedy's p99 over ours: how much of the bare nearest-driver lookup's speed we keep.
    headline: {
      figure: 'search_p99_ms',
      better: 'lower',
      ours: p('ours', 99),
      baseline: p('greedy', 99),
    },
    invariants: {
      driver_with_two_open_offers: o.twoPerDriver,
      trip_with_two_open_offers: o.twoPerTrip,
      trips_without_offer: s.trips - o.offers,
    },
  };
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
