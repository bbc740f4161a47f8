import { createRoute } from '@tanstack/react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { unwrap } from '@lastmile/client';
import { clock, money } from '@web/format.ts';
import { codeOf } from '@web/problems.ts';
import { useTracking } from '@web/tracking.ts';
import { ErrorNote, Loading } from '@web/ui.tsx';
import { api, m, orderLinkDown } from '../../app.ts';
import { requireSignIn, rootRoute } from '../../root.tsx';
import { Checkout } from '../cart/checkout.tsx';
import { OrderDetails } from './order-details.tsx';
import { OrderMap } from './order-map.tsx';
import { Substitutes } from './substitutes.tsx';

/** `GET /v1/orders/{id}/delivery` (the customer's view carries the handover PIN). */
function HandoverPin({ orderId }: { orderId: string }) {
  const delivery = useQuery({
    queryKey: ['order', orderId, 'delivery'],
    queryFn: () =>
      unwrap(api.GET('/v1/orders/{id}/delivery', { params: { path: { id: orderId } } })),
  });
  const pin = delivery.data?.pin;
  if (!pin) return null;
  return (
    <div className="card">
      <p className="spread">
        <span>{m.order.pin}</span>
        <strong className="big" data-testid="order-pin">
          {pin}
        </strong>
      </p>
      <p className="muted">{m.order.pinHint}</p>
    </div>
  );
}

const ENDED = new Set(['delivered', 'canceled', 'failed', 'returned']);
/** While a courier has the order, the customer has a PIN to give at the door. */
const WITH_COURIER = new Set(['assigned', 'at_store', 'picked_up', 'at_dropoff']);

/** `GET /v1/orders/{id}`: 404 for anyone's order but one's own. */
const orderQuery = (id: string) => ({
  queryKey: ['order', id],
  queryFn: () => unwrap(api.GET('/v1/orders/{id}', { params: { path: { id } } })),
});

function OrderPage() {
  const { orderId } = route.useParams();
  const client = useQueryClient();
  const order = useQuery(orderQuery(orderId));
  const live = useTracking(api, order.isSuccess ? orderId : null);
  const following = order.isSuccess;
  // The frame's banner says when the live connection is down (only while this screen follows it).
  useEffect(() => {
    orderLinkDown.set(following && !live.connected);
    return () => orderLinkDown.set(false);
  }, [following, live.connected]);
  const code = codeOf(order.error);
  if (code === 'NOT_FOUND' || code === 'VALIDATION_FAILED' || code === 'FORBIDDEN')
    return (
      <section>
        <h1>{m.order.title}</h1>
        <p role="alert" className="alert" data-testid="order-not-found">
          {m.order.notFound}
        </p>
      </section>
    );
  const o = order.data;
  const status = live.status ?? o?.status ?? null;
  const ended = status !== null && ENDED.has(status);
  const window = ended ? null : (live.eta ?? o?.promise ?? null);
  return (
    <section>
      <h1>{m.order.title}</h1>
      {order.isPending && <Loading text={m.loading} />}
      <ErrorNote error={order.error} words={m.problems} />
      {o && status && (
        <div className="two-columns">
          <div className="card">
            <p className="spread">
              <span className="muted">{m.order.status}</span>
              <span className="muted" aria-live="polite">
                {live.connected ? m.order.live : m.order.reconnecting}
              </span>
            </p>
            <p
              className="status"
              data-testid="order-status"
              data-status={status}
              aria-live="polite"
            >
              {m.status[status]}
            </p>
            <p data-testid="order-eta">
              {window ? m.order.eta(clock(window.from, m.locale), clock(window.to, m.locale)) : ' '}
            </p>
            <h2>{m.order.history}</h2>
            <ol data-testid="order-timeline">
              {live.timeline.map((s, i) => (
                <li key={`${i}-${s.status}`} data-status={s.status}>
                  {m.status[s.status]}
                  {s.at && <span className="muted"> · {clock(s.at, m.locale)}</span>}
                </li>
              ))}
            </ol>
          </div>
          {!ended && (
            <OrderMap order={o} driver={live.driver} withCourier={WITH_COURIER.has(status)} />
          )}
          {WITH_COURIER.has(status) && <HandoverPin orderId={o.id} />}
          <Substitutes order={o} live={live.substitutions} />
          <OrderDetails order={o} />
          {status === 'payment_failed' && (
            <Checkout
              at={{ label: o.delivery.address, lat: o.delivery.lat, lng: o.delivery.lng }}
              total={money(o.totals.total_minor, o.currency, m.locale)}
              waiting={o.id}
              onPaid={() => void client.invalidateQueries({ queryKey: ['order', orderId] })}
            />
          )}
        </div>
      )}
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/orders/$orderId',
  beforeLoad: requireSignIn,
  component: OrderPage,
});
