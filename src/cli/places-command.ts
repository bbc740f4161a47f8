import fs from 'node:fs/promises';
import { Command } from 'commander';
import { type PlaceCity, placesFor } from '../modules/places/index.ts';
import { withDatabase } from './cli-support.ts';
import { CITIES, type CityKey } from './seed-cities.ts';
import { placeCityOf } from './seed-streets-load.ts';

const CITY_KEY = /^[a-z][a-z0-9-]{1,39}$/;

interface ImportOptions {
  city: string;
  name?: string;
  style?: string;
  center?: string;
}

const COORDINATE = /^-?\d{1,3}(\.\d{1,12})?$/;

/** `--center lat,lng`: two plain decimals in range, else a usage error. */
function centerOf(text: string, usage: (m: string) => never): { lat: number; lng: number } {
  const parts = text.split(',').map((v) => v.trim());
  const [lat, lng] = parts.map(Number) as [number, number];
  if (
    parts.length !== 2 ||
    !parts.every((v) => COORDINATE.test(v)) ||
    Math.abs(lat) > 90 ||
    Math.abs(lng) > 180
  )
    usage(`--center must be lat,lng in degrees (52.52,13.405), got "${text}"`);
  return { lat, lng };
}

/** The city data is kept under: a known city's own name and style, or the ones given. */
function cityOf(opts: ImportOptions, usage: (m: string) => never): PlaceCity {
  if (!CITY_KEY.test(opts.city))
    usage(`--city must be a key of lower-case letters, digits and -, got "${opts.city}"`);
  if (opts.style !== undefined && opts.style !== 'de' && opts.style !== 'en')
    usage(`--style must be de or en, got "${opts.style}"`);
  const known = (CITIES as Record<string, (typeof CITIES)[CityKey] | undefined>)[opts.city];
  const base = known ? placeCityOf(known) : null;
  const name = opts.name ?? base?.name;
  if (!name) usage(`--name is needed for a city lastmile does not know ("${opts.city}")`);
  const center = opts.center !== undefined ? centerOf(opts.center, usage) : base?.center;
  return {
    key: opts.city,
    name: name as string,
    style: (opts.style ?? base?.style ?? 'en') as PlaceCity['style'],
    ...(center ? { center } : {}),
  };
}

/** `lastmile places import`: a city's streets and addresses from a file in the places format. */
export function placesCommand(): Command {
  const places = new Command('places').description(
    'Street data of the cities: import a GeoJSON file in the places format (see ARCHITECTURE.md, "Places and maps")',
  );
  places
    .command('import')
    .description(
      'Replace a city’s streets and addresses with a GeoJSON FeatureCollection: LineStrings with { name, class } and Points with { street, housenumber, postcode }. Every feature is checked first; one bad feature imports nothing (exit code 1, each problem with its feature’s index).',
    )
    .argument('<file>', 'the .geojson file')
    .requiredOption('--city <key>', 'the city’s key (berlin, london, nyc, hamburg, or a new one)')
    .option('--name <name>', 'the city’s name in addresses (default: a known city’s)')
    .option(
      '--style <style>',
      'how addresses are written: de (Straße 1, 10115 Ort) or en (1 Street, City POSTCODE)',
    )
    .option(
      '--center <lat,lng>',
      'where maps of the city open (default: a known city’s centre, else the mean of its addresses)',
    )
    .action(async (file: string, opts: ImportOptions, cmd: Command) => {
      const usage = (message: string): never => cmd.error(`error: ${message}`, { exitCode: 2 });
      const city = cityOf(opts, usage);
      let doc: unknown;
      try {
        doc = JSON.parse(await fs.readFile(file, 'utf8'));
      } catch (err) {
        usage(`${file} is not a readable JSON file: ${(err as Error).message}`);
      }
      const report = await withDatabase((p) => placesFor(p.ctx).importCity(city, doc));
      if (!report.ok) {
        for (const p of report.problems)
          process.stderr.write(
            `${p.index < 0 ? 'document' : `feature ${p.index}`}: ${p.message}\n`,
          );
        if (report.problemCount > report.problems.length)
          process.stderr.write(`… and ${report.problemCount - report.problems.length} more\n`);
        process.stderr.write(`nothing imported: ${report.problemCount} bad feature(s)\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(
        `imported ${city.key}: ${report.streets} streets, ${report.addresses} addresses` +
          (report.unsearchable > 0
            ? ` (${report.unsearchable} on a street no LineString names: found by reverse only)`
            : '') +
          '\n',
      );
    });
  return places;
}
