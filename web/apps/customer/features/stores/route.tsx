import { createRoute, Link } from '@tanstack/react-router';
import { useInfiniteQuery } from '@tanstack/react-query';
import { unwrap } from '@lastmile/client';
import { distance } from '@web/format.ts';
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

function NearbyStores() {
  const at = place.use();
  const q = useInfiniteQuery({
    ...nearbyQuery(at ?? { label: '', lat: 0, lng: 0 }),
    enabled: !!at,
  });
  const stores = q.data?.pages.flatMap((p) => p.items) ?? [];
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
