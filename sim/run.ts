import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD, DEMO_USERS } from '../src/cli/demo-seed.ts';
import type { SimConfig } from './config.ts';
import type { RunReport } from './compare.ts';
import { demandHash, type Evening, eveningOf, writeEvening } from './evening.ts';
import { type Instance, startInstance } from './instance.ts';
import { makePlan, type Plan } from './plan.ts';
import type { WorldFigures } from './figures.ts';
import { type ReportMeta, writeReport } from './report.ts';
import { recordedStreets, SIM_CITY, simStreetsDocument, streetsSourceOf } from './streets.ts';
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
  /** A recorded evening to play instead of one generated from `cfg` (then its config). */
  replay: { evening: Evening; file: string } | null;
  /** An earlier run to compare this one with in the report. */
  compareWith: RunReport | null;
}

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
  const cfg = o.replay?.evening.config ?? o.cfg;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const run = o.name ?? `${stamp}-${o.replay ? 'replay-' : ''}seed${cfg.seed}`;
  // Server logs (and embedded databases) stay under sim/results even when the report goes elsewhere.
  const workDir = path.join(SIM_DIR, 'results', run);
  const dir = o.out ?? workDir;
  const log = (m: string) =>
    process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
  const { plan, streetsFile, recorded } = await recordEvening(o, run, workDir, dir);
  log(
    `simulation ${run}: ${plan.visits.length} visits, ${plan.drivers.length} couriers, ${cfg.stores} stores; results in ${dir}`,
  );
  log(
    o.replay
      ? `replaying the evening of ${o.replay.file} (demand ${recorded.sha256.slice(0, 12)})`
      : `the evening is recorded in ${recorded.file} (demand ${recorded.sha256.slice(0, 12)})`,
  );
  const evening = { cfg, plan, tag: `${cfg.seed}-${Date.now().toString(36)}`, log };
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
    const meta: ReportMeta = { run, instance: instanceNote, evening: recorded };
    const { ok, figures, compare } = await writeReport(dir, cfg, results, meta, o.compareWith);
    logFigures(figures, log);
    if (compare) log(`compared with ${compare.earlier.run}: ${demandLine(compare.same_demand)}`);
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

const demandLine = (same: boolean | null) =>
  same === true
    ? 'the same evening'
    : same === false
      ? 'NOT THE SAME EVENING: the differences mix the platform with the demand'
      : 'the earlier run recorded no evening: the demand may differ';

/**
 * The evening to play, generated or replayed, recorded before it starts (so a run that breaks
 * can still be replayed), and its streets written for the instances to import.
 */
async function recordEvening(
  o: SimOptions,
  run: string,
  workDir: string,
  dir: string,
): Promise<{ plan: Plan; streetsFile: string; recorded: ReportMeta['evening'] }> {
  const cfg = o.replay?.evening.config ?? o.cfg;
  const plan = o.replay?.evening.plan ?? makePlan(cfg);
  const streets = o.replay
    ? await recordedStreets(o.replay.evening, o.replay.file)
    : JSON.stringify(simStreetsDocument(cfg));
  // The simulated city's streets, for the instances to import (and an operator, with --url).
  await fsp.mkdir(workDir, { recursive: true });
  const streetsFile = path.join(workDir, 'streets.geojson');
  await fsp.writeFile(streetsFile, streets);
  const evening = eveningOf(run, cfg, plan, streetsSourceOf(cfg, streets));
  const file = await writeEvening(dir, evening);
  return {
    plan,
    streetsFile,
    recorded: {
      file: path.relative(process.cwd(), file),
      sha256: demandHash(evening),
      replay_of: o.replay ? path.relative(process.cwd(), o.replay.file) : null,
    },
  };
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
