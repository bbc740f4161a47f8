import { createRoute, Link } from '@tanstack/react-router';
import { useInfiniteQuery, useQueries } from '@tanstack/react-query';
import { type Schemas, unwrap } from '@lastmile/client';
import { distance, money } from '@web/format.ts';
import { ErrorNote, Loading, MoreButton } from '@web/ui.tsx';
import { api, m, type Place, place } from '../../app.ts';
import { requirePlace, rootRoute } from '../../root.tsx';

/** `GET /v1/stores/nearby`: the open stores delivering to the point, soonest arrival first. */
const nearbyQuery = (at: Place) => ({
  queryKey: ['stores', 'nearby', at.lat, at.lng],
  initialPageParam: undefined as string | undefined,
  queryFn: ({ pageParam }: { pageParam: string | undefined }) =>
    unwrap(
      api.GET('/v1/stores/nearby', {
        params: {
          query: { lat: at.lat, lng: at.lng, ...(pageParam ? { cursor: pageParam } : {}) },
        },
      }),
    ),
  getNextPageParam: (last: { next_cursor: string | null }) => last.next_cursor ?? undefined,
});

/**
 * `GET /v1/delivery-fees`: what ordering from each listed store to the point costs in fees (the
 * checkout's schedule), for one page of stores.
 */
const feesQuery = (at: Place, storeIds: string[]) => ({
  queryKey: ['delivery-fees', at.lat, at.lng, storeIds],
  enabled: storeIds.length > 0,
  staleTime: 60_000,
  queryFn: async () => {
    const { items } = await unwrap(
      api.GET('/v1/delivery-fees', {
        params: { query: { lat: at.lat, lng: at.lng, store_id: storeIds } },
      }),
    );
    return new Map(items.map((f) => [f.store_id, f]));
  },
});

/** A store's delivery fee, and below which basket a small-order fee is added. */
function Fee({ fee }: { fee: Schemas['DeliveryFee'] | undefined }) {
  if (!fee) return null;
  return (
    <p className="muted" data-testid="store-fee">
      {m.stores.fee(money(fee.delivery_fee_minor, null, m.locale))} ·{' '}
      {m.stores.smallOrder(money(fee.small_order_threshold_minor, null, m.locale))}
    </p>
  );
}

function NearbyStores() {
  const at = place.use();
  const q = useInfiniteQuery({
    ...nearbyQuery(at ?? { label: '', lat: 0, lng: 0 }),
    enabled: !!at,
  });
  const stores = q.data?.pages.flatMap((p) => p.items) ?? [];
  const fees = useQueries({
    queries: (q.data?.pages ?? []).map((p) =>
      feesQuery(
        at ?? { label: '', lat: 0, lng: 0 },
        p.items.map((s) => s.id),
      ),
    ),
    combine: (results) => new Map(results.flatMap((r) => [...(r.data ?? new Map())])),
  });
  return (
    <section>
      <div className="spread">
        <h1>{m.stores.title}</h1>
        <Link to="/place">{m.stores.change}</Link>
      </div>
      {q.isPending && <Loading text={m.loading} />}
      <ErrorNote error={q.error} words={m.problems} />
      {q.isSuccess && stores.length === 0 && <p>{m.stores.none}</p>}
      <ul className="grid" data-testid="stores">
        {stores.map((s) => (
          <li key={s.id} className="card">
            <h2>
              <Link to="/stores/$storeId" params={{ storeId: s.id }}>
                {s.name}
              </Link>
            </h2>
            <p className="muted">{s.address}</p>
            <p>
              {m.stores.eta(s.eta_minutes)} · {m.stores.away(distance(s.distance_m, m.locale))}
            </p>
            <Fee fee={fees.get(s.id)} />
          </li>
        ))}
      </ul>
      <MoreButton query={q} label={m.stores.more} />
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/stores',
  beforeLoad: requirePlace,
  component: NearbyStores,
});
