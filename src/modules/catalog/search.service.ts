import { keyCursor } from '../../platform/http/page-cursor.ts';
import { productView } from './product-view.ts';
import type { ProductsService } from './products.service.ts';
import { nearbyView } from './store-discovery.ts';
import type { StoresService } from './stores.service.ts';

const SEARCH_CURSOR = keyCursor('search', ['number', 'uuid']);

const SEARCH_STORES = 8;
/** The best matches of a text, in (score, id) order: the most a search pages through. */
export const SEARCH_MATCHES = 100;

/**
 * Products matching the text across the stores that deliver to the point, each with the best
 * store for it: in stock, open, nearest. Statements: the cell's stores (usually cached), one
 * trigram search (kept per text), one availability lookup for the (store, product) pairs of the
 * page. A page looks at twice `limit` matches after the cursor at most, so it may hold fewer hits
 * than `limit` while `next_cursor` says more matches follow.
 */
export async function searchNearby(
  deps: { stores: StoresService; products: ProductsService },
  p: { lat: number; lng: number; q: string; limit: number; cursor?: string },
) {
  const after = p.cursor ? SEARCH_CURSOR.decode(p.cursor) : undefined;
  // The nearest few open stores: farther ones would lose to these for any product they share, and
  // probing every covering store × every match grows with the density of the city.
  const stores = (await deps.stores.covering(p.lat, p.lng))
    .filter((s) => s.open)
    .sort((a, b) => a.distanceM - b.distanceM)
    .slice(0, SEARCH_STORES);
  if (stores.length === 0) return { items: [], next_cursor: null };
  const matches = await deps.products.searchProducts(p.q, SEARCH_MATCHES);
  const rest = after
    ? matches.filter((m) => m.score < after[0] || (m.score === after[0] && m.id > after[1]))
    : matches;
  const window = rest.slice(0, Math.min(SEARCH_MATCHES, p.limit * 2));
  const stock = await deps.products.availability(
    stores.map((s) => s.row.id),
    window.map((m) => m.id),
  );
  const rank = new Map(stores.map((s, i) => [s.row.id, i]));
  const best = new Map<string, { storeIndex: number; available: number }>();
  for (const a of stock) {
    const i = rank.get(a.store_id) ?? Number.POSITIVE_INFINITY;
    const current = best.get(a.product_id);
    if (!current || i < current.storeIndex)
      best.set(a.product_id, { storeIndex: i, available: a.available });
  }
  const items = [];
  let seen = 0;
  for (const m of window) {
    seen++;
    const b = best.get(m.id);
    const store = b ? stores[b.storeIndex] : undefined;
    if (!b || !store) continue;
    items.push({
      product: productView(m),
      score: Math.round(m.score * 1000) / 1000,
      available: b.available,
      store: nearbyView(store.row, store.distanceM),
    });
    if (items.length >= p.limit) break;
  }
  const last = window[seen - 1];
  const more = seen < rest.length && last;
  return { items, next_cursor: more ? SEARCH_CURSOR.encode([last.score, last.id]) : null };
}
