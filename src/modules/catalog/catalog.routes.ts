import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { LiveNotices } from '../../platform/bus/live-notices.ts';
import { createCache } from '../../platform/cache/cache.ts';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import type { StockSignals } from '../inventory/index.ts';
import {
  CategoryId,
  Lat,
  Lng,
  ProductBody,
  ProductPatch,
  StoreBody,
  StorePatch,
} from './catalog.schemas.ts';
import {
  PAGE_GRACE_MS,
  PAGE_MAX_AGE_MS,
  PAGE_REFRESH_AHEAD_MS,
  type Serialized,
  STOCK_STALENESS_S,
  sendCacheable,
  sendSerialized,
  serialize,
} from './http-cache.ts';
import type { ProductsService } from './products.service.ts';
import { searchNearby } from './search.service.ts';
import {
  DEFAULT_NEARBY_LIMIT,
  DEFAULT_NEARBY_RADIUS_M,
  MAX_NEARBY_LIMIT,
  MAX_NEARBY_RADIUS_M,
  type StoresService,
} from './stores.service.ts';

/** Where this process learns which product pages to re-read: stores whose stock changed, product changes. */
export interface PageSignals {
  stock: Pick<StockSignals, 'onChanged'>;
  products: Pick<LiveNotices, 'onNotice'>;
}

export async function catalogRoutes(
  scope: FastifyInstance,
  deps: { stores: StoresService; products: ProductsService; signals: PageSignals },
): Promise<void> {
  const app = typed(scope);
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

  app.get(
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
          limit: Type.Integer({
            minimum: 1,
            maximum: MAX_NEARBY_LIMIT,
            default: DEFAULT_NEARBY_LIMIT,
          }),
        }),
      },
    },
    async (req, reply) =>
      sendCacheable(
        req,
        reply,
        {
          items: await stores.nearby(
            req.query.lat,
            req.query.lng,
            req.query.radius_m,
            req.query.limit,
          ),
        },
        10,
      ),
  );

  app.get(
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
          cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
        }),
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

  app.get(
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
          limit: Type.Integer({ minimum: 1, maximum: 50, default: 20 }),
        }),
      },
    },
    async (req, reply) =>
      sendCacheable(req, reply, await searchNearby(deps, req.query), STOCK_STALENESS_S),
  );

  app.get(
    '/v1/stores/:id',
    {
      config: { auth: 'public' },
      schema: { tags: ['stores'], summary: 'One store', params: Strict({ id: Uuid }) },
    },
    async (req) => stores.get(req.params.id),
  );

  app.get(
    '/v1/stores',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['stores'],
        summary: 'All stores (ops)',
        querystring: Strict({
          after: Type.Optional(Uuid),
          status: Type.Optional(
            Type.Union([Type.Literal('open'), Type.Literal('paused'), Type.Literal('closed')]),
          ),
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
        }),
      },
    },
    async (req) => ({ items: await stores.list(req.query) }),
  );

  app.post(
    '/v1/stores',
    {
      config: { auth: ['ops'] },
      schema: { tags: ['stores'], summary: 'Create a store', body: StoreBody },
    },
    async (req, reply) => {
      reply.code(201);
      return stores.create(req.body);
    },
  );

  app.patch(
    '/v1/stores/:id',
    {
      config: { auth: ['ops', 'store'] },
      schema: {
        tags: ['stores'],
        summary: 'Change a store',
        params: Strict({ id: Uuid }),
        body: StorePatch,
      },
    },
    async (req) => {
      const { expected_version, ...patch } = req.body;
      return stores.update(callerOf(req), req.params.id, patch, expected_version);
    },
  );

  for (const [action, status] of [
    ['pause', 'paused'],
    ['resume', 'open'],
    ['close', 'closed'],
  ] as const) {
    app.post(
      `/v1/stores/:id/${action}`,
      {
        config: { auth: ['ops', 'store'] },
        schema: {
          tags: ['stores'],
          summary: `${action[0]?.toUpperCase()}${action.slice(1)} a store`,
          params: Strict({ id: Uuid }),
        },
      },
      async (req) => stores.setStatus(callerOf(req), req.params.id, status),
    );
  }

  app.get(
    '/v1/categories',
    {
      config: { auth: 'public' },
      schema: { tags: ['products'], summary: 'The category tree, flattened' },
    },
    async (req, reply) => sendCacheable(req, reply, { items: await products.listCategories() }, 60),
  );

  app.put(
    '/v1/categories/:id',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['products'],
        summary: 'Create or rename a category',
        params: Strict({ id: CategoryId }),
        body: Strict({
          name: Type.String({ minLength: 1, maxLength: 100 }),
          parent_id: Type.Optional(Type.Union([Type.Null(), CategoryId])),
        }),
      },
    },
    async (req) => products.upsertCategory({ id: req.params.id, ...req.body }),
  );

  app.post(
    '/v1/products',
    {
      config: { auth: ['ops'] },
      schema: { tags: ['products'], summary: 'Create a product', body: ProductBody },
    },
    async (req, reply) => {
      reply.code(201);
      return products.create(req.body);
    },
  );

  app.patch(
    '/v1/products/:id',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['products'],
        summary: 'Change a product',
        params: Strict({ id: Uuid }),
        body: ProductPatch,
      },
    },
    async (req) => products.update(req.params.id, req.body),
  );

  app.get(
    '/v1/products/:id',
    {
      config: { auth: 'public' },
      schema: { tags: ['products'], summary: 'One product', params: Strict({ id: Uuid }) },
    },
    async (req) => products.get(req.params.id),
  );
}
