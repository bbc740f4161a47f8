import { createRoute, Link } from '@tanstack/react-router';
import { useInfiniteQuery } from '@tanstack/react-query';
import { unwrap } from '@lastmile/client';
import { dateTime, money } from '@web/format.ts';
import { ErrorNote, Loading, MoreButton } from '@web/ui.tsx';
import { api, m } from '../../app.ts';
import { requireSignIn, rootRoute } from '../../root.tsx';

/** `GET /v1/orders`: the customer's orders, newest first. */
const historyQuery = {
  queryKey: ['orders'],
  initialPageParam: undefined as string | undefined,
  queryFn: ({ pageParam }: { pageParam: string | undefined }) =>
    unwrap(api.GET('/v1/orders', { params: { query: pageParam ? { cursor: pageParam } : {} } })),
  getNextPageParam: (last: { next_cursor: string | null }) => last.next_cursor ?? undefined,
};

function OrderHistory() {
  const q = useInfiniteQuery(historyQuery);
  const orders = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section>
      <h1>{m.orders.title}</h1>
      {q.isPending && <Loading text={m.loading} />}
      <ErrorNote error={q.error} words={m.problems} />
      {q.isSuccess && orders.length === 0 && <p>{m.orders.none}</p>}
      <ul className="grid" data-testid="order-history">
        {orders.map((o) => (
          <li key={o.id} className="card">
            <Link to="/orders/$orderId" params={{ orderId: o.id }}>
              {m.orders.placedAt(dateTime(o.placed_at, m.locale))}
            </Link>
            <p className="spread">
              <span>{m.status[o.status]}</span>
              <strong>{money(o.totals.total_minor, o.currency, m.locale)}</strong>
            </p>
          </li>
        ))}
      </ul>
      <MoreButton query={q} label={m.orders.more} />
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/orders',
  beforeLoad: requireSignIn,
  component: OrderHistory,
});
