import { Command, Option } from 'commander';
import { demoBanner } from './cli/banner.ts';
import { config, fail } from './cli/cli-support.ts';
import { seedDemoCity } from './cli/demo-city.ts';
import { developmentWarning } from './cli/dev-warning.ts';
import { buildWebIfStale } from './cli/web-apps-build.ts';
import { hasUsers, seedDemoAccounts } from './cli/demo-seed.ts';
import { placesCommand } from './cli/places-command.ts';
import { seedCommand } from './cli/seed-command.ts';
import { simCommand } from './cli/sim-command.ts';
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

program.addCommand(simCommand());

await program.parseAsync(process.argv);
