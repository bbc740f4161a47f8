import { createRoute, Link } from '@tanstack/react-router';
import { useInfiniteQuery } from '@tanstack/react-query';
import { type Schemas, unwrap } from '@lastmile/client';
import { dateTime } from '@web/format.ts';
import { ErrorNote, Loading, MoreButton } from '@web/ui.tsx';
import { api, m } from '../../app.ts';
import { requireSignIn, rootRoute } from '../../root.tsx';
import { Deliveries } from './deliveries.tsx';

// Partners' webhook endpoints (subscriptions), and one endpoint's delivery history with a re-send
// of a delivery every attempt of which failed.

type Endpoint = Schemas['WebhookSubscription'];
interface WebhookSearch {
  endpoint?: string;
}

function EndpointRow({ e, open }: { e: Endpoint; open: boolean }) {
  return (
    <tr data-endpoint-id={e.id} aria-current={open ? 'true' : undefined}>
      <td>{e.partner_name}</td>
      <td className="mono">{e.url}</td>
      <td className="mono">{e.events.join(', ')}</td>
      <td>{e.active ? m.webhooks.active : m.webhooks.stopped}</td>
      <td>{dateTime(e.created_at, m.locale)}</td>
      <td>
        <Link
          to="/webhooks"
          search={{ endpoint: e.id }}
          aria-label={m.webhooks.historyOf(e.partner_name, e.url)}
        >
          {m.webhooks.history}
        </Link>
      </td>
    </tr>
  );
}

function WebhooksScreen() {
  const search = route.useSearch();
  const list = useInfiniteQuery({
    queryKey: ['ops-webhooks', 'endpoints'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET('/v1/ops/webhooks', { params: { query: { cursor: pageParam } } })),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
  const endpoints = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="stack">
      <h1>{m.webhooks.title}</h1>
      <p className="muted">{m.webhooks.intro}</p>
      {list.isPending && <Loading text={m.loading} />}
      <ErrorNote error={list.error} words={m.problems} />
      {list.data && endpoints.length === 0 && <p className="muted">{m.webhooks.none}</p>}
      {endpoints.length > 0 && (
        <div className="card table-scroll">
          <table data-testid="endpoints">
            <caption className="visually-hidden">{m.webhooks.title}</caption>
            <thead>
              <tr>
                <th scope="col">{m.webhooks.partner}</th>
                <th scope="col">{m.webhooks.url}</th>
                <th scope="col">{m.webhooks.events}</th>
                <th scope="col">{m.webhooks.state}</th>
                <th scope="col">{m.webhooks.created}</th>
                <th scope="col">
                  <span className="visually-hidden">{m.webhooks.history}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {endpoints.map((e) => (
                <EndpointRow key={e.id} e={e} open={e.id === search.endpoint} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <MoreButton query={list} label={m.webhooks.more} />
      {search.endpoint && <Deliveries key={search.endpoint} subscription={search.endpoint} />}
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/webhooks',
  validateSearch: (q: Record<string, unknown>): WebhookSearch =>
    typeof q.endpoint === 'string' && q.endpoint ? { endpoint: q.endpoint } : {},
  beforeLoad: requireSignIn,
  component: WebhooksScreen,
});
