import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../../platform/auth/principal.ts';
import { AppError } from '../../platform/errors.ts';
import { opsActOf } from '../../platform/http/audit-act.ts';
import { ok, pageOf, problems, ref } from '../../platform/http/contract.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { Stock, StockAdjustment } from './inventory.schemas.ts';
import type { InventoryService } from './inventory.service.ts';

function staffOf(p: Principal | null, storeId: string): Principal {
  if (!p) throw new AppError('UNAUTHENTICATED', 'Sign in first');
  if (p.role !== 'ops' && !(p.role === 'store' && p.storeId === storeId))
    throw new AppError('FORBIDDEN', "Only ops or this store's staff");
  return p;
}

const Params = Strict({ id: Uuid, productId: Uuid });

const CountBody = Strict({
  on_hand: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
  reason: Type.String({ minLength: 3, maxLength: 300 }),
});

const AdjustmentBody = Strict({
  kind: Type.Union([Type.Literal('restock'), Type.Literal('adjustment')]),
  delta: Type.Integer({
    minimum: -100_000,
    maximum: 100_000,
    description: 'Units added (+) or removed (−); not 0',
  }),
  reason: Type.String({ minLength: 3, maxLength: 300 }),
});

const TrailQuery = Strict({
  cursor: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 500,
      description: 'The `next_cursor` of the previous page; leave out for the first page',
    }),
  ),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
});

/**
 * Whether a store and a product exist (the catalog knows; inventory keeps plain ids): throws
 * NOT_FOUND for either, so a count or restock never writes stock for something that does not exist.
 */
export type StockItemCheck = (storeId: string, productId: string) => Promise<void>;

const OPS_AUDITED =
  "The `reason` goes to the item's stock trail; when ops make the change it is also written to the audit log";

/** Mounted by the catalog, which knows which stores and products exist (`mustExist`). */
export async function inventoryRoutes(
  scope: FastifyInstance,
  inventory: InventoryService,
  mustExist: StockItemCheck,
): Promise<void> {
  stockRoutes(scope, inventory, mustExist);
  auditRoutes(scope, inventory);
}

/** The stock of one product in a store: read it, count it, restock or adjust it. */
function stockRoutes(
  scope: FastifyInstance,
  inventory: InventoryService,
  mustExist: StockItemCheck,
): void {
  const app = typed(scope);

  app.get(
    '/v1/stores/:id/stock/:productId',
    {
      config: { auth: ['ops', 'store'] },
      schema: {
        tags: ['inventory'],
        summary: 'Stock of one product in a store',
        params: Params,
        response: { 200: ok(ref(Stock), 'The stock now') },
      },
    },
    async (req) => {
      staffOf(req.principal, req.params.id);
      const stock = await inventory.stockOf(req.params.id, req.params.productId);
      if (!stock) throw new AppError('NOT_FOUND', 'This store does not stock this product');
      return stock;
    },
  );

  app.put(
    '/v1/stores/:id/stock/:productId',
    {
      config: { auth: ['ops', 'store'] },
      schema: {
        tags: ['inventory'],
        summary:
          'Record a stock count: the units on hand now (refused below what is reserved for orders)',
        description: `${OPS_AUDITED} (\`stock.set\`, target \`stock\` \`<store id>/<product id>\`: on hand and reserved before and after).`,
        params: Params,
        body: CountBody,
        response: { 200: ok(ref(Stock), 'The stock after the count'), ...problems('CONFLICT') },
      },
    },
    async (req) => {
      const by = staffOf(req.principal, req.params.id);
      await mustExist(req.params.id, req.params.productId);
      return inventory.count(
        by,
        {
          storeId: req.params.id,
          productId: req.params.productId,
          onHand: req.body.on_hand,
          reason: req.body.reason,
        },
        opsActOf(req, req.body.reason, req.body.reason),
      );
    },
  );

  adjustmentRoute(scope, inventory, mustExist);
}

/** Restocks and adjustments of one product in a store. */
function adjustmentRoute(
  scope: FastifyInstance,
  inventory: InventoryService,
  mustExist: StockItemCheck,
): void {
  const app = typed(scope);
  app.post(
    '/v1/stores/:id/stock/:productId/adjustments',
    {
      config: { auth: ['ops', 'store'] },
      schema: {
        tags: ['inventory'],
        summary:
          'Restock (positive) or adjust (damage, loss, found) the units on hand, with a reason',
        description: `${OPS_AUDITED} (\`stock.adjust\`, target \`stock\` \`<store id>/<product id>\`: on hand and reserved before and after, the kind and delta).`,
        params: Params,
        body: AdjustmentBody,
        response: { 200: ok(ref(Stock), 'The stock after the change'), ...problems('CONFLICT') },
      },
    },
    async (req) => {
      const by = staffOf(req.principal, req.params.id);
      if (req.body.delta === 0)
        throw new AppError('VALIDATION_FAILED', 'body.delta: a change of 0 changes nothing');
      if (req.body.kind === 'restock' && req.body.delta < 0)
        throw new AppError('VALIDATION_FAILED', 'a restock adds units: delta must be positive');
      await mustExist(req.params.id, req.params.productId);
      const act = opsActOf(req, req.body.reason, req.body.reason);
      return inventory.adjust(
        by,
        { storeId: req.params.id, productId: req.params.productId, ...req.body },
        act,
      );
    },
  );
}

function auditRoutes(scope: FastifyInstance, inventory: InventoryService): void {
  typed(scope).get(
    '/v1/stores/:id/stock/:productId/adjustments',
    {
      config: { auth: ['ops', 'store'] },
      schema: {
        tags: ['inventory'],
        summary: 'The audit trail of one product in a store: who changed its stock, when and why',
        params: Params,
        querystring: TrailQuery,
        response: {
          200: ok(pageOf(ref(StockAdjustment), 'Newest first'), 'A page of the audit trail'),
        },
      },
    },
    async (req) => {
      staffOf(req.principal, req.params.id);
      return inventory.auditPage({
        storeId: req.params.id,
        productId: req.params.productId,
        ...req.query,
      });
    },
  );
}
