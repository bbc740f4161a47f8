import { createRoute, Link } from '@tanstack/react-router';
import { type Schemas, unwrap } from '@lastmile/client';
import { dateTime } from '@web/format.ts';
import { ErrorNote, Loading, MoreButton } from '@web/ui.tsx';
import { api, m } from '../../app.ts';
import { requireSignIn, rootRoute } from '../../root.tsx';
import { DataTable, usePages } from '../../table.tsx';
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
  const { list, items: endpoints } = usePages({
    key: ['ops-webhooks', 'endpoints'],
    page: (cursor) => unwrap(api.GET('/v1/ops/webhooks', { params: { query: { cursor } } })),
  });
  return (
    <section className="stack">
      <h1>{m.webhooks.title}</h1>
      <p className="muted">{m.webhooks.intro}</p>
      {list.isPending && <Loading text={m.loading} />}
      <ErrorNote error={list.error} words={m.problems} />
      {list.data && endpoints.length === 0 && <p className="muted">{m.webhooks.none}</p>}
      {endpoints.length > 0 && (
        <DataTable
          testId="endpoints"
          caption={m.webhooks.title}
          words={m.webhooks}
          columns={['partner', 'url', 'events', 'state', 'created', 'history']}
          hidden={['history']}
        >
          {endpoints.map((e) => (
            <EndpointRow key={e.id} e={e} open={e.id === search.endpoint} />
          ))}
        </DataTable>
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
