import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { inventoryService, type ReserveStrategy } from '../src/modules/inventory/index.ts';
import { AppError } from '../src/platform/errors.ts';
import type { Db } from '../src/platform/db/pool.ts';
import { percentile, startBenchDatabase } from './bench-db.ts';
import { median, round } from './load.ts';
import type { BenchFigures, Benchmark } from './result.ts';

const SCALE = {
  quick: { clients: 32, duration_s: 3, spread_skus: 1000, rounds: 1 },
  full: { clients: 32, duration_s: 10, spread_skus: 1000, rounds: 2 },
};
const STRATEGIES: readonly ReserveStrategy[] = ['locking', 'conditional', 'coalesced'];
type Scenario = 'hot' | 'spread';

interface Run {
  per_s: number;
  p50_ms: number;
  p99_ms: number;
  ok: number;
  errors: number;
}

/** `clients` loops reserving 1 unit each, as fast as they can, for `duration_s`. */
async function drive(
  db: Db,
  strategy: ReserveStrategy,
  storeId: string,
  products: string[],
  clients: number,
  durationS: number,
): Promise<Run> {
  const inventory = inventoryService({ db, clock: { now: Date.now }, strategy });
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  const until = performance.now() + durationS * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const productId = products[Math.floor(Math.random() * products.length)] as string;
        const t0 = performance.now();
        try {
          await inventory.reserve({
            storeId,
            owner: `bench:${uuidv7()}`,
            lines: [{ productId, quantity: 1 }],
            ttlMs: 3_600_000,
          });
          ok++;
        } catch (err) {
          if (!(err instanceof AppError && err.code === 'OUT_OF_STOCK')) errors++;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    per_s: Math.round(ok / durationS),
    p50_ms: round2(percentile(latencies, 50)),
    p99_ms: round2(percentile(latencies, 99)),
    ok,
    errors,
  };
}

const round2 = (n: number) => round(n, 2);

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
    const results = new Map<string, Run[]>();
    // Alternate strategies within each round so machine drift hits all of them alike.
    for (let r = 0; r < s.rounds; r++) {
      for (const scenario of ['hot', 'spread'] as Scenario[]) {
        for (const strategy of STRATEGIES) {
          const r = await drive(
            db,
            strategy,
            storeId,
            scenario === 'hot' ? hot : spread,
            s.clients,
            s.duration_s,
          );
          const key = `${strategy}:${scenario}`;
          results.set(key, [...(results.get(key) ?? []), r]);
        }
      }
    }
    const fig = (strategy: ReserveStrategy, scenario: Scenario, k: keyof Run) =>
      median((results.get(`${strategy}:${scenario}`) ?? []).map((r) => r[k]));
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
        per_s: fig('coalesced', 'hot', 'per_s'),
        p50_ms: fig('coalesced', 'hot', 'p50_ms'),
        p99_ms: fig('coalesced', 'hot', 'p99_ms'),
        spread_per_s: fig('coalesced', 'spread', 'per_s'),
        spread_p99_ms: fig('coalesced', 'spread', 'p99_ms'),
        conditional_per_s: fig('conditional', 'hot', 'per_s'),
        conditional_p99_ms: fig('conditional', 'hot', 'p99_ms'),
        conditional_spread_per_s: fig('conditional', 'spread', 'per_s'),
      },
      baseline: {
        per_s: fig('locking', 'hot', 'per_s'),
        p50_ms: fig('locking', 'hot', 'p50_ms'),
        p99_ms: fig('locking', 'hot', 'p99_ms'),
        spread_per_s: fig('locking', 'spread', 'per_s'),
        spread_p99_ms: fig('locking', 'spread', 'p99_ms'),
      },
      ratio:
        fig('locking', 'hot', 'per_s') > 0
          ? round2(fig('coalesced', 'hot', 'per_s') / fig('locking', 'hot', 'per_s'))
          : 0,
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
    'Ours: conditional UPDATEs coalesced per store into one commit (each reservation still all-or-nothing), and plain ' +
    'one-statement Option B beside it. Baseline: Option A, SELECT … FOR UPDATE then UPDATE. Same run, same database.',
  run,
  chart: (r) => ({
    unit: 'reservations/s, hot SKU (median)',
    bars: [
      { label: 'coalesced conditional (ours)', value: r.metrics.per_s ?? 0, baseline: false },
      {
        label: 'one conditional UPDATE per commit',
        value: r.metrics.conditional_per_s ?? 0,
        baseline: false,
      },
      { label: 'SELECT … FOR UPDATE (Option A)', value: r.baseline.per_s ?? 0, baseline: true },
    ],
  }),
};
