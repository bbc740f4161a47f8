import { Command } from 'commander';
import { DEFAULT_SIM, QUICK, type SimConfig } from '../../sim/config.ts';
import { DEMO_PASSWORD, DEMO_USERS } from './demo-seed.ts';
import { fail, wholeNumber } from './cli-support.ts';

/** What `lastmile sim` was asked to do, its flags checked. */
export interface SimRequest {
  /** The evening to generate (a replay plays its recorded config instead). */
  cfg: SimConfig;
  /** A recorded evening (its file or its run's directory) to play instead of generating one. */
  replay: string | null;
  /** An earlier run (its directory or report.json) to compare this one with. */
  compare: string | null;
  urls: string[];
  databaseUrl: string | null;
  ops: { email: string; password: string };
  baseline: boolean;
  out: string | null;
  name: string | null;
}

type Opts = Record<string, string | boolean | string[] | undefined>;

/**
 * The flags that shape the evening: its demand and fleet. A replay plays the recorded evening
 * exactly, so it refuses them; the platform's flags (--url, --no-baseline, --name, --out) stay.
 */
const EVENING_FLAGS: ReadonlyArray<
  [key: string, flag: string, min: number, field: keyof SimConfig]
> = [
  ['ordersPerHour', '--orders-per-hour', 1, 'ordersPerHour'],
  ['rush', '--rush', 1, 'rushFactor'],
  ['normalMin', '--normal-min', 0, 'normalMin'],
  ['rushMin', '--rush-min', 0, 'rushMin'],
  ['afterMin', '--after-min', 0, 'afterMin'],
  ['drainMin', '--drain-min', 1, 'drainMin'],
  ['stores', '--stores', 1, 'stores'],
  ['products', '--products', 5, 'productsPerStore'],
  ['customers', '--customers', 1, 'customers'],
  ['drivers', '--drivers', 1, 'drivers'],
];

/** The flags that shape the evening's weather and traffic (`cfg.weather`), refused by a replay too. */
const WEATHER_FLAGS: ReadonlyArray<
  [key: string, flag: string, min: number, field: keyof SimConfig['weather']]
> = [
  ['rainFromMin', '--rain-from-min', 0, 'rainFromMin'],
  ['rainForecastMin', '--rain-forecast-min', 0, 'rainForecastMin'],
  ['rainMin', '--rain-min', 0, 'rainMin'],
  ['trafficPercent', '--traffic-percent', 0, 'trafficPercent'],
];

/** The request the flags make, or a usage error (exit code 2) for a bad or conflicting one. */
export function simRequestOf(opts: Opts, cmd: Command): SimRequest {
  const replay = (opts.replay as string | undefined) ?? null;
  if (replay !== null) {
    const given = [['seed', '--seed'], ['quick', '--quick'], ...EVENING_FLAGS, ...WEATHER_FLAGS]
      .filter(([key]) => cmd.getOptionValueSource(key as string) === 'cli')
      .map(([, flag]) => flag);
    if (given.length > 0)
      cmd.error(
        `error: --replay plays the recorded evening as it was: ${given.join(', ')} would change it (drop ${given.length === 1 ? 'it' : 'them'}, or run without --replay)`,
        { exitCode: 2 },
      );
  }
  const base = { ...DEFAULT_SIM, ...(opts.quick ? QUICK : {}) };
  const cfg: SimConfig = {
    ...base,
    seed: wholeNumber(cmd, '--seed', opts.seed as string | undefined, 0) ?? base.seed,
    weather: { ...base.weather },
  };
  for (const [key, flag, min, field] of EVENING_FLAGS) {
    const n = wholeNumber(cmd, flag, opts[key] as string | undefined, min);
    if (n !== undefined) (cfg as unknown as Record<string, number>)[field] = n;
  }
  for (const [key, flag, min, field] of WEATHER_FLAGS) {
    const n = wholeNumber(cmd, flag, opts[key] as string | undefined, min);
    if (n !== undefined) (cfg.weather as unknown as Record<string, number>)[field] = n;
  }
  const urls = (opts.url as string[] | undefined) ?? [];
  return {
    cfg,
    replay,
    compare: (opts.compare as string | undefined) ?? null,
    urls,
    databaseUrl: (opts.databaseUrl as string | undefined) ?? null,
    ops: { email: opts.opsEmail as string, password: opts.opsPassword as string },
    baseline: opts.baseline !== false && urls.length === 0,
    out: (opts.out as string | undefined) ?? null,
    name: (opts.name as string | undefined) ?? null,
  };
}

/** The ops account `lastmile sim --url` signs in with unless told otherwise: the demo one. */
const DEFAULT_OPS_EMAIL = DEMO_USERS.find((u) => u.role === 'ops')?.email ?? '';

/** Runs a checked request: reads the evening to replay and the run to compare with, then plays. */
async function runRequest(req: SimRequest, cmd: Command): Promise<void> {
  const [{ runSimulation }, { readEvening }, { loadRun }] = await Promise.all([
    import('../../sim/run.ts'),
    import('../../sim/evening.ts'),
    import('../../sim/compare.ts'),
  ]);
  const usage = (err: unknown): never =>
    cmd.error(`error: ${(err as Error).message}`, { exitCode: 2 });
  // Both read before anything starts: a bad file is refused at once, not after the evening.
  const replay = req.replay === null ? null : await readEvening(req.replay).catch(usage);
  const compareWith = req.compare === null ? null : await loadRun(req.compare).catch(usage);
  // Node exits quietly when nothing is left to wait on; a simulation that ends that way is a bug to report.
  const stalled = () => {
    process.stderr.write(
      'the simulation stopped before it finished: an agent waited on something that can no longer happen\n',
    );
    process.exitCode = 3;
  };
  process.once('beforeExit', stalled);
  try {
    const { ok } = await runSimulation({ ...req, replay, compareWith });
    process.off('beforeExit', stalled);
    process.exitCode = ok ? 0 : 1;
  } catch (err) {
    fail(err);
  }
}

/** `lastmile sim compare <earlier> <later>`: the comparison of two runs' reports, on stdout. */
async function printComparison(earlier: string, later: string, json: boolean, cmd: Command) {
  const [{ compareRuns, loadRun }, { compareSection }] = await Promise.all([
    import('../../sim/compare.ts'),
    import('../../sim/compare-markdown.ts'),
  ]);
  const usage = (err: unknown): never =>
    cmd.error(`error: ${(err as Error).message}`, { exitCode: 2 });
  const [a, b] = await Promise.all([loadRun(earlier).catch(usage), loadRun(later).catch(usage)]);
  const c = compareRuns(a, b);
  process.stdout.write(
    json ? `${JSON.stringify(c, null, 2)}\n` : `${compareSection(c).join('\n')}\n`,
  );
}

export interface SimActions {
  run: (req: SimRequest, cmd: Command) => Promise<void>;
  compare: (earlier: string, later: string, json: boolean, cmd: Command) => Promise<void>;
}

/** `lastmile sim` and `lastmile sim compare`; the actions are the real ones unless a test gives its own. */
export function simCommand(
  actions: SimActions = { run: runRequest, compare: printComparison },
): Command {
  const sim = new Command('sim')
    .description(
      'Simulate an evening of a city through the public API (customers, store staff, couriers), check the invariants and write ' +
        'sim/results/<run>/report.{json,md} with SVG plots and the evening played (evening.json, for --replay). Starts lastmile itself (embedded Postgres, or the services in ' +
        'DATABASE_URL/REDIS_URL/NATS_URL) twice, once dispatching greedily as the baseline; or drives --url. Exit code 1 when an invariant breaks.',
    )
    .option('--seed <n>', 'same seed, same evening', '1')
    .option('--quick', 'a small evening of a few minutes', false)
    .option('--orders-per-hour <n>', 'normal arrivals per hour')
    .option('--rush <n>', 'the rush multiplies the normal rate by this')
    .option('--normal-min <n>', 'minutes of normal load before the rush')
    .option('--rush-min <n>', 'minutes of rush')
    .option('--after-min <n>', 'minutes of normal load after the rush')
    .option('--drain-min <n>', 'longest wait for open orders to end after the last arrival')
    .option('--stores <n>', 'dark stores')
    .option('--products <n>', 'products per store')
    .option('--customers <n>', 'customer accounts')
    .option('--drivers <n>', 'couriers (default: enough for the rush)')
    .option('--rain-from-min <n>', 'minutes into the evening the rain starts')
    .option(
      '--rain-forecast-min <n>',
      'minutes before the rain that the weather service forecasts it (0: told as it falls)',
    )
    .option('--rain-min <n>', 'minutes of rain (0: none); slows bikes most, cars least')
    .option(
      '--traffic-percent <n>',
      "extra travel time in the centre's zone from the rush on (0: none)",
    )
    .option(
      '--replay <evening>',
      'play a recorded evening (a run directory or its evening.json) instead of generating one; refuses the flags above',
    )
    .option(
      '--compare <run>',
      'compare this run with an earlier one (its directory) in report.md and report.json',
    )
    .option('--url <url...>', 'drive these running API processes instead of starting lastmile')
    .option('--database-url <url>', 'with --url: the database to check the invariants in')
    .option('--ops-email <email>', 'with --url: an ops account', DEFAULT_OPS_EMAIL)
    .option('--ops-password <password>', 'with --url: its password', DEMO_PASSWORD)
    .option('--no-baseline', 'do not run the greedy-dispatch baseline beside')
    .option('--out <dir>', 'write the report here instead of sim/results/<run>')
    .option('--name <run>', 'name of the run (its results directory)')
    .action(async (opts: Opts, cmd: Command) => {
      await actions.run(simRequestOf(opts, cmd), cmd);
    });
  sim
    .command('compare')
    .description(
      'Compare two finished runs: per world the key figures side by side with deltas, and whether both played the same evening. Prints the section report.md would hold (--json: the object report.json would)',
    )
    .argument('<earlier>', 'the earlier run (its directory or report.json)')
    .argument('<later>', 'the later run')
    .option('--json', 'print JSON instead of Markdown', false)
    .action(async (earlier: string, later: string, opts: { json: boolean }, cmd: Command) => {
      await actions.compare(earlier, later, opts.json, cmd);
    });
  return sim;
}
