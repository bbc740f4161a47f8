import { Command, Option } from 'commander';
import { demoBanner } from './cli/banner.ts';
import { hasUsers, seedDemo } from './cli/demo-seed.ts';
import { allModules } from './modules/index.ts';
import { startPlatform } from './platform/boot.ts';
import { ConfigError, type ConfigOverrides, loadConfig, ROLE_NAMES } from './platform/config.ts';

function fail(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`lastmile: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`lastmile: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}

function config(overrides: ConfigOverrides) {
  try {
    return loadConfig(process.env, overrides);
  } catch (err) {
    fail(err);
  }
}

const program = new Command('lastmile')
  .description('lastmile: local delivery platform (stores, stock, orders, payments, dispatch, live tracking)')
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
      await platform?.stop();
      process.exit(0);
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    try {
      platform = await startPlatform(cfg, { modules: allModules });
      let seeded = false;
      if (opts.seed && !(await hasUsers(platform.ctx))) {
        await seedDemo(platform.ctx);
        seeded = true;
      }
      process.stdout.write(demoBanner(platform, seeded));
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
      const p = await startPlatform({ ...cfg, roles: [] }, { modules: allModules, workflows: false, listen: false });
      await p.stop();
      process.stdout.write('migrations are up to date\n');
    } catch (err) {
      fail(err);
    }
  });

program
  .command('seed')
  .description('Load data: --demo makes the demo city (accounts for each role)')
  .option('--demo', 'seed the demo city', false)
  .action(async (opts: { demo: boolean }) => {
    if (!opts.demo) fail(new Error('say what to seed: --demo'));
    const cfg = config({});
    try {
      const p = await startPlatform({ ...cfg, roles: [] }, { modules: allModules, workflows: false, listen: false });
      await seedDemo(p.ctx);
      await p.stop();
      process.stdout.write('demo city seeded\n');
    } catch (err) {
      fail(err);
    }
  });

program
  .command('bench')
  .description('Run a benchmark and write bench/results/<name>.json: http')
  .argument('<name>', 'benchmark name, or "all"')
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

await program.parseAsync(process.argv);
