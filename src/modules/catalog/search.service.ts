import { productView } from './product-view.ts';
import type { ProductsService } from './products.service.ts';
import type { StoresService } from './stores.service.ts';

const SEARCH_STORES = 8;

/**
 * Products matching the text across the stores that deliver to the point, each with the best
 * store for it: in stock, open, nearest. Statements: the cell's stores (usually cached), one
 * trigram search, one availability lookup for all (store, product) pairs.
 */
export async function searchNearby(
  deps: { stores: StoresService; products: ProductsService },
  p: { lat: number; lng: number; q: string; limit: number },
) {
  // The nearest few open stores: farther ones would lose to these for any product they share, and
  // probing every covering store × every match grows with the density of the city.
  const stores = (await deps.stores.covering(p.lat, p.lng))
    .filter((s) => s.open)
    .sort((a, b) => a.distanceM - b.distanceM)
    .slice(0, SEARCH_STORES);
  if (stores.length === 0) return { items: [], stores_considered: 0 };
  const matches = await deps.products.searchProducts(p.q, Math.min(100, p.limit * 2));
  const stock = await deps.products.availability(
    stores.map((s) => s.row.id),
    matches.map((m) => m.id),
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
  for (const m of matches) {
    const b = best.get(m.id);
    const store = b ? stores[b.storeIndex] : undefined;
    if (!b || !store) continue;
    items.push({
      product: productView(m),
      score: Math.round(m.score * 1000) / 1000,
      available: b.available,
      store: { id: store.row.id, name: store.row.name, distance_m: Math.round(store.distanceM) },
    });
    if (items.length >= p.limit) break;
  }
  return { items, stores_considered: stores.length };
}
