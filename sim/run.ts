import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD, DEMO_USERS } from '../src/cli/demo-seed.ts';
import { DEFAULT_SIM, driversFor, type SimConfig } from './config.ts';
import { type Instance, startInstance } from './instance.ts';
import { makePlan } from './plan.ts';
import type { WorldFigures } from './figures.ts';
import { writeReport } from './report.ts';
import { SIM_CITY, simStreetsDocument } from './streets.ts';
import { runWorld, type WorldResult } from './world.ts';

export const SIM_DIR = path.dirname(fileURLToPath(import.meta.url));

export interface SimOptions {
  cfg: SimConfig;
  /** Drive these running API processes instead of starting instances (no baseline then). */
  urls: string[];
  databaseUrl: string | null;
  ops: { email: string; password: string };
  baseline: boolean;
  out: string | null;
  name: string | null;
}

/** The small evening of `--quick`: a few minutes, for a first look or a smoke test. */
export const QUICK: Partial<SimConfig> = {
  ordersPerHour: 90,
  normalMin: 1,
  rushMin: 3,
  afterMin: 1,
  drainMin: 12,
  stores: 3,
  productsPerStore: 30,
  customers: 120,
  cityRadiusM: 1500,
  zoneRadiusM: 1500,
  prepMeanS: 120,
  // About half the rides in the rain: those of the rush's last orders and after.
  weather: { ...DEFAULT_SIM.weather, rainFromMin: 8, rainMin: 8 },
};

/** Server settings for a simulated evening: the simulation drives one caller per person from one address. */
const INSTANCE_ENV = { LASTMILE_RATE_LIMITS: 'off' };

const demoOps = DEMO_USERS.find((u) => u.role === 'ops');
export const DEFAULT_OPS = {
  email: demoOps?.email ?? 'ops@demo.lastmile.dev',
  password: DEMO_PASSWORD,
};

/**
 * Runs the simulation: starts lastmile (twice, side by side, when comparing with the greedy
 * baseline) or drives the given URLs, plays the same evening against each, checks the invariants
 * and writes `sim/results/<run>/report.{json,md}` with SVG plots. Resolves to whether every
 * invariant held.
 */
export async function runSimulation(o: SimOptions): Promise<{ ok: boolean; dir: string }> {
  const cfg = o.cfg;
  const plan = makePlan(cfg);
  const run =
    o.name ?? `${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}-seed${cfg.seed}`;
  // Server logs (and embedded databases) stay under sim/results even when the report goes elsewhere.
  const workDir = path.join(SIM_DIR, 'results', run);
  const dir = o.out ?? workDir;
  const log = (m: string) =>
    process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
  log(
    `simulation ${run}: ${plan.visits.length} visits, ${driversFor(cfg)} couriers, ${cfg.stores} stores; results in ${dir}`,
  );
  const evening = { cfg, plan, tag: `${cfg.seed}-${Date.now().toString(36)}`, log };
  // The simulated city's streets, for the instances to import (and an operator, with --url).
  await fsp.mkdir(workDir, { recursive: true });
  const streetsFile = path.join(workDir, 'streets.geojson');
  await fsp.writeFile(streetsFile, JSON.stringify(simStreetsDocument(cfg)));
  const instances: Instance[] = [];
  let keepDatabase = false;
  try {
    let worlds: Promise<WorldResult>[];
    let instanceNote: string;
    if (o.urls.length > 0) {
      instanceNote = `Driving ${o.urls.join(', ')}.`;
      worlds = [
        runWorld({
          label: 'lastmile',
          bases: o.urls,
          databaseUrl: o.databaseUrl,
          ops: o.ops,
          ...evening,
        }),
      ];
    } else {
      instances.push(...(await startInstances(o.baseline, workDir, streetsFile, log)));
      instanceNote = `Started ${instances.length === 2 ? 'two instances side by side on this machine' : 'one instance'} (${process.env.DATABASE_URL ? 'Postgres at DATABASE_URL' : 'embedded Postgres'}${process.env.REDIS_URL ? ', Redis' : ''}${process.env.NATS_URL ? ', NATS' : ''}).`;
      worlds = instances.map((inst, i) =>
        runWorld({
          label: i === 0 ? 'lastmile' : 'greedy baseline',
          bases: [inst.url],
          databaseUrl: inst.databaseUrl,
          ops: DEFAULT_OPS,
          ...evening,
        }),
      );
    }
    const results = await Promise.all(worlds);
    const { ok, figures } = await writeReport(dir, cfg, results, { run, instance: instanceNote });
    logFigures(figures, log);
    log(`report: ${path.join(dir, 'report.md')}`);
    if (!ok) {
      keepDatabase = true;
      for (const i of instances) log(`kept for inspection: ${i.databaseUrl}`);
    }
    return { ok, dir };
  } finally {
    await Promise.all(instances.map((i) => i.stop({ keepDatabase })));
  }
}

/** lastmile as configured, and beside it the greedy baseline when asked. */
async function startInstances(
  baseline: boolean,
  workDir: string,
  streetsFile: string,
  log: (m: string) => void,
): Promise<Instance[]> {
  const kinds = baseline ? (['scored', 'greedy'] as const) : (['scored'] as const);
  log(
    `starting ${kinds.length} lastmile instance(s) (${process.env.DATABASE_URL ? 'Postgres at DATABASE_URL' : 'embedded Postgres'})`,
  );
  return Promise.all(
    kinds.map((k) =>
      startInstance({
        name: k,
        dir: path.join(workDir, k),
        env: { ...INSTANCE_ENV, LASTMILE_DISPATCH_STRATEGY: k },
        streets: { city: SIM_CITY.key, file: streetsFile },
      }),
    ),
  );
}

function logFigures(figures: WorldFigures[], log: (m: string) => void): void {
  for (const f of figures) {
    log(
      `[${f.label}] placed ${f.orders.placed}, delivered ${f.orders.delivered}; delivery p50 ${f.delivery_min.p50} min p90 ${f.delivery_min.p90} min; API p99 ${f.api.p99_ms} ms; ETA error ours ${f.eta_error_min.ours_mae} vs honest naive ${f.eta_error_min.honest_naive_mae} min; inside the promised window ${f.feel.on_time.inside_window}`,
    );
    const [wet, dry] = [f.weather.in_rain, f.weather.dry];
    log(
      `[${f.label}] in the rain / outside: ${wet.orders} / ${dry.orders} orders, ETA error ours ${wet.eta_mae_min.ours} / ${dry.eta_mae_min.ours} min, inside the window ${wet.inside_window} / ${dry.inside_window}, window p50 ${wet.window_p50_min} / ${dry.window_p50_min} min`,
    );
    for (const i of f.invariants)
      if (!i.ok) log(`[${f.label}] INVARIANT BROKEN: ${i.name} (${i.violations}): ${i.detail}`);
    for (const e of f.agent_errors.slice(0, 5)) log(`[${f.label}] agent error: ${e}`);
  }
}
