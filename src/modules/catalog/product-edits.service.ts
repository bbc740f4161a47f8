import { uuidv7 } from 'uuidv7';
import type { AuditAct, AuditLog } from '../../platform/audit/audit-log.ts';
import { declaredEvent } from '../../platform/bus/declared-event.ts';
import { writeOutbox } from '../../platform/bus/outbox.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError, SqlState, sqlState } from '../../platform/errors.ts';
import { CatalogEventDefs, type ProductChangedPayload } from './catalog.events.ts';
import { categoriesRepository } from './categories.repository.ts';
import { productView } from './product-view.ts';
import { type ProductFields, type ProductRow, productsRepository } from './products.repository.ts';

export interface ProductInput {
  sku: string;
  name: string;
  brand?: string;
  category_id: string;
  price_minor: number;
  currency: string;
  image_url?: string | null;
  weight_g?: number | null;
  age_restricted?: boolean;
  popularity?: number;
}

/**
 * popularity is a real (float4) column: a double below its range (1e-300) would be refused by
 * Postgres as out of range (500), so it is stored as the float4 it becomes anyway.
 */
const asReal = (x: number) => Math.fround(x);

/** The fields a patch may set directly (the category also sets its path). */
const PATCHABLE = [
  'name',
  'brand',
  'price_minor',
  'currency',
  'image_url',
  'weight_g',
  'age_restricted',
  'popularity',
] as const;

/** The category's path from the root; an unknown category is the caller's mistake (400). */
async function categoryPath(db: Db, categoryId: string): Promise<string[]> {
  const c = await categoriesRepository(db).findCategory(categoryId);
  if (!c)
    throw new AppError('VALIDATION_FAILED', `category_id: unknown category "${categoryId}"`, {
      details: { errors: [{ path: 'body.category_id', message: 'unknown category' }] },
    });
  return c.path;
}

/** What the audit log keeps of a product. */
const auditState = (p: ProductRow) => ({
  sku: p.sku,
  name: p.name,
  brand: p.brand,
  category_id: p.category_id,
  price_minor: p.price_minor,
  currency: p.currency,
  age_restricted: p.age_restricted,
  version: p.version,
});

/** Ops' change, in the audit log in `trx` (the change's); nothing without `act` (seeding). */
async function audited(
  trx: Db,
  audit: AuditLog | undefined,
  act: AuditAct | undefined,
  change: { action: string; target: { type: string; id: string }; before: unknown; after: unknown },
) {
  if (audit && act) await audit.record(trx, act, change);
}

/** `catalog.product_changed`, written in the transaction of the change. */
async function emit(trx: Db, row: ProductRow) {
  const payload: ProductChangedPayload = {
    product_id: row.id,
    sku: row.sku,
    version: row.version,
    price_minor: row.price_minor,
    currency: row.currency,
  };
  await writeOutbox(trx, [
    declaredEvent(CatalogEventDefs.PRODUCT_CHANGED, payload, { aggregateId: row.id }),
  ]);
}

/** Creates or renames a category under its parent; a category cannot become its own ancestor. */
export async function upsertCategory(
  db: Db,
  input: { id: string; name: string; parent_id?: string | null },
  audit?: { log: AuditLog; act: AuditAct },
) {
  return db.transaction().execute((trx) => putCategory(trx, input, audit));
}

async function putCategory(
  trx: Db,
  input: { id: string; name: string; parent_id?: string | null },
  audit?: { log: AuditLog; act: AuditAct },
) {
  const repo = categoriesRepository(trx);
  let path = [input.id];
  if (input.parent_id) {
    const parent = await repo.findCategory(input.parent_id);
    if (!parent)
      throw new AppError('VALIDATION_FAILED', `parent_id: unknown category "${input.parent_id}"`);
    if (parent.path.includes(input.id))
      throw new AppError('VALIDATION_FAILED', 'parent_id: a category cannot be its own ancestor');
    path = [...parent.path, input.id];
  }
  const before = await repo.findCategory(input.id);
  const row = await repo.upsertCategory({
    id: input.id,
    name: input.name,
    parent_id: input.parent_id ?? null,
    path,
  });
  const state = (c: typeof row) => ({ name: c.name, parent_id: c.parent_id, path: c.path });
  await audited(trx, audit?.log, audit?.act, {
    action: 'category.put',
    target: { type: 'category', id: input.id },
    before: before ? state(before) : null,
    after: state(row),
  });
  return row;
}

/**
 * Creating and changing products: each change commits with its `catalog.product_changed` event,
 * then `changed` tells every process (cached pages and searches re-read).
 */
export function productEditsService(
  db: Db,
  changed: (productId: string) => void,
  audit?: AuditLog,
) {
  return {
    /** `act`: ops' request, for the audit log (`product.create`). */
    async create(input: ProductInput, act?: AuditAct) {
      const f: ProductFields = {
        sku: input.sku,
        name: input.name,
        brand: input.brand ?? '',
        category_id: input.category_id,
        category_path: await categoryPath(db, input.category_id),
        price_minor: input.price_minor,
        currency: input.currency,
        image_url: input.image_url ?? null,
        weight_g: input.weight_g ?? null,
        age_restricted: input.age_restricted ?? false,
        popularity: asReal(input.popularity ?? 0),
      };
      try {
        const row = await db.transaction().execute(async (trx) => {
          const created = await productsRepository(trx).insert(uuidv7(), f);
          await emit(trx, created);
          await audited(trx, audit, act, {
            action: 'product.create',
            target: { type: 'product', id: created.id },
            before: null,
            after: auditState(created),
          });
          return created;
        });
        changed(row.id);
        return productView(row);
      } catch (err) {
        if (sqlState(err) === SqlState.UNIQUE_VIOLATION)
          throw new AppError('CONFLICT', `A product with SKU ${input.sku} exists`, { cause: err });
        throw err;
      }
    },

    /** `act`: ops' request, for the audit log (`product.update`). */
    async update(id: string, patch: Partial<ProductInput>, act?: AuditAct) {
      const f: Partial<ProductFields> = {};
      for (const k of PATCHABLE) {
        if (patch[k] !== undefined) (f as Record<string, unknown>)[k] = patch[k];
      }
      if (f.popularity !== undefined) f.popularity = asReal(f.popularity);
      if (patch.category_id !== undefined) {
        f.category_id = patch.category_id;
        f.category_path = await categoryPath(db, patch.category_id);
      }
      const row = await db.transaction().execute(async (trx) => {
        const before = act && (await productsRepository(trx).find(id));
        const updated = await productsRepository(trx).update(id, f);
        if (!updated) return undefined;
        await emit(trx, updated);
        await audited(trx, audit, act, {
          action: 'product.update',
          target: { type: 'product', id },
          before: before ? auditState(before) : null,
          after: auditState(updated),
        });
        return updated;
      });
      if (!row) throw new AppError('NOT_FOUND', `No product ${id}`);
      changed(row.id);
      return productView(row);
    },
  };
}
