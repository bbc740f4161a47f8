import { uuidv7 } from 'uuidv7';
import { newEvent } from '../../platform/bus/event.ts';
import { writeOutbox } from '../../platform/bus/outbox.ts';
import type { Db } from '../../platform/db/pool.ts';
import type { LiveNotices } from '../../platform/bus/live-notices.ts';
import { createCache } from '../../platform/cache/cache.ts';
import { coalescer } from '../../platform/db/coalescer.ts';
import { AppError, SqlState, sqlState } from '../../platform/errors.ts';
import { CatalogEvents, type ProductChangedPayload } from './catalog.events.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { PAGE_GRACE_MS, PAGE_MAX_AGE_MS, PAGE_REFRESH_AHEAD_MS } from './http-cache.ts';
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

type ProductCore = Omit<ProductRow, 'search_text' | 'updated_at' | 'category_path'> & {
  category_path?: string[];
};

export const productView = (p: ProductCore) => ({
  id: p.id,
  sku: p.sku,
  name: p.name,
  brand: p.brand,
  category_id: p.category_id,
  price: { amount_minor: p.price_minor, currency: p.currency },
  image_url: p.image_url,
  weight_g: p.weight_g,
  age_restricted: p.age_restricted,
  version: p.version,
});

/**
 * popularity is a real (float4) column: a double below its range (1e-300) would be refused by
 * Postgres as out of range (500), so it is stored as the float4 it becomes anyway.
 */
const asReal = (x: number) => Math.fround(x);

/** `notices` are told of each product whose name, price or category committed (cached pages re-read). */
export function productsService(db: Db, opts: { notices?: Pick<LiveNotices, 'notify'> } = {}) {
  const repo = productsRepository(db);
  const changed = (productId: string) => opts.notices?.notify([productId]);
  // Checkouts read their products' current prices; those arriving together share one statement.
  const readProducts = coalescer<readonly string[], ProductRow[]>(
    async (asks) => {
      const rows = await repo.findMany([...new Set(asks.flat())]);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return asks.map((ids) => ids.flatMap((id) => byId.get(id) ?? []));
    },
    { max: 100 },
  );

  // What a search text matches depends on the products only (stock is probed apart): kept like a
  // product page, until a product changes (`catalogChanged`). Popular words are most of the
  // searches, and one match costs a trigram scan (about 20 ms over 50k products). An entry holds
  // up to 100 product rows (tens of kB), so typed-as-you-go texts are bounded to 2,000.
  const matches = createCache<Awaited<ReturnType<typeof repo.searchProducts>>>({
    ttlMs: PAGE_MAX_AGE_MS,
    refreshAfterMs: PAGE_MAX_AGE_MS - PAGE_REFRESH_AHEAD_MS,
    maxEntries: 2_000,
  });

  // Category depths change only when the tree does; a short cache keeps store pages to one statement.
  const depths = createCache<number | undefined>({ ttlMs: 60_000, maxEntries: 10_000 });
  async function categoryDepth(id: string): Promise<{ id: string; depth: number }> {
    const depth = await depths.get(id, async () => (await repo.findCategory(id))?.path.length);
    // An unknown category matches nothing, like any other filter.
    return { id, depth: depth ?? 1 };
  }

  async function categoryPath(categoryId: string): Promise<string[]> {
    const c = await repo.findCategory(categoryId);
    if (!c)
      throw new AppError('VALIDATION_FAILED', `category_id: unknown category "${categoryId}"`, {
        details: { errors: [{ path: 'body.category_id', message: 'unknown category' }] },
      });
    return c.path;
  }

  async function emit(trx: Db, row: ProductRow) {
    const payload: ProductChangedPayload = {
      product_id: row.id,
      sku: row.sku,
      version: row.version,
      price_minor: row.price_minor,
      currency: row.currency,
    };
    await writeOutbox(trx, [
      newEvent(CatalogEvents.PRODUCT_CHANGED, payload, { aggregateId: row.id }),
    ]);
  }

  return {
    async upsertCategory(input: { id: string; name: string; parent_id?: string | null }) {
      let path = [input.id];
      if (input.parent_id) {
        const parent = await repo.findCategory(input.parent_id);
        if (!parent)
          throw new AppError(
            'VALIDATION_FAILED',
            `parent_id: unknown category "${input.parent_id}"`,
          );
        if (parent.path.includes(input.id))
          throw new AppError(
            'VALIDATION_FAILED',
            'parent_id: a category cannot be its own ancestor',
          );
        path = [...parent.path, input.id];
      }
      return repo.upsertCategory({
        id: input.id,
        name: input.name,
        parent_id: input.parent_id ?? null,
        path,
      });
    },

    listCategories: () => repo.listCategories(),

    async create(input: ProductInput) {
      const path = await categoryPath(input.category_id);
      const f: ProductFields = {
        sku: input.sku,
        name: input.name,
        brand: input.brand ?? '',
        category_id: input.category_id,
        category_path: path,
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

    async update(id: string, patch: Partial<ProductInput>) {
      const f: Partial<ProductFields> = {};
      for (const k of [
        'name',
        'brand',
        'price_minor',
        'currency',
        'image_url',
        'weight_g',
        'age_restricted',
        'popularity',
      ] as const) {
        if (patch[k] !== undefined) (f as Record<string, unknown>)[k] = patch[k];
      }
      if (f.popularity !== undefined) f.popularity = asReal(f.popularity);
      if (patch.category_id !== undefined) {
        f.category_id = patch.category_id;
        f.category_path = await categoryPath(patch.category_id);
      }
      const row = await db.transaction().execute(async (trx) => {
        const updated = await productsRepository(trx).update(id, f);
        if (updated) await emit(trx, updated);
        return updated;
      });
      if (!row) throw new AppError('NOT_FOUND', `No product ${id}`);
      changed(row.id);
      return productView(row);
    },

    async get(id: string) {
      const row = await repo.find(id);
      if (!row) throw new AppError('NOT_FOUND', `No product ${id}`);
      return productView(row);
    },

    /** A store's in-stock products with the quantity available now, cursor-paginated. */
    async storePage(p: {
      storeId: string;
      category?: string;
      q?: string;
      cursor?: string;
      limit: number;
    }) {
      const after = p.cursor ? decodeCursor(p.cursor) : undefined;
      const category = p.category ? await categoryDepth(p.category) : undefined;
      const rows = await repo.inStockPage({
        storeId: p.storeId,
        category,
        q: p.q,
        after,
        limit: p.limit,
      });
      const last = rows.at(-1);
      return {
        items: rows.map((r) => ({ ...productView(r), available: r.available })),
        next_cursor: rows.length === p.limit && last ? encodeCursor(last) : null,
      };
    },

    /** Current name and price of each product, for the cart and checkout (never the client's). */
    /** Current prices, read at checkout; concurrent checkouts share one read. */
    async pricesFor(ids: readonly string[]) {
      const rows = await readProducts(ids);
      return new Map(
        rows.map((r) => [
          r.id,
          {
            id: r.id,
            sku: r.sku,
            name: r.name,
            price_minor: r.price_minor,
            currency: r.currency,
            age_restricted: r.age_restricted,
          },
        ]),
      );
    },

    async idsForSkus(skus: readonly string[]) {
      return new Map((await repo.findBySkus(skus)).map((r) => [r.sku, r.id]));
    },

    /** Products closest to the text, best first; the same text and limit are answered from memory. */
    searchProducts: (text: string, limit: number) => {
      const needle = text.trim().toLowerCase().replace(/\s+/g, ' ');
      if (needle === '') return Promise.resolve([]);
      return matches.get(`${limit}|${needle}`, () => repo.searchProducts(needle, limit));
    },

    /** A product was created or changed in some process: what searches match is read again. */
    catalogChanged: () => matches.markStale('all', PAGE_GRACE_MS),
    availability: (storeIds: readonly string[], productIds: readonly string[]) =>
      repo.availability(storeIds, productIds),
  };
}

export type ProductsService = ReturnType<typeof productsService>;
