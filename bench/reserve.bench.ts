import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { inventoryService } from '../src/modules/inventory/index.ts';
import { AppError } from '../src/platform/errors.ts';
import type { Db } from '../src/platform/db/pool.ts';
import { startBenchDatabase } from './bench-db.ts';
import { latencyHistogram } from './histogram.mjs';
import { median, round } from './load.ts';
import { OptionAShort, reserveOptionA } from './reserve-option-a.ts';
import type { BenchFigures, Benchmark } from './result.ts';

const SCALE = {
  quick: { clients: 32, duration_s: 2, spread_skus: 1000, rounds: 3 },
  full: { clients: 32, duration_s: 10, spread_skus: 1000, rounds: 3 },
};
/** Ours (coalesced), plain Option B (one conditional UPDATE per commit), Option A (the baseline). */
type Strategy = 'coalesced' | 'conditional' | 'option_a';
const STRATEGIES: readonly Strategy[] = ['coalesced', 'option_a', 'conditional'];
type Scenario = 'hot' | 'spread';

interface Run {
  per_s: number;
  p50_ms: number;
  p99_ms: number;
  ok: number;
  errors: number;
}

type Reserve = (productId: string) => Promise<void>;

/** How each strategy reserves 1 unit of a product at the store. */
function reserverOf(db: Db, strategy: Strategy, storeId: string): Reserve {
  const args = (productId: string) => ({
    storeId,
    owner: `bench:${uuidv7()}`,
    lines: [{ productId, quantity: 1 }],
  });
  if (strategy === 'option_a')
    return (productId) =>
      reserveOptionA(db, {
        ...args(productId),
        id: uuidv7(),
        expiresAt: new Date(Date.now() + 3_600_000),
      });
  const inventory = inventoryService({ db, clock: { now: Date.now }, strategy });
  return async (productId) => {
    await inventory.reserve({ ...args(productId), ttlMs: 3_600_000 });
  };
}

/** `clients` loops reserving 1 unit each, as fast as they can, for `duration_s`. */
async function drive(
  reserve: Reserve,
  products: string[],
  clients: number,
  durationS: number,
): Promise<Run> {
  const latencies = latencyHistogram();
  let ok = 0;
  let errors = 0;
  const until = performance.now() + durationS * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const productId = products[Math.floor(Math.random() * products.length)] as string;
        const t0 = performance.now();
        try {
          await reserve(productId);
          ok++;
        } catch (err) {
          const short =
            err instanceof OptionAShort || (err instanceof AppError && err.code === 'OUT_OF_STOCK');
          if (!short) errors++;
        }
        latencies.record(performance.now() - t0);
      }
    }),
  );
  return {
    per_s: Math.round(ok / durationS),
    p50_ms: round2(latencies.percentile(50)),
    p99_ms: round2(latencies.percentile(99)),
    ok,
    errors,
  };
}

const round2 = (n: number) => round(n, 2);
const ratioOf = (a: number, b: number) => (b > 0 ? round(a / b, 3) : 0);

/**
 * The store's stock after the runs: rows oversold, rows whose reserved count differs from the
 * held reservations' lines, and the units reserved in all.
 */
async function stockCheck(db: Db, storeId: string) {
  const check = await sql<{ oversold: number; mismatched: number; reserved: number }>`
      SELECT count(*) FILTER (WHERE s.reserved > s.on_hand OR s.reserved < 0)::int AS oversold,
             count(*) FILTER (WHERE s.reserved <> coalesce(h.held, 0))::int AS mismatched,
             coalesce(sum(s.reserved), 0)::int AS reserved
      FROM stock s LEFT JOIN (
        SELECT l.product_id, sum(l.quantity) AS held FROM reservation_lines l JOIN reservations r ON r.id = l.reservation_id
        WHERE r.store_id = ${storeId}::uuid AND r.status = 'held' GROUP BY l.product_id) h ON h.product_id = s.product_id
      WHERE s.store_id = ${storeId}::uuid`.execute(db);
  return check.rows[0] ?? { oversold: 0, mismatched: 0, reserved: 0 };
}

type Scale = (typeof SCALE)['quick'];

/** Every strategy on both scenarios, `s.rounds` runs each: the runs by `strategy:scenario`. */
async function measureStrategies(
  db: Db,
  storeId: string,
  hot: string[],
  spread: string[],
  s: Scale,
): Promise<Map<string, Run[]>> {
  const results = new Map<string, Run[]>();
  // Alternate the strategies within each round, starting each round with the next one, so
  // machine drift (and the growing reservation tables) hits all of them alike.
  for (let r = 0; r < s.rounds; r++) {
    for (const scenario of ['hot', 'spread'] as Scenario[]) {
      for (let k = 0; k < STRATEGIES.length; k++) {
        const strategy = STRATEGIES[(r + k) % STRATEGIES.length] as Strategy;
        const run = await drive(
          reserverOf(db, strategy, storeId),
          scenario === 'hot' ? hot : spread,
          s.clients,
          s.duration_s,
        );
        const key = `${strategy}:${scenario}`;
        results.set(key, [...(results.get(key) ?? []), run]);
      }
    }
  }
  return results;
}

async function run(quick: boolean): Promise<BenchFigures> {
  const s = quick ? SCALE.quick : SCALE.full;
  const platform = await startBenchDatabase(s.clients + 8);
  const db = platform.ctx.db;
  try {
    const storeId = uuidv7();
    const hot = [uuidv7()];
    const spread = Array.from({ length: s.spread_skus }, () => uuidv7());
    await inventoryService({ db, clock: { now: Date.now } }).setLevels(
      [...hot, ...spread].map((productId) => ({ storeId, productId, onHand: 1_000_000_000 })),
      { kind: 'count', reason: 'bench', actor: 'bench' },
    );
    const results = await measureStrategies(db, storeId, hot, spread, s);
    const all = (strategy: Strategy, scenario: Scenario, k: keyof Run) =>
      (results.get(`${strategy}:${scenario}`) ?? []).map((r) => r[k]);
    const fig = (strategy: Strategy, scenario: Scenario, k: keyof Run) =>
      median(all(strategy, scenario, k));
    const successes = [...results.values()].flat().reduce((a, r) => a + r.ok, 0);
    const c = await stockCheck(db, storeId);
    const errors = [...results.values()].flat().reduce((a, r) => a + r.errors, 0);
    return {
      scale: {
        clients: s.clients,
        duration_s: s.duration_s,
        rounds: s.rounds,
        spread_skus: s.spread_skus,
      },
      metrics: {
        p50_ms: fig('coalesced', 'hot', 'p50_ms'),
        p99_ms: fig('coalesced', 'hot', 'p99_ms'),
        spread_per_s: fig('coalesced', 'spread', 'per_s'),
        spread_p99_ms: fig('coalesced', 'spread', 'p99_ms'),
        plain_option_b_per_s: fig('conditional', 'hot', 'per_s'),
        plain_option_b_p99_ms: fig('conditional', 'hot', 'p99_ms'),
        plain_option_b_spread_per_s: fig('conditional', 'spread', 'per_s'),
      },
      baseline_name:
        'Option A at its strongest: one transaction, the inserts first, then SELECT … FOR UPDATE and one UPDATE',
      baseline: {
        p50_ms: fig('option_a', 'hot', 'p50_ms'),
        p99_ms: fig('option_a', 'hot', 'p99_ms'),
        spread_per_s: fig('option_a', 'spread', 'per_s'),
        spread_p99_ms: fig('option_a', 'spread', 'p99_ms'),
      },
      headline: {
        figure: 'per_s',
        better: 'higher',
        ours: all('coalesced', 'hot', 'per_s'),
        baseline: all('option_a', 'hot', 'per_s'),
      },
      ratios: {
        spread_ours_vs_option_a: ratioOf(
          fig('coalesced', 'spread', 'per_s'),
          fig('option_a', 'spread', 'per_s'),
        ),
        plain_option_b_vs_option_a: ratioOf(
          fig('conditional', 'hot', 'per_s'),
          fig('option_a', 'hot', 'per_s'),
        ),
        ours_vs_plain_option_b: ratioOf(
          fig('coalesced', 'hot', 'per_s'),
          fig('conditional', 'hot', 'per_s'),
        ),
      },
      invariants: {
        oversold: c.oversold,
        reserved_mismatch: c.mismatched + (c.reserved === successes ? 0 : 1),
        errors,
      },
    };
  } finally {
    await platform.stop();
  }
}

export const reserveBench: Benchmark = {
  name: 'reserve',
  description:
    'Concurrent clients reserving 1 unit of one hot SKU, then of 1,000 SKUs, at one store, called directly (no HTTP). ' +
    'Ours: conditional UPDATEs coalesced per store into one commit (each reservation still all-or-nothing). ' +
    'Baseline: Option A at its strongest (one transaction: the reservation rows inserted first, then SELECT … FOR UPDATE ' +
    'and one UPDATE). Plain Option B (one conditional UPDATE per commit) runs beside them; its ratios are under ratios. ' +
    'Same run, same database, strategies alternating.',
  run,
  chart: (r) => ({
    unit: 'reservations/s, hot SKU (median)',
    bars: [
      { label: 'coalesced conditional (ours)', value: r.metrics.per_s ?? 0, baseline: false },
      {
        label: 'plain Option B (one per commit)',
        value: r.metrics.plain_option_b_per_s ?? 0,
        baseline: false,
      },
      { label: 'Option A, strongest form', value: r.baseline.per_s ?? 0, baseline: true },
    ],
  }),
};
