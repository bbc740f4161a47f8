import type { FastifyInstance } from 'fastify';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { ok, ref } from '../../platform/http/contract.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import type { OrderReceipts } from './order-receipt.ts';
import { Receipt } from './receipt.schemas.ts';

/**
 * `GET /v1/orders/{id}/receipt` for the order's customer, its store's staff and ops; anyone else
 * gets 404 as for an order that does not exist. Answered at every stage: provisional
 * (`final: false`) until the charge is settled, so the app can show the receipt right after checkout.
 */
export function orderReceiptRoutes(scope: FastifyInstance, receipt: OrderReceipts): void {
  const app = typed(scope);
  app.get(
    '/v1/orders/:id/receipt',
    {
      config: { auth: ['customer', 'store', 'ops'] },
      schema: {
        tags: ['orders'],
        summary: "The order's receipt: lines as ordered and delivered, fees, charge, refunds",
        description:
          'Answered from checkout on. Until the charge is settled the receipt is provisional (`final: false`): `captured_minor`, `net_paid_minor` and `captured_at` are null and the amounts are what is authorized (a short pick lowers them; `delivered` shows the packed goods priced again). After delivery the capture makes it final; refunds are added as they happen.',
        params: Strict({ id: Uuid }),
        response: { 200: ok(ref(Receipt), 'The receipt') },
      },
    },
    async (req) => receipt(callerOf(req), req.params.id),
  );
}
