import { uuidv7 } from 'uuidv7';
import type { AuditAct, AuditLog } from '../../platform/audit/audit-log.ts';
import { declaredEvent } from '../../platform/bus/declared-event.ts';
import { writeOutbox } from '../../platform/bus/outbox.ts';
import type { Db } from '../../platform/db/pool.ts';
import { sqlState } from '../../platform/errors.ts';
import { CatalogEventDefs, type ProductChangedPayload } from './catalog.events.ts';
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
import { type ImportedProduct, productImportRepository } from './product-import.repository.ts';

/** Ops' import, for the audit log: one `product.import` entry per batch that changed products. */
export interface ImportAudit {
  log: AuditLog;
  act: AuditAct;
  /** The import's own id: the entries' target (`product_import`). */
  importId: string;
}

export interface PendingRow {
  line: number;
  product: ImportedProduct;
}

/**
 * Upserts products by SKU from import rows. Each valid row joins a batch written in one
 * transaction together with the `catalog.product_changed` events of the products it changed, so
 * a row is applied with its event or not at all. A SKU seen again flushes the batch first: the
 * later row wins exactly as if the rows were applied one by one.
 */
export async function importProducts(
  db: Db,
  records: AsyncIterable<ImportRecord>,
  check: RowCheck,
  audit?: ImportAudit,
): Promise<ImportReport> {
  const tally = importTally();
  const categories = await productImportRepository(db).categoryPaths();
  const batch = keyedBatch<PendingRow>(IMPORT_BATCH_ROWS, (rows) =>
    writeProducts(db, rows, tally, audit),
  );
  for await (const r of checkedRows(records, check, tally)) {
    const v = r.values as { sku: string; category_id: string };
    if (!categories.has(v.category_id)) {
      tally.fail(r.line, {
        field: 'category_id',
        message: `category_id: unknown category "${v.category_id}"`,
      });
      continue;
    }
    await batch.add(v.sku, { line: r.line, product: toProduct(r.values) });
  }
  await batch.flush();
  return tally.done();
}

function toProduct(v: Record<string, unknown>): ImportedProduct {
  // The row passed the schema: the required fields are there with their types.
  const row = v as Omit<ImportedProduct, 'id'> & Partial<ImportedProduct>;
  return {
    id: uuidv7(),
    sku: row.sku,
    name: row.name,
    // A row describes the whole product: an optional field left out takes its default.
    brand: row.brand ?? '',
    category_id: row.category_id,
    price_minor: row.price_minor,
    currency: row.currency,
    image_url: row.image_url ?? null,
    weight_g: row.weight_g ?? null,
    age_restricted: row.age_restricted ?? false,
  };
}

/**
 * Writes a batch with its events. The rows were validated, so the database refusing the batch
 * (a constraint, a category removed meanwhile) is rare: then each row is retried alone, to apply
 * the good ones and report the bad one by its line.
 */
export async function writeProducts(
  db: Db,
  rows: readonly PendingRow[],
  tally: ImportTally,
  audit?: ImportAudit,
): Promise<void> {
  try {
    await db.transaction().execute(async (trx) => {
      const changed = await productImportRepository(trx).upsert(rows.map((r) => r.product));
      const events = changed.map((p) => {
        const payload: ProductChangedPayload = {
          product_id: p.id,
          sku: p.sku,
          version: p.version,
          price_minor: p.price_minor,
          currency: p.currency,
        };
        return declaredEvent(CatalogEventDefs.PRODUCT_CHANGED, payload, { aggregateId: p.id });
      });
      await writeOutbox(trx, events);
      if (audit && changed.length > 0)
        await audit.log.record(trx, audit.act, {
          action: 'product.import',
          target: { type: 'product_import', id: audit.importId },
          before: null,
          after: {
            lines: [rows[0]?.line, rows[rows.length - 1]?.line],
            changed: changed.map((p) => ({ id: p.id, sku: p.sku, version: p.version })),
          },
        });
    });
    tally.applied(rows.length);
  } catch (err) {
    if (!isRowDataError(err)) throw err;
    const [only] = rows;
    if (rows.length === 1 && only) {
      const constraint = (err as { constraint?: string }).constraint;
      tally.fail(only.line, {
        message: `refused by the database${constraint ? ` (${constraint})` : ''}; nothing of this row was written`,
      });
      return;
    }
    for (const row of rows) await writeProducts(db, [row], tally, audit);
  }
}

/** Data exceptions and integrity violations: the rows' values are at fault, not the database. */
const isRowDataError = (err: unknown) => ['22', '23'].includes(sqlState(err)?.slice(0, 2) ?? '');
