import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AuditReason, auditActOf } from '../../platform/http/audit-act.ts';
import { Headers, ok, pageOf, problems, ref } from '../../platform/http/contract.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { Category, Product } from './catalog.components.ts';
import { CategoryId, Cursor, ProductBody, ProductPatch } from './catalog.schemas.ts';
import { cacheableResponses, sendCacheable } from './http-cache.ts';
import type { ProductsService } from './products.service.ts';

/** The audit log's reason for an ops edit of the catalog that gives none. */
export const CATALOG_REASON = 'catalog set-up';
const audited = (action: string) =>
  `Written to the audit log (\`${action}\`) with the \`reason\` (\`${CATALOG_REASON}\` when none is given).`;

/** The category tree and products, as ops edit them and anyone reads them. */
export async function productsRoutes(
  scope: FastifyInstance,
  products: ProductsService,
): Promise<void> {
  categoryRoutes(scope, products);
  productRoutes(scope, products);
}

function categoryRoutes(scope: FastifyInstance, products: ProductsService): void {
  const app = typed(scope);

  app.get(
    '/v1/categories',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['products'],
        summary: 'The category tree, flattened',
        querystring: Strict({
          cursor: Type.Optional(Cursor),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
        }),
        response: cacheableResponses(
          pageOf(ref(Category), 'Categories in path order: each parent before its children'),
          'A page of categories',
        ),
      },
    },
    async (req, reply) => sendCacheable(req, reply, await products.categoryPage(req.query), 60),
  );

  app.put(
    '/v1/categories/:id',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['products'],
        summary: 'Create or rename a category',
        description: audited('category.put'),
        params: Strict({ id: CategoryId }),
        body: Strict({
          name: Type.String({ minLength: 1, maxLength: 100 }),
          parent_id: Type.Optional(Type.Union([Type.Null(), CategoryId])),
          reason: Type.Optional(AuditReason),
        }),
        response: { 200: ok(ref(Category), 'The category as stored') },
      },
    },
    async (req) => {
      const { reason, ...input } = req.body;
      const act = auditActOf(req, reason ?? CATALOG_REASON);
      return products.upsertCategory({ id: req.params.id, ...input }, act);
    },
  );
}

function productRoutes(scope: FastifyInstance, products: ProductsService): void {
  const app = typed(scope);

  app.post(
    '/v1/products',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['products'],
        summary: 'Create a product',
        description: audited('product.create'),
        body: ProductBody,
        response: {
          201: ok(ref(Product), 'Created', { Location: Headers.location }),
          ...problems('CONFLICT'),
        },
      },
    },
    async (req, reply) => {
      const { reason, ...input } = req.body;
      const created = await products.create(input, auditActOf(req, reason ?? CATALOG_REASON));
      reply.code(201).header('location', `/v1/products/${created.id}`);
      return created;
    },
  );

  app.patch(
    '/v1/products/:id',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['products'],
        summary: 'Change a product',
        description: audited('product.update'),
        params: Strict({ id: Uuid }),
        body: ProductPatch,
        response: { 200: ok(ref(Product), 'The product after the change') },
      },
    },
    async (req) => {
      const { reason, ...patch } = req.body;
      return products.update(req.params.id, patch, auditActOf(req, reason ?? CATALOG_REASON));
    },
  );

  app.get(
    '/v1/products/:id',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['products'],
        summary: 'One product',
        params: Strict({ id: Uuid }),
        response: { 200: ok(ref(Product), 'The product') },
      },
    },
    async (req) => products.get(req.params.id),
  );
}
