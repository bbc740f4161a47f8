import type { Db } from '../../platform/db/pool.ts';
import type { InventoryService, StockLevel } from '../inventory/index.ts';
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

/** What a stock import needs: the catalog's database (SKUs) and the inventory, which writes stock. */
export interface StockImportDeps {
  db: Db;
  inventory: Pick<InventoryService, 'setLevels'>;
}

interface PendingLevel {
  line: number;
  sku: string;
  onHand: number;
}

/**
 * Sets a store's counted stock from import rows. SKUs resolve to products a batch at a time; the
 * levels go through the inventory service (one statement per batch, an audit row per change, kind
 * 'import'), which refuses a level below what is reserved for that row alone, and tells every
 * process after each committed batch, so cached pages of the store refresh while a long import runs.
 */
export async function importStock(
  deps: StockImportDeps,
  storeId: string,
  records: AsyncIterable<ImportRecord>,
  check: RowCheck,
  audit: StockImportAudit,
): Promise<ImportReport> {
  const tally = importTally();
  const batch = keyedBatch<PendingLevel>(IMPORT_BATCH_ROWS, (rows) =>
    writeLevels(deps, storeId, rows, audit, tally),
  );
  for await (const r of checkedRows(records, check, tally)) {
    const v = r.values as { sku: string; on_hand: number };
    await batch.add(v.sku, { line: r.line, sku: v.sku, onHand: v.on_hand });
  }
  await batch.flush();
  return tally.done();
}

async function writeLevels(
  deps: StockImportDeps,
  storeId: string,
  rows: readonly PendingLevel[],
  audit: StockImportAudit,
  tally: ImportTally,
): Promise<void> {
  const ids = await productImportRepository(deps.db).idsBySku(rows.map((r) => r.sku));
  const levels: Array<StockLevel & { line: number }> = [];
  for (const r of rows) {
    const productId = ids.get(r.sku);
    if (productId) levels.push({ storeId, productId, onHand: r.onHand, line: r.line });
    else tally.fail(r.line, { field: 'sku', message: `sku: no product with SKU "${r.sku}"` });
  }
  const written = await deps.inventory.setLevels(levels, {
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
}
