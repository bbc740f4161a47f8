import type { Db } from '../../platform/db/pool.ts';
import { setStockLevels, type StockLevel } from '../inventory/index.ts';
import { keyedBatch } from './import-batch.ts';
import type { ImportRecord } from './import-records.ts';
import {
  checkedRows,
  type ImportReport,
  type ImportTally,
  importTally,
  type RowCheck,
} from './import-report.ts';
import { IMPORT_BATCH_ROWS } from './import.schemas.ts';
import { productImportRepository } from './product-import.repository.ts';

export interface StockImportAudit {
  reason: string;
  actor: string;
}

/** Told after each committed batch, so cached pages of the store refresh while a long import runs. */
export type StockWritten = (storeId: string) => void;

interface PendingLevel {
  line: number;
  sku: string;
  onHand: number;
}

/**
 * Sets a store's counted stock from import rows. SKUs resolve to products a batch at a time; the
 * levels go through the inventory's own `setStockLevels` (one statement per batch, an audit row
 * per change, kind 'import'), which refuses a level below what is reserved for that row alone.
 */
export async function importStock(
  db: Db,
  storeId: string,
  records: AsyncIterable<ImportRecord>,
  check: RowCheck,
  audit: StockImportAudit,
  written: StockWritten = () => {},
): Promise<ImportReport> {
  const tally = importTally();
  const batch = keyedBatch<PendingLevel>(IMPORT_BATCH_ROWS, async (rows) => {
    if ((await writeLevels(db, storeId, rows, audit, tally)) > 0) written(storeId);
  });
  for await (const r of checkedRows(records, check, tally)) {
    const v = r.values as { sku: string; on_hand: number };
    await batch.add(v.sku, { line: r.line, sku: v.sku, onHand: v.on_hand });
  }
  await batch.flush();
  return tally.done();
}

/** Returns how many levels were applied. */
async function writeLevels(
  db: Db,
  storeId: string,
  rows: readonly PendingLevel[],
  audit: StockImportAudit,
  tally: ImportTally,
): Promise<number> {
  const ids = await productImportRepository(db).idsBySku(rows.map((r) => r.sku));
  const levels: Array<StockLevel & { line: number }> = [];
  for (const r of rows) {
    const productId = ids.get(r.sku);
    if (productId) levels.push({ storeId, productId, onHand: r.onHand, line: r.line });
    else tally.fail(r.line, { field: 'sku', message: `sku: no product with SKU "${r.sku}"` });
  }
  const written = await setStockLevels(db, levels, {
    kind: 'import',
    reason: audit.reason,
    actor: audit.actor,
  });
  const applied = new Set(written.map((w) => w.product_id));
  for (const l of levels) {
    if (applied.has(l.productId)) tally.applied();
    else
      tally.fail(l.line, {
        field: 'on_hand',
        message: `on_hand: ${l.onHand} is below the units already reserved for orders; the level was not changed`,
      });
  }
  return applied.size;
}
