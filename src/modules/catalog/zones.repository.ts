import type { Db } from '../../platform/db/pool.ts';
import { catalogDb } from './catalog-tables.ts';

/** The map's reads of delivery zones: `store_coverage` with the stores it belongs to. */
export function zonesRepository(db: Db) {
  const q = catalogDb(db);
  return {
    /** Stores with a coverage cell among `cells`, in id order, at most `limit`. */
    storesInCells(cells: readonly bigint[], limit: number) {
      if (cells.length === 0) return Promise.resolve([]);
      return q
        .selectFrom('stores as s')
        .select(['s.id', 's.name', 's.status', 's.version'])
        .where('s.id', 'in', (eb) =>
          eb
            .selectFrom('store_coverage as c')
            .select('c.store_id')
            .where(
              'c.cell',
              'in',
              cells.map((c) => c.toString()),
            ),
        )
        .orderBy('s.id')
        .limit(limit)
        .execute();
    },
    /** Every coverage cell of these stores. */
    async cellsOf(storeIds: readonly string[]): Promise<Map<string, bigint[]>> {
      const out = new Map<string, bigint[]>();
      if (storeIds.length === 0) return out;
      const rows = await q
        .selectFrom('store_coverage')
        // As text: int8 is read as a JS number, which cannot hold a 64-bit H3 index.
        .select((eb) => ['store_id', eb.cast<string>('cell', 'text').as('cell')])
        .where('store_id', 'in', [...storeIds])
        .execute();
      for (const r of rows) {
        const list = out.get(r.store_id) ?? [];
        list.push(BigInt(r.cell));
        out.set(r.store_id, list);
      }
      return out;
    },
  };
}
