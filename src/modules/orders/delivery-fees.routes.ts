import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ok, ref } from '../../platform/http/contract.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import type { StoresService } from '../catalog/index.ts';
import { DeliveryFee } from './delivery-fees.schemas.ts';
import { type FeeSchedule, feeQuote } from './pricing.ts';

export const MAX_FEE_STORES = 100;

/**
 * `GET /v1/delivery-fees`: what ordering from each of some stores (the nearby list's) to a point
 * costs in fees, priced by the same schedule as the cart and checkout. The stores covering the
 * point come from the catalog's per-cell cache, so a page of stores costs no query per store.
 */
export function deliveryFeeRoutes(
  scope: FastifyInstance,
  deps: { stores: Pick<StoresService, 'covering'>; fees: FeeSchedule },
): void {
  typed(scope).get(
    '/v1/delivery-fees',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['orders'],
        summary: 'The delivery fee of each of these stores for an order to a point',
        description:
          'One item per store asked, in the order asked (a repeated id once). A store that is closed, does not deliver to the point or does not exist is answered with `delivers: false`.',
        querystring: Strict({
          lat: Type.Number({ minimum: -90, maximum: 90 }),
          lng: Type.Number({ minimum: -180, maximum: 180 }),
          store_id: Type.Array(Uuid, {
            minItems: 1,
            maxItems: MAX_FEE_STORES,
            description: 'Repeat the parameter for each store',
          }),
        }),
        response: {
          200: ok(
            Type.Object({ items: Type.Array(ref(DeliveryFee)) }, { additionalProperties: false }),
            'The fees, store by store',
          ),
        },
      },
    },
    async (req, reply) => {
      const { lat, lng, store_id } = req.query;
      const open = new Set(
        (await deps.stores.covering(lat, lng)).filter((s) => s.open).map((s) => s.row.id),
      );
      const quote = feeQuote(deps.fees);
      const items = [...new Set(store_id.map((id) => id.toLowerCase()))].map((id) => ({
        store_id: id,
        delivers: open.has(id),
        ...quote,
      }));
      reply.header('cache-control', 'public, max-age=10');
      return { items };
    },
  );
}
