import { createRoute, Link, useNavigate } from '@tanstack/react-router';
import { type Schemas, unwrap } from '@lastmile/client';
import { clock, dateTime, money } from '@web/format.ts';
import { ErrorNote, Loading, MoreButton } from '@web/ui.tsx';
import { api, m } from '../../app.ts';
import { requireSignIn, rootRoute } from '../../root.tsx';
import { DataTable, OrderLink, usePages } from '../../table.tsx';
import { SearchForm } from './search-form.tsx';
import { type OrderSearch, orderSearchOf } from './search.ts';

type Order = Schemas['OpsOrder'];
/** The results' columns, by their headings' words. */
const ORDER_COLUMNS = [
  'order',
  'status',
  'placed',
  'store_',
  'customer_',
  'driver_',
  'total',
  'promise',
] as const;

/** A link to the search narrowed to one store, customer or driver. */
function Narrow(p: { search: OrderSearch; text: string; label: string }) {
  return (
    <Link to="/" search={p.search} aria-label={m.orders.ordersOf(p.label)}>
      {p.text}
    </Link>
  );
}

function OrderRow({ o }: { o: Order }) {
  const store = o.store.name ?? m.orders.gone;
  const customer = o.customer.email ?? m.orders.gone;
  return (
    <tr data-order-id={o.id} data-status={o.status} data-late={o.late}>
      <td>
        <OrderLink id={o.id} />
      </td>
      <td>
        {m.orderStatus[o.status]}
        {o.late && <strong className="badge late">{m.orders.late}</strong>}
      </td>
      <td>{dateTime(o.placed_at, m.locale)}</td>
      <td>
        <Narrow search={{ store_id: o.store.id }} text={store} label={store} />
      </td>
      <td>
        <Narrow search={{ customer: o.customer.id }} text={customer} label={customer} />
      </td>
      <td>
        {o.driver ? (
          <Narrow
            search={{ driver_id: o.driver.id }}
            text={o.driver.name ?? m.orders.gone}
            label={o.driver.name ?? o.driver.id}
          />
        ) : (
          <span className="muted">{m.orders.noDriver}</span>
        )}
      </td>
      <td className="number">{money(o.total_minor, o.currency, m.locale)}</td>
      <td>
        {o.promise ? `${clock(o.promise.from, m.locale)}–${clock(o.promise.to, m.locale)}` : ''}
      </td>
    </tr>
  );
}

/** Orders matching the search, newest first, a page at a time. */
function Results({ search }: { search: OrderSearch }) {
  const { list, items: orders } = usePages({
    key: ['ops-orders', search],
    page: (cursor) =>
      unwrap(api.GET('/v1/ops/orders', { params: { query: { ...search, cursor } } })),
  });
  if (list.isPending) return <Loading text={m.loading} />;
  if (list.error) return <ErrorNote error={list.error} words={m.problems} />;
  if (orders.length === 0 && !list.hasNextPage) return <p className="muted">{m.orders.none}</p>;
  return (
    <>
      <DataTable
        testId="orders"
        caption={m.orders.results}
        words={m.orders}
        columns={ORDER_COLUMNS}
      >
        {orders.map((o) => (
          <OrderRow key={o.id} o={o} />
        ))}
      </DataTable>
      <MoreButton query={list} label={m.orders.more} />
    </>
  );
}

function OrdersScreen() {
  const search = route.useSearch();
  const navigate = useNavigate();
  return (
    <section className="stack">
      <h1>{m.orders.title}</h1>
      <SearchForm
        key={JSON.stringify(search)}
        value={search}
        onSearch={(s) => void navigate({ to: '/', search: s })}
      />
      <Results search={search} />
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  validateSearch: orderSearchOf,
  beforeLoad: requireSignIn,
  component: OrdersScreen,
});
