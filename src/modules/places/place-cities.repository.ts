import { type ColumnType, type Kysely, sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';

/** A row of `place_cities`: a city's name, the centre it was given and a summary of its rows. */
export interface PlaceCitiesTable {
  city: string;
  name: string;
  given_lat: number | null;
  given_lng: number | null;
  center_lat: number;
  center_lng: number;
  west: number;
  south: number;
  east: number;
  north: number;
  streets: number;
  addresses: number;
  updated_at: ColumnType<Date, never, Date>;
}

/** A city as it is written: its key, its name and the centre given, if any. */
export interface CityEntry {
  key: string;
  name: string;
  center: { lat: number; lng: number } | null;
}

interface Summary {
  streets: number;
  addresses: number;
  mean_lat: number | null;
  mean_lng: number | null;
  west: number | null;
  south: number | null;
  east: number | null;
  north: number | null;
}

const cities = (db: Db) => db as unknown as Kysely<{ place_cities: PlaceCitiesTable }>;

/** Every statement on `place_cities` (the summary is read from the city's streets and addresses). */
export function placeCitiesRepository(db: Db) {
  const q = cities(db);
  return {
    /**
     * Writes the city's row from its streets and addresses as they are now (run in the load's
     * transaction), or removes it when the city has none. Raw: the box type's point subscripts
     * (a box is its upper right [0] and lower left [1] corners, each an (x = lng, y = lat) pair).
     */
    async refresh(city: CityEntry): Promise<void> {
      const res = await sql<Summary>`
        SELECT s.n AS streets, a.n AS addresses, a.lat AS mean_lat, a.lng AS mean_lng,
               least(a.west, s.west) AS west, least(a.south, s.south) AS south,
               greatest(a.east, s.east) AS east, greatest(a.north, s.north) AS north
        FROM (SELECT count(*)::int AS n, avg(lat) AS lat, avg(lng) AS lng, min(lng) AS west,
                     min(lat) AS south, max(lng) AS east, max(lat) AS north
              FROM place_addresses WHERE city = ${city.key}) a,
             (SELECT count(*)::int AS n, min((bounds[1])[0]) AS west, min((bounds[1])[1]) AS south,
                     max((bounds[0])[0]) AS east, max((bounds[0])[1]) AS north
              FROM place_streets WHERE city = ${city.key}) s`.execute(q);
      const s = res.rows[0];
      if (!s || s.west === null || s.south === null || s.east === null || s.north === null) {
        await q.deleteFrom('place_cities').where('city', '=', city.key).execute();
        return;
      }
      const row = {
        name: city.name,
        given_lat: city.center?.lat ?? null,
        given_lng: city.center?.lng ?? null,
        center_lat: city.center?.lat ?? s.mean_lat ?? (s.south + s.north) / 2,
        center_lng: city.center?.lng ?? s.mean_lng ?? (s.west + s.east) / 2,
        west: s.west,
        south: s.south,
        east: s.east,
        north: s.north,
        streets: s.streets,
        addresses: s.addresses,
      };
      await q
        .insertInto('place_cities')
        .values({ city: city.key, ...row })
        .onConflict((oc) =>
          oc.column('city').doUpdateSet((eb) => ({ ...row, updated_at: eb.fn<Date>('now') })),
        )
        .execute();
    },

    /** Every city with street data, by name (then key). */
    list() {
      return q
        .selectFrom('place_cities')
        .select([
          'city',
          'name',
          'center_lat',
          'center_lng',
          'west',
          'south',
          'east',
          'north',
          'streets',
          'addresses',
        ])
        .orderBy('name')
        .orderBy('city')
        .execute();
    },
  };
}

export type PlaceCitiesRepository = ReturnType<typeof placeCitiesRepository>;
