import { type ColumnType, type Kysely, sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import type { Bbox } from '../../platform/geo/bbox.ts';
import { type CityEntry, placeCitiesRepository } from './place-cities.repository.ts';
import type { StreetClass } from './places-format.ts';
import {
  ADDRESS_COLUMNS,
  type AddressRow,
  type PlaceSource,
  STREET_COLUMNS,
  type StreetRow,
} from './places-rows.ts';

export interface PlaceStreetsTable {
  id: string;
  city: string;
  name: string;
  name_key: string;
  class: StreetClass;
  coordinates: ColumnType<Array<[number, number]>, string, string>;
  bounds: ColumnType<string, string, string>;
  source: PlaceSource;
}

export type PlaceAddressesTable = AddressRow;

export interface PlaceTables {
  place_streets: PlaceStreetsTable;
  place_addresses: PlaceAddressesTable;
}

export const placesDb = (db: Db) => db as unknown as Kysely<PlaceTables>;

/** A street name search found, with how well it matched the typed text (0..1 each). */
export interface StreetMatch {
  city: string;
  name_key: string;
  similarity: number;
  /** How much of the typed text the name holds (typing a prefix: `torst`). */
  typed_in_name: number;
  /** How much of the name the typed text holds (a label pasted whole). */
  name_in_typed: number;
}

export type AddressHit = Pick<
  AddressRow,
  | 'id'
  | 'label'
  | 'street'
  | 'street_key'
  | 'housenumber'
  | 'number_order'
  | 'postcode'
  | 'city'
  | 'city_name'
  | 'lat'
  | 'lng'
>;

const HIT_COLUMNS = [
  'id',
  'label',
  'street',
  'street_key',
  'housenumber',
  'number_order',
  'postcode',
  'city',
  'city_name',
  'lat',
  'lng',
] as const;

const BATCH = 2000;

/** Every statement on `place_streets` and `place_addresses`. */
export function placesRepository(db: Db) {
  const q = placesDb(db);
  return { ...searchStatements(q), ...mapStatements(q) };
}

/** The reads of address search. */
function searchStatements(q: Kysely<PlaceTables>) {
  return {
    /**
     * Street names nearest the text by trigram distance, two ways (whole name, and the text as a
     * part of the name), each walked nearest first on the GiST index. Raw: pg_trgm's distance
     * operators are beyond Kysely's operator list.
     */
    async streetMatches(text: string, perWay: number): Promise<StreetMatch[]> {
      const res = await sql<StreetMatch>`
        SELECT city, name_key,
               similarity(name_key, ${text}) AS similarity,
               word_similarity(${text}, name_key) AS typed_in_name,
               word_similarity(name_key, ${text}) AS name_in_typed
        FROM ((SELECT city, name_key FROM place_streets ORDER BY name_key <-> ${text} LIMIT ${perWay})
              UNION
              (SELECT city, name_key FROM place_streets ORDER BY name_key <->> ${text} LIMIT ${perWay})) c`.execute(
        q,
      );
      return res.rows;
    },

    /**
     * Addresses on these streets whose number is `housenumber`, has its digits (`12` → 12a), or
     * starts with them (`12` → 120–129, 1200–1299), the exact one first.
     */
    withNumber(
      streets: ReadonlyArray<{ city: string; key: string }>,
      housenumber: string,
      limit: number,
    ) {
      const n = Number(/^\d+/.exec(housenumber)?.[0] ?? -1);
      return q
        .selectFrom('place_addresses')
        .select(HIT_COLUMNS)
        .where((eb) =>
          eb.or(
            streets.map((s) => eb.and([eb('city', '=', s.city), eb('street_key', '=', s.key)])),
          ),
        )
        .where((eb) =>
          eb.or([
            eb('number_order', '=', n),
            eb.between('number_order', 10 * n, 10 * n + 9),
            eb.between('number_order', 100 * n, 100 * n + 99),
          ]),
        )
        .orderBy((eb) => eb(eb.fn('lower', ['housenumber']), '=', housenumber), 'desc')
        .orderBy('number_order')
        .limit(limit)
        .execute();
    },

    /** Per street and postcode, its lowest-numbered address. */
    firstOfEach(streets: ReadonlyArray<{ city: string; key: string }>) {
      return q
        .selectFrom('place_addresses')
        .distinctOn(['city', 'street_key', 'postcode'])
        .select(HIT_COLUMNS)
        .where((eb) =>
          eb.or(
            streets.map((s) => eb.and([eb('city', '=', s.city), eb('street_key', '=', s.key)])),
          ),
        )
        .orderBy('city')
        .orderBy('street_key')
        .orderBy('postcode')
        .orderBy('number_order')
        .execute();
    },
  };
}

/** Reverse geocoding, the street map and loading a city. */
function mapStatements(q: Kysely<PlaceTables>) {
  return {
    /** The address nearest the point inside the box. Raw: point and box types and operators. */
    async nearestIn(box: Bbox, lat: number, lng: number): Promise<AddressHit | undefined> {
      const kx = Math.cos((lat * Math.PI) / 180);
      const res = await sql<AddressHit>`
        SELECT ${sql.join(HIT_COLUMNS.map((c) => sql.ref(c)))} FROM place_addresses
        WHERE point(lng, lat) <@ box(point(${box.west}, ${box.south}), point(${box.east}, ${box.north}))
        ORDER BY (lat - ${lat}) ^ 2 + ((lng - ${lng}) * ${kx}) ^ 2, id
        LIMIT 1`.execute(q);
      return res.rows[0];
    },

    /** Streets whose bounds meet the box, arterials first. Raw: the box type and its operator. */
    async streetsIn(box: Bbox, limit: number) {
      const res = await sql<
        Pick<PlaceStreetsTable, 'name' | 'class'> & {
          coordinates: Array<[number, number]>;
        }
      >`
        SELECT name, class, coordinates FROM place_streets
        WHERE bounds && box(point(${box.west}, ${box.south}), point(${box.east}, ${box.north}))
        ORDER BY class, id
        LIMIT ${limit}`.execute(q);
      return res.rows;
    },

    /** How many rows of each source a city has. */
    async cityRows(
      city: string,
    ): Promise<{ streets: number; addresses: number; imported: boolean }> {
      const count = (table: 'place_streets' | 'place_addresses') =>
        q
          .selectFrom(table)
          .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('source').as('max')])
          .where('city', '=', city)
          .executeTakeFirstOrThrow();
      const [s, a] = await Promise.all([count('place_streets'), count('place_addresses')]);
      return {
        streets: Number(s.n),
        addresses: Number(a.n),
        // 'imported' sorts after 'generated'.
        imported: s.max === 'imported' || a.max === 'imported',
      };
    },

    /** Replaces everything of the city with these rows and writes its summary, in one transaction. */
    async replaceCity(city: CityEntry, streets: StreetRow[], addresses: AddressRow[]) {
      await q.transaction().execute(async (trx) => {
        await trx.deleteFrom('place_addresses').where('city', '=', city.key).execute();
        await trx.deleteFrom('place_streets').where('city', '=', city.key).execute();
        for (let i = 0; i < streets.length; i += BATCH)
          await insertRows(trx, 'place_streets', STREET_COLUMNS, streets.slice(i, i + BATCH));
        for (let i = 0; i < addresses.length; i += BATCH)
          await insertRows(trx, 'place_addresses', ADDRESS_COLUMNS, addresses.slice(i, i + BATCH));
        await placeCitiesRepository(trx).refresh(city);
      });
      await sql`ANALYZE place_streets, place_addresses`.execute(q);
    },
  };
}

/** Array parameter types by column (text for the rest); jsonb and box are sent as text and cast. */
const ARRAY_TYPES: Record<string, string> = {
  id: 'uuid',
  number_order: 'int',
  lat: 'float8',
  lng: 'float8',
};
const CASTS: Record<string, string> = { coordinates: 'jsonb', bounds: 'box' };

/**
 * A batch as one INSERT … SELECT FROM unnest(…): one array parameter per column, whatever the
 * batch size. Raw: unnest with typed array casts (a box[] literal would need `;` between boxes).
 */
async function insertRows<R extends object>(
  trx: Kysely<PlaceTables>,
  table: keyof PlaceTables,
  columns: readonly (keyof R & string)[],
  rows: R[],
) {
  if (rows.length === 0) return;
  const arrays = columns.map(
    (c) => sql`${rows.map((r) => r[c] as unknown)}::${sql.raw(ARRAY_TYPES[c] ?? 'text')}[]`,
  );
  const selected = columns.map((c) =>
    CASTS[c] ? sql`${sql.ref(c)}::${sql.raw(CASTS[c])}` : sql.ref(c),
  );
  await sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))})
    SELECT ${sql.join(selected)}
    FROM unnest(${sql.join(arrays)}) AS u(${sql.join(columns.map((c) => sql.ref(c)))})`.execute(
    trx,
  );
}

export type PlacesRepository = ReturnType<typeof placesRepository>;
