import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { CategoryId, ProductBody, ProductPatch } from './catalog.schemas.ts';
import { sendCacheable } from './http-cache.ts';
import type { ProductsService } from './products.service.ts';

/** The category tree and products, as ops edit them and anyone reads them. */
export async function productsRoutes(
  scope: FastifyInstance,
  products: ProductsService,
): Promise<void> {
  const app = typed(scope);

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
