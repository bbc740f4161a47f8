import type pg from 'pg';
import { ADDRESS_COLUMNS, STREET_COLUMNS } from '../modules/places/index.ts';
import { copyIn, textRows } from './seed-copy.ts';

/*
 * The street seed's statements (see seed-streets-load.ts): the generated streets and addresses
 * go into the places module's tables with COPY, as the catalog seed loads its tables (rows made
 * by the module's own row functions, so they are what an import would write). Raw SQL: COPY and
 * temporary tables are beyond Kysely.
 */

type Row = ReadonlyArray<string | number | boolean | null>;

/** How many of these street ids are loaded already. */
export async function countStreets(client: pg.Client, ids: string[]): Promise<number> {
  const res = await client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM place_streets WHERE id = ANY($1::uuid[])',
    [ids],
  );
  return res.rows[0]?.n ?? 0;
}

/** Whether the city's places were imported (a generated network is then not added). */
export async function cityImported(client: pg.Client, city: string): Promise<boolean> {
  const res = await client.query(
    "SELECT 1 FROM place_streets WHERE city = $1 AND source = 'imported' LIMIT 1",
    [city],
  );
  return (res.rowCount ?? 0) > 0;
}

/** Streets and addresses in one transaction; rows already there stay. Returns the rows added. */
export async function insertPlaces(
  client: pg.Client,
  streets: Iterable<Row>,
  addresses: Iterable<Row>,
): Promise<{ streets: number; addresses: number }> {
  await client.query('BEGIN');
  try {
    const added = { streets: 0, addresses: 0 };
    for (const [table, columns, rows] of [
      ['place_streets', STREET_COLUMNS, streets],
      ['place_addresses', ADDRESS_COLUMNS, addresses],
    ] as const) {
      const cols = columns.join(', ');
      await client.query(
        `CREATE TEMP TABLE seed_${table} ON COMMIT DROP AS SELECT ${cols} FROM ${table} WITH NO DATA`,
      );
      await copyIn(client, `COPY seed_${table} (${cols}) FROM STDIN`, textRows(rows));
      const res = await client.query(
        `INSERT INTO ${table} (${cols}) SELECT ${cols} FROM seed_${table} ON CONFLICT DO NOTHING`,
      );
      added[table === 'place_streets' ? 'streets' : 'addresses'] = res.rowCount ?? 0;
    }
    await client.query('COMMIT');
    await client.query('ANALYZE place_streets, place_addresses');
    return added;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}
