import { Command, Option } from 'commander';
import { demoBanner } from './cli/banner.ts';
import { config, fail, wholeNumber } from './cli/cli-support.ts';
import { seedDemoCity } from './cli/demo-city.ts';
import { developmentWarning } from './cli/dev-warning.ts';
import { buildWebIfStale } from './cli/web-apps-build.ts';
import { DEMO_PASSWORD, DEMO_USERS, hasUsers, seedDemoAccounts } from './cli/demo-seed.ts';
import { placesCommand } from './cli/places-command.ts';
import { seedCommand } from './cli/seed-command.ts';
import { allModules } from './modules/index.ts';
import { startPlatform } from './platform/boot.ts';
import { ROLE_NAMES } from './platform/config.ts';

const program = new Command('lastmile')
  .description(
    'lastmile: local delivery platform (stores, stock, orders, payments, dispatch, live tracking)',
  )
  .showHelpAfterError();

program
  .command('start')
  .description(
    'Run lastmile. Without --role every role runs in this process; with no DATABASE_URL Postgres is embedded (data in LASTMILE_DATA_DIR), with no REDIS_URL/NATS_URL in-process adapters are used. Seeds the demo city on an empty database.',
  )
  .addOption(
    new Option(
      '--role <role...>',
      `roles to run: ${ROLE_NAMES.join(', ')} (api serves HTTP; worker relays events, runs consumers and workflows)`,
    ),
  )
  .option('--port <port>', 'HTTP port (PORT)')
  .option('--no-seed', 'do not seed the demo city on an empty database')
  .action(async (opts: { role?: string[]; port?: string; seed: boolean }) => {
    const cfg = config({ roles: opts.role, port: opts.port });
    let platform: Awaited<ReturnType<typeof startPlatform>> | undefined;
    let signals = 0;
    const shutdown = async (signal: string) => {
      signals++;
      if (signals > 1) process.exit(130);
      platform?.ctx.logger.info({ signal }, 'shutting down');
      // Whatever hangs (a dependency already gone), the process still ends.
      setTimeout(() => {
        process.stderr.write('lastmile: shutdown took too long; exiting\n');
        process.exit(1);
      }, 20_000).unref();
      await platform?.stop();
      process.exit(0);
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    try {
      // Demo accounts with a published password never go into a production database.
      const seed = opts.seed && cfg.env !== 'production';
      // Before anything starts, and again under the banner, where it is seen.
      const warning = developmentWarning(cfg, seed);
      if (warning) process.stderr.write(warning);
      if (cfg.roles.includes('all') || cfg.roles.includes('api')) await buildWebIfStale();
      platform = await startPlatform(cfg, {
        modules: allModules,
        holdReadiness: seed ? ['demo-seed'] : [],
      });
      let seeded = false;
      if (seed && !(await hasUsers(platform.ctx))) {
        await seedDemoAccounts(platform.ctx);
        await seedDemoCity(platform.ctx, platform.databaseUrl);
        seeded = true;
      }
      // Only now: a client that waited for /ready finds the logins and stores it was promised.
      platform.ready('demo-seed');
      process.stdout.write(demoBanner(platform, seeded) + (warning ?? ''));
    } catch (err) {
      await platform?.stop();
      fail(err);
    }
  });

program
  .command('migrate')
  .description('Apply pending database migrations and exit (start also does this)')
  .action(async () => {
    const cfg = config({});
    try {
      // No role: only the database and its migrations.
      const p = await startPlatform(
        { ...cfg, roles: [] },
        { modules: allModules, workflows: false, listen: false },
      );
      await p.stop();
      process.stdout.write('migrations are up to date\n');
    } catch (err) {
      fail(err);
    }
  });

program.addCommand(seedCommand());
program.addCommand(placesCommand());

program
  .command('bench')
  .description(
    'Run a benchmark and write bench/results/<name>.json; "all" runs each and writes bench/REPORT.md; "report" rebuilds REPORT.md from bench/results',
  )
  .argument('<name>', 'benchmark name, "all" or "report"')
  .option('--quick', 'small scale, finishes in under a minute', false)
  .action(async (name: string, opts: { quick: boolean }) => {
    try {
      // Loaded on demand: benchmark code stays out of the server's start-up.
      const { runBench } = await import('../bench/run.ts');
      await runBench(name, opts.quick);
    } catch (err) {
      fail(err);
    }
  });

/** The ops account `lastmile sim --url` signs in with unless told otherwise: the demo one. */
const DEFAULT_OPS_EMAIL = DEMO_USERS.find((u) => u.role === 'ops')?.email ?? '';

program
  .command('sim')
  .description(
    'Simulate an evening of a city through the public API (customers, store staff, couriers), check the invariants and write ' +
      'sim/results/<run>/report.{json,md} with SVG plots. Starts lastmile itself (embedded Postgres, or the services in ' +
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
  .option('--rain-min <n>', 'minutes of rain (0: none); slows bikes most, cars least')
  .option(
    '--traffic-percent <n>',
    "extra travel time in the centre's zone from the rush on (0: none)",
  )
  .option('--url <url...>', 'drive these running API processes instead of starting lastmile')
  .option('--database-url <url>', 'with --url: the database to check the invariants in')
  .option('--ops-email <email>', 'with --url: an ops account', DEFAULT_OPS_EMAIL)
  .option('--ops-password <password>', 'with --url: its password', DEMO_PASSWORD)
  .option('--no-baseline', 'do not run the greedy-dispatch baseline beside')
  .option('--out <dir>', 'write the report here instead of sim/results/<run>')
  .option('--name <run>', 'name of the run (its results directory)')
  .action(async (opts: Record<string, string | boolean | string[] | undefined>, cmd: Command) => {
    try {
      const { runSimulation, QUICK } = await import('../sim/run.ts');
      const { DEFAULT_SIM } = await import('../sim/config.ts');
      const n = (flag: string, key: string, min: number) =>
        wholeNumber(cmd, flag, opts[key] as string | undefined, min);
      const base = { ...DEFAULT_SIM, ...(opts.quick ? QUICK : {}) };
      const pick = (v: number | undefined, d: number) => v ?? d;
      const cfg = {
        ...base,
        seed: pick(n('--seed', 'seed', 0), base.seed),
        ordersPerHour: pick(n('--orders-per-hour', 'ordersPerHour', 1), base.ordersPerHour),
        rushFactor: pick(n('--rush', 'rush', 1), base.rushFactor),
        normalMin: pick(n('--normal-min', 'normalMin', 0), base.normalMin),
        rushMin: pick(n('--rush-min', 'rushMin', 0), base.rushMin),
        afterMin: pick(n('--after-min', 'afterMin', 0), base.afterMin),
        drainMin: pick(n('--drain-min', 'drainMin', 1), base.drainMin),
        stores: pick(n('--stores', 'stores', 1), base.stores),
        productsPerStore: pick(n('--products', 'products', 5), base.productsPerStore),
        customers: pick(n('--customers', 'customers', 1), base.customers),
        drivers: pick(n('--drivers', 'drivers', 1), base.drivers),
        weather: {
          ...base.weather,
          rainFromMin: pick(n('--rain-from-min', 'rainFromMin', 0), base.weather.rainFromMin),
          rainMin: pick(n('--rain-min', 'rainMin', 0), base.weather.rainMin),
          trafficPercent: pick(
            n('--traffic-percent', 'trafficPercent', 0),
            base.weather.trafficPercent,
          ),
        },
      };
      const urls = (opts.url as string[] | undefined) ?? [];
      // Node exits quietly when nothing is left to wait on; a simulation that ends that way is a bug to report.
      const stalled = () => {
        process.stderr.write(
          'the simulation stopped before it finished: an agent waited on something that can no longer happen\n',
        );
        process.exitCode = 3;
      };
      process.once('beforeExit', stalled);
      const { ok } = await runSimulation({
        cfg,
        urls,
        databaseUrl: (opts.databaseUrl as string | undefined) ?? null,
        ops: { email: opts.opsEmail as string, password: opts.opsPassword as string },
        baseline: opts.baseline !== false && urls.length === 0,
        out: (opts.out as string | undefined) ?? null,
        name: (opts.name as string | undefined) ?? null,
      });
      process.off('beforeExit', stalled);
      process.exitCode = ok ? 0 : 1;
    } catch (err) {
      fail(err);
    }
  });

await program.parseAsync(process.argv);
