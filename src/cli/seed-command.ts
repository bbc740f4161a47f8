import { Command, Option } from 'commander';
import { placesFor } from '../modules/places/index.ts';
import { wholeNumber, withDatabase } from './cli-support.ts';
import { DEMO_CITY_SIZE, seedDemoCity } from './demo-city.ts';
import { seedDemoAccounts } from './demo-seed.ts';
import { formatSeedReport, seedCatalog } from './scale-seed.ts';
import { CITY_KEYS, cityByKey } from './seed-cities.ts';
import { cityStreetNetwork, MAX_CITY_ADDRESSES, streetsOf } from './seed-streets.ts';
import { formatStreetReport, loadStreetNetwork } from './seed-streets-load.ts';

interface SeedOptions {
  demo: boolean;
  streets: boolean;
  stores?: string;
  skus?: string;
  city: string;
  seed: string;
  jobs: string;
}

/** `lastmile seed`: the demo, a catalog at scale, a city's streets. */
export function seedCommand(): Command {
  return new Command('seed')
    .description(
      `Load data. --demo: the demo accounts and a demo city (${DEMO_CITY_SIZE.stores} stores around Berlin Mitte, ${DEMO_CITY_SIZE.skus} products, stock, the streets and addresses of every zone). ` +
        '--stores N --skus N: a generated catalog at scale, loaded with COPY; deterministic from --seed, idempotent and resumable (re-run after an interruption), with the city’s streets. ' +
        `--streets: only the city’s generated streets and addresses (its districts, at most ${MAX_CITY_ADDRESSES.toLocaleString('en-US')} addresses).`,
    )
    .option('--demo', 'seed the demo accounts and the demo city', false)
    .option('--stores <n>', 'stores spread over the metro area')
    .option('--skus <n>', 'products (every store stocks every one)')
    .option('--streets', 'the city’s streets and addresses (also loaded with --stores)', false)
    .addOption(
      new Option('--city <city>', 'metro area, its currency, time zone and street names')
        .choices(CITY_KEYS)
        .default('berlin'),
    )
    .option('--seed <n>', 'generator seed of the catalog (same seed, same catalog)', '1')
    .option('--jobs <n>', 'stores loaded in parallel', '2')
    .action(async (opts: SeedOptions, cmd: Command) => {
      const stores = wholeNumber(cmd, '--stores', opts.stores, 1);
      const skus = wholeNumber(cmd, '--skus', opts.skus, 1);
      const seed = wholeNumber(cmd, '--seed', opts.seed, 0) ?? 1;
      const jobs = wholeNumber(cmd, '--jobs', opts.jobs, 1) ?? 2;
      const usage = (message: string) => cmd.error(`error: ${message}`, { exitCode: 2 });
      if ((stores === undefined) !== (skus === undefined)) usage('--stores and --skus go together');
      if (!opts.demo && !opts.streets && stores === undefined)
        usage('say what to seed: --demo, --streets, or --stores N --skus N');
      const city = cityByKey(opts.city);
      await withDatabase(async (p) => {
        if (opts.demo) {
          await seedDemoAccounts(p.ctx);
          const demo = await seedDemoCity(p.ctx, p.databaseUrl);
          process.stdout.write(
            `demo accounts and demo city seeded\n${formatStreetReport(demo.streets)}`,
          );
        }
        if (stores !== undefined && skus !== undefined) {
          const report = await seedCatalog(p.ctx, {
            databaseUrl: p.databaseUrl,
            city,
            seed,
            stores,
            skus,
            jobs,
            progress: true,
            log: (line) => process.stderr.write(`${line}\n`),
          });
          process.stdout.write(formatSeedReport(report));
        }
        if (opts.streets || stores !== undefined) {
          const net = cityStreetNetwork(streetsOf(city));
          process.stdout.write(
            formatStreetReport(await loadStreetNetwork(p.databaseUrl, city, net, placesFor(p.ctx))),
          );
        }
      });
    });
}
