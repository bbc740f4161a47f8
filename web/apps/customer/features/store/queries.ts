import { unwrap } from '@lastmile/client';
import { api } from '../../app.ts';

/** `GET /v1/stores/{id}`: the store's name and address. */
export const storeQuery = (storeId: string) => ({
  queryKey: ['store', storeId],
  queryFn: () => unwrap(api.GET('/v1/stores/{id}', { params: { path: { id: storeId } } })),
});

/** `GET /v1/categories`: the aisles are the tree's top level. */
export const aislesQuery = {
  queryKey: ['categories'],
  staleTime: 5 * 60_000,
  queryFn: async () => {
    const page = await unwrap(api.GET('/v1/categories', { params: { query: { limit: 500 } } }));
    return page.items.filter((c) => c.parent_id === null);
  },
};

/** `GET /v1/stores/{id}/products`: what is on the shelf now, by aisle or by search. */
export const productsQuery = (storeId: string, category?: string, q?: string) => ({
  queryKey: ['store', storeId, 'products', category ?? '', q ?? ''],
  initialPageParam: undefined as string | undefined,
  queryFn: ({ pageParam }: { pageParam: string | undefined }) =>
    unwrap(
      api.GET('/v1/stores/{id}/products', {
        params: {
          path: { id: storeId },
          query: {
            limit: 48,
            ...(category ? { category } : {}),
            ...(q ? { q } : {}),
            ...(pageParam ? { cursor: pageParam } : {}),
          },
        },
      }),
    ),
  getNextPageParam: (last: { next_cursor: string | null }) => last.next_cursor ?? undefined,
});

/**
 * `GET /v1/stores/{id}/products/{productId}`: one product and what the store has of it now (0:
 * sold out there). Under the store's product keys, so a cart change reads its stock again.
 */
export const shelfItemQuery = (storeId: string, productId: string) => ({
  queryKey: ['store', storeId, 'products', productId],
  queryFn: () =>
    unwrap(
      api.GET('/v1/stores/{id}/products/{productId}', {
        params: { path: { id: storeId, productId } },
      }),
    ),
});
