import type { AuditAct, AuditLog } from '../../platform/audit/audit-log.ts';
import type { Db } from '../../platform/db/pool.ts';
import type { LiveNotices } from '../../platform/bus/live-notices.ts';
import { createCache } from '../../platform/cache/cache.ts';
import { coalescer } from '../../platform/db/coalescer.ts';
import { AppError } from '../../platform/errors.ts';
import { categoriesRepository } from './categories.repository.ts';
import { asIs, keyCursor, pageFrom } from '../../platform/http/page-cursor.ts';
import { PAGE_GRACE_MS, PAGE_MAX_AGE_MS, PAGE_REFRESH_AHEAD_MS } from './http-cache.ts';
import { productEditsService, upsertCategory } from './product-edits.service.ts';
import { productPagesRepository } from './product-pages.repository.ts';
import { priceView, productView } from './product-view.ts';
import { type ProductRow, productsRepository } from './products.repository.ts';

const CATEGORIES_CURSOR = keyCursor('categories', ['string']);
const SHELF_CURSOR = keyCursor('shelf', ['string', 'uuid']);

type StorePageQuery = {
  storeId: string;
  category?: string;
  q?: string;
  cursor?: string;
  limit: number;
};

/** The category tree: whole (the seed), or a page at a time in path order (the API). */
function categoryReads(categories: ReturnType<typeof categoriesRepository>) {
  return {
    listCategories: () => categories.listCategories(),

    /** Each parent before its children. */
    async categoryPage(p: { cursor?: string; limit: number }) {
      const after = p.cursor ? CATEGORIES_CURSOR.decode(p.cursor) : undefined;
      const rows = await categories.listCategories({
        afterPath: after?.[0].split('/'),
        limit: p.limit + 1,
      });
      return pageFrom(rows, p.limit, asIs, (last) =>
        CATEGORIES_CURSOR.encode([last.path.join('/')]),
      );
    },
  };
}

/** `notices` are told of each product whose name, price or category committed (cached pages re-read). */
/** `audit`: where ops' edits are recorded (edits without an act, the seeders', are not). */
export function productsService(
  db: Db,
  opts: { notices?: Pick<LiveNotices, 'notify'>; audit?: AuditLog } = {},
) {
  const repo = productsRepository(db);
  const categories = categoriesRepository(db);
  const pages = productPagesRepository(db);
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
  const matches = createCache<Awaited<ReturnType<typeof pages.searchProducts>>>({
    ttlMs: PAGE_MAX_AGE_MS,
    refreshAfterMs: PAGE_MAX_AGE_MS - PAGE_REFRESH_AHEAD_MS,
    maxEntries: 2_000,
  });

  // Category depths change only when the tree does; a short cache keeps store pages to one statement.
  const depths = createCache<number | undefined>({ ttlMs: 60_000, maxEntries: 10_000 });
  async function categoryDepth(id: string): Promise<{ id: string; depth: number }> {
    const depth = await depths.get(
      id,
      async () => (await categories.findCategory(id))?.path.length,
    );
    // An unknown category matches nothing, like any other filter.
    return { id, depth: depth ?? 1 };
  }

  return {
    ...productEditsService(db, changed, opts.audit),
    upsertCategory: (
      input: { id: string; name: string; parent_id?: string | null },
      act?: AuditAct,
    ) => upsertCategory(db, input, act && opts.audit && { log: opts.audit, act }),
    ...categoryReads(categories),

    async get(id: string) {
      const row = await repo.find(id);
      if (!row) throw new AppError('NOT_FOUND', `No product ${id}`);
      return productView(row);
    },

    /** A store's in-stock products with the quantity available now, cursor-paginated. */
    async storePage(p: StorePageQuery) {
      const after = p.cursor ? SHELF_CURSOR.decode(p.cursor) : undefined;
      const category = p.category ? await categoryDepth(p.category) : undefined;
      const rows = await pages.inStockPage({
        storeId: p.storeId,
        category,
        q: p.q,
        after: after && { name: after[0], id: after[1] },
        limit: p.limit + 1,
      });
      const page = pageFrom(rows, p.limit, asIs, (last) =>
        SHELF_CURSOR.encode([last.name, last.id]),
      );
      return {
        items: page.items.map((r) => ({ product: productView(r), available: r.available })),
        next_cursor: page.next_cursor,
      };
    },

    /**
     * Current name and price of each product, read at checkout (never the client's); concurrent
     * checkouts share one read.
     */
    async pricesFor(ids: readonly string[]) {
      const rows = await readProducts(ids);
      return new Map(rows.map((r) => [r.id, priceView(r)]));
    },

    async idsForSkus(skus: readonly string[]) {
      return new Map((await repo.findBySkus(skus)).map((r) => [r.sku, r.id]));
    },

    /**
     * Products closest to the text, best first (score, then id: the order a search's cursor
     * continues in); the same text and limit are answered from memory.
     */
    searchProducts: (text: string, limit: number) => {
      const needle = text.trim().toLowerCase().replace(/\s+/g, ' ');
      if (needle === '') return Promise.resolve([]);
      return matches.get(`${limit}|${needle}`, async () =>
        (await pages.searchProducts(needle, limit)).sort(
          (a, b) => b.score - a.score || (a.id < b.id ? -1 : 1),
        ),
      );
    },

    /** A product was created or changed in some process: what searches match is read again. */
    catalogChanged: () => matches.markStale('all', PAGE_GRACE_MS),
    availability: (storeIds: readonly string[], productIds: readonly string[]) =>
      pages.availability(storeIds, productIds),
  };
}

export type ProductsService = ReturnType<typeof productsService>;
