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
import { OrderCare } from './care.tsx';
import { OrderDetails } from './order-details.tsx';
import { deliveryQuery } from './queries.ts';
import { OrderMap } from './order-map.tsx';
import { Substitutes } from './substitutes.tsx';

/**
 * The handover PIN (the customer's view of the delivery carries it), read once a courier has the
 * order. Its line is there from the start, so the PIN arriving moves nothing.
 */
function HandoverPin({ orderId, withCourier }: { orderId: string; withCourier: boolean }) {
  const delivery = useQuery({ ...deliveryQuery(orderId), enabled: withCourier });
  const pin = delivery.data?.pin;
  return (
    <>
      <p className="spread">
        <span>{m.order.pin}</span>
        {pin ? (
          <strong className="big" data-testid="order-pin">
            {pin}
          </strong>
        ) : (
          <strong className="big muted">—</strong>
        )}
      </p>
      <p className="muted">{m.order.pinHint}</p>
    </>
  );
}

const ENDED = new Set(['delivered', 'canceled', 'failed', 'returned']);
/** An order that never goes to a courier: no PIN line. */
const NO_HANDOVER = new Set(['payment_failed', 'canceled']);
/** While a courier has the order, the customer has a PIN to give at the door. */
const WITH_COURIER = new Set(['assigned', 'at_store', 'picked_up', 'at_dropoff']);

/** `GET /v1/orders/{id}`: 404 for anyone's order but one's own. */
const orderQuery = (id: string) => ({
  queryKey: ['order', id],
  queryFn: () => unwrap(api.GET('/v1/orders/{id}', { params: { path: { id } } })),
});

/** The statuses the order went through, as the tracking stream reported them. */
function Timeline({ steps }: { steps: ReturnType<typeof useTracking>['timeline'] }) {
  return (
    <div className="card">
      <h2>{m.order.history}</h2>
      <ol data-testid="order-timeline">
        {steps.map((s, i) => (
          <li key={`${i}-${s.status}`} data-status={s.status}>
            {m.status[s.status]}
            {s.at && <span className="muted"> · {clock(s.at, m.locale)}</span>}
          </li>
        ))}
      </ol>
    </div>
  );
}

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
            <p className="one-line" data-testid="order-eta">
              {window ? m.order.eta(clock(window.from, m.locale), clock(window.to, m.locale)) : ''}
            </p>
            {!NO_HANDOVER.has(status) && (
              <HandoverPin orderId={o.id} withCourier={WITH_COURIER.has(status)} />
            )}
          </div>
          {/* Kept once the order ended: a map leaving would move everything below it. */}
          <OrderMap order={o} driver={live.driver} withCourier={WITH_COURIER.has(status)} />
          <Substitutes order={o} live={live.substitutions} />
          <OrderDetails order={o} />
          {/* Last: the list grows as the order moves, and nothing below it is pushed about. */}
          <Timeline steps={live.timeline} />
          {status === 'payment_failed' && (
            <Checkout
              at={{ label: o.delivery.address, lat: o.delivery.lat, lng: o.delivery.lng }}
              total={money(o.totals.total_minor, o.currency, m.locale)}
              waiting={o.id}
              onPaid={() => void client.invalidateQueries({ queryKey: ['order', orderId] })}
            />
          )}
          <OrderCare order={o} status={status} />
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
