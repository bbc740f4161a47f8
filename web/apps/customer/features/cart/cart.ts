import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { unwrap } from '@lastmile/client';
import { api } from '../../app.ts';

/** `GET /v1/cart`: the open cart at current prices (empty when there is none). */
export const cartQuery = {
  queryKey: ['cart'],
  queryFn: () => unwrap(api.GET('/v1/cart')),
};

export const useCart = () => useQuery(cartQuery);

/** How often the open cart page reads the cart again, so a line that sells out says so. */
const CART_PAGE_REFRESH_MS = 30_000;

/**
 * The cart as its own page shows it: read again whenever the page opens (whatever the shelf read
 * before), then every `CART_PAGE_REFRESH_MS`, so each line's stock is current before checkout.
 */
export const useCartPage = () =>
  useQuery({ ...cartQuery, refetchOnMount: 'always', refetchInterval: CART_PAGE_REFRESH_MS });

/**
 * Sets a product's quantity in the cart (`PUT /v1/cart/lines`, 0 removes it). The answer is the
 * whole cart; the store's stock is read again, since the cart may hold some of it, and the store.
 */
export function useSetLine() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (line: { store_id: string; product_id: string; quantity: number }) =>
      unwrap(api.PUT('/v1/cart/lines', { body: line })),
    onSuccess: async (cart, line) => {
      // A read of the cart still under way may predate this change: it must not overwrite it.
      await client.cancelQueries({ queryKey: cartQuery.queryKey });
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
