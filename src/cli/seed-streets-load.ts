import {
  ADDRESS_COLUMNS,
  type AddressRow,
  addressRow,
  type PlaceCity,
  type PlacesService,
  STREET_COLUMNS,
  type StreetRow,
  streetRow,
} from '../modules/places/index.ts';
import { connectSeed } from './scale-seed.repository.ts';
import type { City } from './seed-cities.ts';
import type { StreetNetwork } from './seed-streets.ts';
import { cityImported, countStreets, insertPlaces } from './seed-streets.repository.ts';

/**
 * Loads a generated street network into the places tables with COPY. Idempotent: every street
 * and address has a deterministic id, rows already there stay, and a network whose streets are all
 * loaded is skipped after one count. A city whose places were imported gets nothing generated.
 * Then the places module writes the city's entry (name, centre, box, counts) from what it holds.
 */
export interface StreetSeedReport {
  city: string;
  streets: number;
  addresses: number;
  added: { streets: number; addresses: number };
  /** Why nothing was loaded, if so. */
  skipped: 'complete' | 'imported' | null;
  seconds: number;
}

export const placeCityOf = (city: City): PlaceCity => ({
  key: city.key,
  name: city.name,
  style: city.language === 'de' ? 'de' : 'en',
  center: { lat: city.center.lat, lng: city.center.lng },
});

const values = <R>(row: R, columns: readonly (keyof R)[]) =>
  columns.map((c) => row[c] as string | number);

export async function loadStreetNetwork(
  databaseUrl: string,
  city: City,
  net: StreetNetwork,
  places: Pick<PlacesService, 'cityLoaded'>,
): Promise<StreetSeedReport> {
  const t0 = performance.now();
  const client = await connectSeed(databaseUrl);
  const report = (added: StreetSeedReport['added'], skipped: StreetSeedReport['skipped']) => ({
    city: city.key,
    streets: net.streets.length,
    addresses: net.addresses.length,
    added,
    skipped,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
  });
  try {
    const none = { streets: 0, addresses: 0 };
    if (await cityImported(client, city.key)) return report(none, 'imported');
    const pc = placeCityOf(city);
    const ids = net.streets.map((s) => s.id);
    if ((await countStreets(client, ids)) === ids.length) {
      // Loaded before, perhaps before the city's entry existed: written again (one pass over its rows).
      await places.cityLoaded(pc);
      return report(none, 'complete');
    }
    const streets = function* () {
      for (const s of net.streets)
        yield values<StreetRow>(streetRow(pc, s, s.id, 'generated'), STREET_COLUMNS);
    };
    const addresses = function* () {
      for (const a of net.addresses)
        yield values<AddressRow>(addressRow(pc, a, a.id, 'generated'), ADDRESS_COLUMNS);
    };
    const added = await insertPlaces(client, streets(), addresses());
    await places.cityLoaded(pc);
    return report(added, null);
  } finally {
    await client.end().catch(() => {});
  }
}

export function formatStreetReport(r: StreetSeedReport): string {
  const what = `${r.streets.toLocaleString('en-US')} streets, ${r.addresses.toLocaleString('en-US')} addresses`;
  if (r.skipped === 'imported')
    return `streets of ${r.city}: imported data present, nothing generated\n`;
  if (r.skipped === 'complete') return `streets of ${r.city}: ${what} already loaded\n`;
  return `streets of ${r.city}: ${what}; added ${r.added.streets.toLocaleString('en-US')} streets, ${r.added.addresses.toLocaleString('en-US')} addresses (${r.seconds} s)\n`;
}
