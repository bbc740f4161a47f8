import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { LiveNotices } from '../../platform/bus/live-notices.ts';
import { createCache } from '../../platform/cache/cache.ts';
import { pageOf, ref } from '../../platform/http/contract.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import type { StockChanges } from '../inventory/index.ts';
import { NearbyStore, SearchHit, ShelfItem, StoreProduct } from './catalog.components.ts';
import { CategoryId, Cursor, Lat, Lng } from './catalog.schemas.ts';
import {
  cacheableResponses,
  PAGE_GRACE_MS,
  PAGE_MAX_AGE_MS,
  PAGE_REFRESH_AHEAD_MS,
  type Serialized,
  STOCK_STALENESS_S,
  sendCacheable,
  sendSerialized,
  serialize,
} from './http-cache.ts';
import { productsRoutes } from './products.routes.ts';
import type { ProductsService } from './products.service.ts';
import { SEARCH_MATCHES, searchNearby } from './search.service.ts';
import {
  DEFAULT_NEARBY_LIMIT,
  DEFAULT_NEARBY_RADIUS_M,
  MAX_NEARBY_LIMIT,
  MAX_NEARBY_RADIUS_M,
} from './store-discovery.ts';
import { storesRoutes } from './stores.routes.ts';
import type { StoresService } from './stores.service.ts';

/** Where this process learns which product pages to re-read: stores whose stock changed, product changes. */
export interface PageSignals {
  stock: StockChanges;
  products: Pick<LiveNotices, 'onNotice'>;
}

interface CatalogDeps {
  stores: StoresService;
  products: ProductsService;
  signals: PageSignals;
}

/** Discovery (nearby stores, a store's products, search), stores, categories and products. */
export async function catalogRoutes(scope: FastifyInstance, deps: CatalogDeps): Promise<void> {
  nearbyRoute(scope, deps.stores);
  storePageRoute(scope, deps);
  shelfItemRoute(scope, deps);
  searchRoute(scope, deps);
  await storesRoutes(scope, deps.stores);
  await productsRoutes(scope, deps.products);
}

function nearbyRoute(scope: FastifyInstance, stores: StoresService): void {
  typed(scope).get(
    '/v1/stores/nearby',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['discovery'],
        summary: 'Open stores that deliver to a point, soonest arrival first',
        querystring: Strict({
          lat: Lat,
          lng: Lng,
          radius_m: Type.Integer({
            minimum: 1,
            maximum: MAX_NEARBY_RADIUS_M,
            default: DEFAULT_NEARBY_RADIUS_M,
          }),
          cursor: Type.Optional(Cursor),
          limit: Type.Integer({
            minimum: 1,
            maximum: MAX_NEARBY_LIMIT,
            default: DEFAULT_NEARBY_LIMIT,
          }),
        }),
        response: cacheableResponses(
          pageOf(ref(NearbyStore), 'Stores open now that deliver to the point, soonest first'),
          'A page of stores',
        ),
      },
    },
    async (req, reply) => {
      const { radius_m, ...q } = req.query;
      return sendCacheable(req, reply, await stores.nearby({ ...q, radiusM: radius_m }), 10);
    },
  );
}

/** A store's product pages, served from this process's page cache, re-read when told to. */
function storePageRoute(scope: FastifyInstance, deps: CatalogDeps): void {
  const { stores, products } = deps;
  // Keyed `<store id>|<query>` (the id in lower case, as notices carry it), tagged by store. Pages
  // read steadily are also re-read in the background, so only a cold page waits for the database.
  const pages = createCache<Serialized>({
    ttlMs: PAGE_MAX_AGE_MS,
    refreshAfterMs: PAGE_MAX_AGE_MS - PAGE_REFRESH_AHEAD_MS,
    maxEntries: 20_000,
    tagOf: (key) => key.slice(0, key.indexOf('|')),
  });
  const listening = [
    deps.signals.stock.onChanged((storeIds) => pages.markStale(storeIds, PAGE_GRACE_MS)),
    deps.signals.products.onNotice(() => {
      pages.markStale('all', PAGE_GRACE_MS);
      products.catalogChanged();
    }),
  ];
  scope.addHook('onClose', async () => {
    await Promise.all(listening.map((l) => l.close()));
  });

  typed(scope).get(
    '/v1/stores/:id/products',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['discovery'],
        summary: "A store's in-stock products with the quantity available now",
        params: Strict({ id: Uuid }),
        querystring: Strict({
          category: Type.Optional(CategoryId),
          q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          cursor: Type.Optional(Cursor),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
        }),
        response: cacheableResponses(
          pageOf(ref(StoreProduct), 'In-stock products in (name, id) order'),
          'A page of the shelf',
        ),
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const { category, q, cursor, limit } = req.query;
      const key = `${id.toLowerCase()}|${JSON.stringify([category, q, cursor, limit])}`;
      const body = await pages.get(key, async () => {
        const [, page] = await Promise.all([
          stores.mustExist(id),
          products.storePage({ storeId: id, category, q, cursor, limit }),
        ]);
        return serialize(page);
      });
      return sendSerialized(req, reply, body, STOCK_STALENESS_S);
    },
  );
}

/** One product at one store, for its page: sold out there is an answer (0), not a 404. */
function shelfItemRoute(scope: FastifyInstance, deps: CatalogDeps): void {
  typed(scope).get(
    '/v1/stores/:id/products/:productId',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['discovery'],
        summary: 'One product at a store, with the quantity available now',
        description:
          'Not found for an unknown store or product; a product the store does not have now is answered with `available: 0`.',
        params: Strict({ id: Uuid, productId: Uuid }),
        response: cacheableResponses(ref(ShelfItem), 'The product and its stock at the store'),
      },
    },
    async (req, reply) => {
      const { id, productId } = req.params;
      const [, product, stock] = await Promise.all([
        deps.stores.mustExist(id),
        deps.products.get(productId),
        deps.products.availability([id], [productId]),
      ]);
      const item = { product, available: stock[0]?.available ?? 0 };
      return sendCacheable(req, reply, item, STOCK_STALENESS_S);
    },
  );
}

function searchRoute(scope: FastifyInstance, deps: CatalogDeps): void {
  typed(scope).get(
    '/v1/search',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['discovery'],
        summary:
          'Products matching text across the stores delivering to a point, each with its best store',
        querystring: Strict({
          lat: Lat,
          lng: Lng,
          q: Type.String({ minLength: 2, maxLength: 100 }),
          cursor: Type.Optional(Cursor),
          limit: Type.Integer({ minimum: 1, maximum: 50, default: 20 }),
        }),
        response: cacheableResponses(
          pageOf(
            ref(SearchHit),
            `Best matches first, among the ${SEARCH_MATCHES} best of the text; a page may hold fewer than \`limit\` while \`next_cursor\` is set`,
          ),
          'A page of matches',
        ),
      },
    },
    async (req, reply) =>
      sendCacheable(req, reply, await searchNearby(deps, req.query), STOCK_STALENESS_S),
  );
}
