import { type Selectable, sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import type { Bbox } from '../../platform/geo/bbox.ts';
import { catalogDb, type StoreStatus, type StoresTable } from './catalog-tables.ts';

export type StoreRow = Selectable<StoresTable>;
export type StoreFields = Omit<StoreRow, 'id' | 'status' | 'version' | 'created_at' | 'updated_at'>;

export function storesRepository(db: Db) {
  const q = catalogDb(db);
  return {
    insert(id: string, f: StoreFields) {
      return q
        .insertInto('stores')
        .values({
          ...f,
          id,
          zone_polygon: f.zone_polygon ? JSON.stringify(f.zone_polygon) : null,
          opening_hours: JSON.stringify(f.opening_hours),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    find(id: string) {
      return q.selectFrom('stores').selectAll().where('id', '=', id).executeTakeFirst();
    },
    /** Applies the fields given; `expectedVersion` turns a concurrent edit into a miss. */
    update(
      id: string,
      f: Partial<StoreFields> & { status?: StoreStatus },
      expectedVersion?: number,
    ) {
      const { zone_polygon, opening_hours, ...rest } = f;
      let query = q
        .updateTable('stores')
        .set((eb) => ({
          ...rest,
          ...(zone_polygon !== undefined
            ? { zone_polygon: zone_polygon ? JSON.stringify(zone_polygon) : null }
            : {}),
          ...(opening_hours !== undefined ? { opening_hours: JSON.stringify(opening_hours) } : {}),
          version: eb('version', '+', eb.lit(1)),
          updated_at: eb.fn('now'),
        }))
        .where('id', '=', id);
      if (expectedVersion !== undefined) query = query.where('version', '=', expectedVersion);
      return query.returningAll().executeTakeFirst();
    },
    async replaceCoverage(storeId: string, cells: readonly bigint[]) {
      await q.deleteFrom('store_coverage').where('store_id', '=', storeId).execute();
      if (cells.length === 0) return;
      await q
        .insertInto('store_coverage')
        .columns(['cell', 'store_id'])
        .expression(
          q.selectNoFrom((eb) => [
            // Raw: unnest needs its parameter cast to bigint[]; Kysely's cast has no array types.
            sql<string>`unnest(${cells.map(String)}::bigint[])`.as('cell'),
            eb.val(storeId).as('store_id'),
          ]),
        )
        .execute();
    },
    /** Stores whose coverage includes the cell: the candidates for a point inside it. */
    inCell(cell: bigint) {
      return q
        .selectFrom('store_coverage as c')
        .innerJoin('stores as s', 's.id', 'c.store_id')
        .selectAll('s')
        .where('c.cell', '=', cell.toString())
        .execute();
    },
    /** How many stores not closed stand in each box (one pass over the stores). */
    countIn: (boxes: readonly Bbox[]) => countIn(q, boxes),
    /** The names of these stores (those that exist). */
    names: (ids: readonly string[]) =>
      q
        .selectFrom('stores')
        .select(['id', 'name'])
        .where('id', '=', (eb) => eb.fn.any(eb.val([...ids])))
        .execute(),
    /** Every store not closed, where it stands (ops' live map), in id order, at most `limit`. */
    onMap: (limit: number) => onMap(q, limit),
    list(p: { after?: string; limit: number; status?: StoreStatus }) {
      let query = q.selectFrom('stores').selectAll().orderBy('id').limit(p.limit);
      if (p.after) query = query.where('id', '>', p.after);
      if (p.status) query = query.where('status', '=', p.status);
      return query.execute();
    },
  };
}

const onMap = (q: ReturnType<typeof catalogDb>, limit: number) =>
  q
    .selectFrom('stores')
    .select(['id', 'name', 'lat', 'lng', 'status'])
    .where('status', '!=', 'closed')
    .orderBy('id')
    .limit(limit)
    .execute();

/** How many stores not closed stand in each box: one count per box, filtered, in one pass. */
async function countIn(q: ReturnType<typeof catalogDb>, boxes: readonly Bbox[]): Promise<number[]> {
  if (boxes.length === 0) return [];
  const row = await q
    .selectFrom('stores')
    .select((eb) =>
      boxes.map((b, i) =>
        eb.fn
          .countAll<string>()
          .filterWhere((w) =>
            w.and([w.between('lat', b.south, b.north), w.between('lng', b.west, b.east)]),
          )
          .as(`in_${i}`),
      ),
    )
    .where('status', '!=', 'closed')
    .executeTakeFirstOrThrow();
  const counts = row as Record<string, string | number>;
  return boxes.map((_, i) => Number(counts[`in_${i}`] ?? 0));
}
