import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { unwrap } from '@lastmile/client';
import { api } from '../../app.ts';

/** `GET /v1/cart`: the open cart at current prices (empty when there is none). */
export const cartQuery = {
  queryKey: ['cart'],
  queryFn: () => unwrap(api.GET('/v1/cart')),
};

export const useCart = () => useQuery(cartQuery);

/**
 * Sets a product's quantity in the cart (`PUT /v1/cart/lines`, 0 removes it). The answer is the
 * whole cart; the store's stock is read again, since the cart may hold some of it, and the store.
 */
export function useSetLine() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (line: { store_id: string; product_id: string; quantity: number }) =>
      unwrap(api.PUT('/v1/cart/lines', { body: line })),
    onSuccess: (cart, line) => {
      client.setQueryData(cartQuery.queryKey, cart);
      void client.invalidateQueries({ queryKey: ['store', line.store_id, 'products'] });
      // Whether the store still takes orders, too (it may have closed meanwhile).
      void client.invalidateQueries({ queryKey: ['store', line.store_id], exact: true });
    },
  });
}

/** Empties the cart (`DELETE /v1/cart`). */
export function useEmptyCart() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE('/v1/cart')),
    onSuccess: () => client.invalidateQueries({ queryKey: cartQuery.queryKey }),
  });
}
