import { unwrap } from '@lastmile/client';
import { api } from '../../app.ts';

/** `GET /v1/orders/{id}/delivery`: the courier's job (the customer's view carries the PIN). */
export const deliveryQuery = (orderId: string) => ({
  queryKey: ['order', orderId, 'delivery'],
  queryFn: () => unwrap(api.GET('/v1/orders/{id}/delivery', { params: { path: { id: orderId } } })),
});
