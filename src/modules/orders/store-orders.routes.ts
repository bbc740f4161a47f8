import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../../platform/auth/principal.ts';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { ok, problems, ref } from '../../platform/http/contract.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { Order } from './orders.schemas.ts';
import type { OrdersService } from './orders.service.ts';

const Id = Strict({ id: Uuid });
/** Every move answers the order as it left it; CONFLICT when its status does not allow the move. */
const Moved = { 200: ok(ref(Order), 'The order after the move'), ...problems('CONFLICT') };

/** The store's moves of an order (and ops overrides of the courier's). */
export function storeOrderRoutes(scope: FastifyInstance, orders: OrdersService): void {
  const app = typed(scope);
  const action = (
    path: string,
    summary: string,
    auth: Array<'store' | 'ops'>,
    run: (p: Principal, id: string) => Promise<unknown>,
  ) =>
    app.post(
      `/v1/orders/:id/${path}`,
      {
        config: { auth },
        schema: { tags: ['store orders'], summary, params: Id, response: Moved },
      },
      async (req) => run(callerOf(req), req.params.id),
    );
  action('accept', 'The store takes the order', ['store', 'ops'], orders.accept);
  action('preparing', 'The store starts picking', ['store', 'ops'], orders.preparing);
  // The assigned driver moves the delivery (and with it the order) through dispatch; these two
  // are the ops override for when the courier's app cannot.
  action('picked-up', 'Ops override: the courier has the bag', ['ops'], orders.pickedUp);
  action(
    'delivered',
    'Ops override: handed over; the final amount is captured',
    ['ops'],
    orders.delivered,
  );
  app.post(
    '/v1/orders/:id/reject',
    {
      config: { auth: ['store', 'ops'] },
      schema: {
        tags: ['store orders'],
        summary: 'The store refuses the order',
        params: Id,
        body: Strict({ reason: Type.String({ minLength: 1, maxLength: 500 }) }),
        response: Moved,
      },
    },
    async (req) => orders.reject(callerOf(req), req.params.id, req.body.reason),
  );
  app.post(
    '/v1/orders/:id/ready',
    {
      config: { auth: ['store', 'ops'] },
      schema: {
        tags: ['store orders'],
        summary:
          'Picked and packed; report missing items as picked quantities below the ordered ones',
        params: Id,
        body: Strict({
          picked: Type.Array(
            Strict({ product_id: Uuid, quantity: Type.Integer({ minimum: 0, maximum: 99 }) }),
            { maxItems: 100, default: [] },
          ),
        }),
        response: Moved,
      },
    },
    async (req) =>
      orders.ready(
        callerOf(req),
        req.params.id,
        req.body.picked.map((p) => ({ productId: p.product_id, quantity: p.quantity })),
      ),
  );
}
