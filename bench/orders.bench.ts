import path from 'node:path';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { seedDemo } from '../src/cli/demo-seed.ts';
import { allModules } from '../src/modules/index.ts';
import { inventoryFor } from '../src/modules/inventory/index.ts';
import { startPlatform } from '../src/platform/boot.ts';
import type { RoleName } from '../src/platform/config.ts';
import { benchConfig, freshBenchDatabase, freshBenchNamespace } from './bench-db.ts';
import { cpuSince, cpuTotals, type CpuTotals } from './cpu-procs.ts';
import { alternate, median, round, runWorker } from './load.ts';
import { openShop } from './orders-shop.ts';
import { startTextbookCheckout } from './orders-textbook.ts';
import { BENCH_DIR, type BenchFigures, type Benchmark } from './result.ts';

const WORKER = path.join(BENCH_DIR, 'post-worker.mjs');
const SCALE = {
  quick: { connections: 32, duration_s: 4, products: 200, runs: 3 },
  full: { connections: 48, duration_s: 15, products: 2000, runs: 3 },
};
// Every statement any pool sends (ours, Kysely's, the workflow engine's) goes through
// pg.Client#query: counting there gives statements per order without pg_stat_statements.
let statements = 0;
let providerStatements = 0;
const byText = new Map<string, number>();
const originalQuery = pg.Client.prototype.query;
function countStatements(): void {
  pg.Client.prototype.query = function counted(this: pg.Client, ...args: unknown[]) {
    // The built-in payment provider stands in for an external PSP: its statements are counted apart.
    if (
      (this as unknown as { connectionParameters?: { application_name?: string } })
        .connectionParameters?.application_name === 'lastmile:fakepay'
    )
      providerStatements++;
    else statements++;
    if (process.env.BENCH_TRACE_SQL) {
      const first = args[0] as string | { text?: string };
      const text = (typeof first === 'string' ? first : (first?.text ?? '?'))
        .replace(/\s+/g, ' ')
        .slice(0, 70);
      byText.set(text, (byText.get(text) ?? 0) + 1);
    }
    return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof originalQuery;
}

interface WorkerResult {
  created: number;
  authorized: number;
  non2xx: number;
  errors: number;
  total: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  statusCounts: Record<string, number>;
}

const drive = (args: Record<string, unknown>) => runWorker<WorkerResult>(WORKER, args);

type Scale = (typeof SCALE)['quick'];
type Measured = WorkerResult & { statements: number; providerStatements: number; cpu: CpuTotals };

async function run(quick: boolean): Promise<BenchFigures> {
  const s = quick ? SCALE.quick : SCALE.full;
  countStatements();
  const database = await freshBenchDatabase('lastmile_bench_orders');
  const namespace = await freshBenchNamespace('lastmile_bench_orders');
  const env = {
    DATABASE_URL: database.url,
    LASTMILE_DB_POOL: '30',
    LASTMILE_INSTANCE_ID: 'bench-orders',
    LASTMILE_NAMESPACE: namespace,
  };
  let shop: Awaited<ReturnType<typeof openShop>> | undefined;
  // One phase: a platform with these roles beside the textbook checkout, runs alternating.
  const phase = async (roles: RoleName[]) => {
    const config = benchConfig(env, { roles });
    const platform = await startPlatform(config, { modules: allModules });
    try {
      const base = platform.url as string;
      if (!shop) {
        await seedDemo(platform.ctx);
        shop = await openShop(base, s.products);
        await inventoryFor(platform.ctx).setLevels(
          shop.products.map((productId) => ({
            storeId: (shop as { store: { id: string } }).store.id,
            productId,
            onHand: 1_000_000,
          })),
          { kind: 'count', reason: 'bench', actor: 'bench' },
        );
      }
      const textbook = await startTextbookCheckout({
        databaseUrl: database.url,
        tokens: platform.ctx.tokens,
        poolSize: 30,
        webhookSecret: config.fakepayWebhookSecret,
      });
      const load = {
        url: `${base}/v1/orders`,
        tokens: shop.customers,
        storeId: shop.store.id,
        productIds: shop.products,
        lat: 52.53,
        lng: 13.405,
        card: 'tok_visa',
        connections: s.connections,
      };
      try {
        return await measure(load, `${textbook.url}/v1/orders`, s);
      } finally {
        await textbook.close();
      }
    } finally {
      await platform.stop();
    }
  };
  try {
    // As `lastmile start` runs: the API with every worker reacting to the orders in one process.
    const whole = await phase(['all']);
    // The checkout path alone: an API process whose events wait for workers run elsewhere, as
    // the textbook's outbox rows do.
    const apiOnly = await phase(['api']);
    return figuresOf(s, whole, apiOnly);
  } finally {
    pg.Client.prototype.query = originalQuery;
    await database.stop();
  }
}

/**
 * A 2 s warm-up of each, then `s.runs` runs of ours and of the textbook checkout alternating, the
 * same load each time; each run with the statements sent while it ran.
 */
async function measure(
  load: Record<string, unknown>,
  textbookUrl: string,
  s: Scale,
): Promise<{ ours: Measured[]; baseline: Measured[] }> {
  const once = async (url: string, duration: number): Promise<Measured> => {
    const before = statements;
    const providerBefore = providerStatements;
    const cpuBefore = cpuTotals();
    const r = await drive({ ...load, url, duration, keyPrefix: `run-${uuidv7()}` });
    return {
      ...r,
      cpu: cpuSince(cpuBefore),
      statements: statements - before,
      providerStatements: providerStatements - providerBefore,
    };
  };
  await once(load.url as string, 2);
  await once(textbookUrl, 2);
  const runs = await alternate(
    s.runs,
    () => once(load.url as string, s.duration_s),
    () => once(textbookUrl, s.duration_s),
  );
  if (process.env.BENCH_TRACE_SQL) {
    const top = [...byText].sort((a, b) => b[1] - a[1]).slice(0, 40);
    for (const [text, n] of top) process.stderr.write(`${String(n).padStart(7)}  ${text}\n`);
  }
  return runs;
}

function sideFigures(runs: Measured[]) {
  const med = (f: (r: Measured) => number) => round2(median(runs.map(f)));
  return {
    p50_ms: med((r) => r.p50_ms),
    p90_ms: med((r) => r.p90_ms),
    p99_ms: med((r) => r.p99_ms),
    // Includes the saga's statements that ran in the window (authorization, its checkpoints).
    statements_per_order: med((r) => r.statements / Math.max(1, r.created)),
    provider_statements_per_order: med((r) => r.providerStatements / Math.max(1, r.created)),
    // CPU per order: the process serving both sides (the API with its workers, or the textbook
    // server) and every Postgres and NATS process on the machine, while the run lasted.
    node_cpu_ms_per_order: med((r) => r.cpu.node / Math.max(1, r.created)),
    postgres_cpu_ms_per_order: med((r) => r.cpu.postgres / Math.max(1, r.created)),
    nats_cpu_ms_per_order: med((r) => r.cpu.nats / Math.max(1, r.created)),
  };
}

type Runs = { ours: Measured[]; baseline: Measured[] };

/**
 * Medians of the runs; the invariants count over every run of both phases. The headline is the
 * whole platform; the checkout path alone (API role, workers elsewhere) is a named ratio.
 */
function figuresOf(s: Scale, runs: Runs, apiOnly: Runs): BenchFigures {
  const perS = (r: Measured) => round(r.authorized / s.duration_s);
  const ours = sideFigures(runs.ours);
  const baseline = sideFigures(runs.baseline);
  const path = sideFigures(apiOnly.ours);
  const ordersPerS = median(runs.ours.map(perS));
  const pathPerS = median(apiOnly.ours.map(perS));
  const pathBaseline = median(apiOnly.baseline.map(perS));
  const all = [...runs.ours, ...runs.baseline, ...apiOnly.ours, ...apiOnly.baseline];
  return {
    scale: {
      connections: s.connections,
      duration_s: s.duration_s,
      products: s.products,
      runs: s.runs,
    },
    metrics: {
      ...ours,
      api_only_orders_per_s: pathPerS,
      api_only_p99_ms: path.p99_ms,
      api_only_statements_per_order: path.statements_per_order,
      api_only_node_cpu_ms_per_order: path.node_cpu_ms_per_order,
      api_only_postgres_cpu_ms_per_order: path.postgres_cpu_ms_per_order,
    },
    baseline_name:
      'the textbook checkout through HTTP on the same database and provider: per order one transaction (plain Option B reserve, order, lines, outbox event), the provider call outside it, one transaction marking it authorized; nothing shared across requests, and nothing reads its outbox',
    baseline: { ...baseline, api_only_phase_orders_per_s: pathBaseline },
    headline: {
      figure: 'orders_per_s',
      better: 'higher',
      ours: runs.ours.map(perS),
      baseline: runs.baseline.map(perS),
    },
    ratios: { api_only_vs_textbook: round(pathPerS / Math.max(1, pathBaseline), 3) },
    targets: {
      orders_per_s: { goal: '>= 300 orders/s', value: ordersPerS, met: ordersPerS >= 300 },
      statements_per_order: {
        goal: '<= 25 statements/order',
        value: ours.statements_per_order,
        met: ours.statements_per_order <= 25,
      },
    },
    invariants: {
      errors: all.reduce((a, r) => a + r.errors + r.non2xx, 0),
      unauthorized: all.reduce((a, r) => a + (r.created - r.authorized), 0),
    },
  };
}

const round2 = (n: number) => round(n, 2);
export const ordersBench: Benchmark = {
  name: 'orders',
  description:
    'Checkouts through HTTP (`POST /v1/orders`, a fresh Idempotency-Key each, 48 at a time (quick: 32), one line each at one store): ' +
    'reserve, write the order and answer once the payment is authorized by the built-in provider and the order is paid; ' +
    'concurrent checkouts share their statements (see ARCHITECTURE.md, Checkout). Orders/s counts 201s whose payment is authorized. ' +
    'Baseline: the strongest straightforward checkout (bench/orders-textbook.ts), run beside ours through HTTP on the same ' +
    'database, schema and provider: per order one transaction (plain Option B reserve, the order, its lines, its outbox event), ' +
    'the provider call outside it, then one transaction marking it authorized; no batching across requests. Runs alternate. ' +
    "Statements per order count every statement sent to Postgres in the window (the workflow engine's too) ÷ orders. " +
    'A second phase runs ours as an API process alone (its events wait for workers elsewhere, as nothing reads the textbook’s outbox) against the textbook again: api_only_vs_textbook. ' +
    'The gap between the phases is what the workers reacting to each order (outbox relay, store stream, notifications, webhooks, sagas) cost on the same two cores. ' +
    'Targets: 300 orders/s, 25 statements/order.',
  run,
  chart: (r) => ({
    unit: 'orders/s placed and authorized (median)',
    bars: [
      { label: 'textbook checkout', value: r.baseline.orders_per_s ?? 0, baseline: true },
      { label: 'lastmile checkout', value: r.metrics.orders_per_s ?? 0, baseline: false },
    ],
  }),
};
