import { createRoute, Link } from '@tanstack/react-router';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { type Schemas, unwrap } from '@lastmile/client';
import { money } from '@web/format.ts';
import { ErrorNote, Loading } from '@web/ui.tsx';
import { api, keys, m, queryClient } from '../../app.ts';
import { requireSignIn, rootRoute } from '../../root.tsx';
import { useOrderLive } from './live.ts';
import { PickList } from './pick-list.tsx';

type Order = Schemas['Order'];

/** Accept, or reject with a reason (one of the usual ones, or the staff's own words). */
function Decide({ order }: { order: Order }) {
  const [reason, setReason] = useState(m.order.reasons[0] ?? '');
  const move = useMutation({
    mutationFn: async (action: 'accept' | 'reject') =>
      action === 'accept'
        ? unwrap(api.POST('/v1/orders/{id}/accept', { params: { path: { id: order.id } } }))
        : unwrap(
            api.POST('/v1/orders/{id}/reject', {
              params: { path: { id: order.id } },
              body: { reason: reason.trim() },
            }),
          ),
    onSuccess: (o) => queryClient.setQueryData(keys.order(order.id), o),
  });
  return (
    <div className="card stack">
      <button type="button" disabled={move.isPending} onClick={() => move.mutate('accept')}>
        {m.order.accept}
      </button>
      <label htmlFor="reason">{m.order.reason}</label>
      <input
        id="reason"
        list="reasons"
        value={reason}
        maxLength={300}
        onChange={(e) => setReason(e.target.value)}
      />
      <datalist id="reasons">
        {m.order.reasons.map((r) => (
          <option key={r} value={r} />
        ))}
      </datalist>
      <button
        type="button"
        className="secondary"
        disabled={move.isPending || reason.trim().length === 0}
        onClick={() => move.mutate('reject')}
      >
        {m.order.reject}
      </button>
      <ErrorNote error={move.error} words={m.problems} />
    </div>
  );
}

function StartPicking({ order }: { order: Order }) {
  const move = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/v1/orders/{id}/preparing', { params: { path: { id: order.id } } })),
    onSuccess: (o) => queryClient.setQueryData(keys.order(order.id), o),
  });
  return (
    <div className="card">
      <button type="button" disabled={move.isPending} onClick={() => move.mutate()}>
        {m.order.startPicking}
      </button>
      <ErrorNote error={move.error} words={m.problems} />
    </div>
  );
}

/** What the staff can do with the order now. */
function NextStep({ order }: { order: Order }) {
  switch (order.status) {
    case 'authorized':
      return <Decide order={order} />;
    case 'accepted':
      return <StartPicking order={order} />;
    case 'preparing':
      return <PickList order={order} />;
    case 'ready':
      return <p className="card">{m.order.waitingCourier}</p>;
    default:
      return <p className="card muted">{m.order.done}</p>;
  }
}

function OrderScreen() {
  const { orderId } = route.useParams();
  useOrderLive(orderId);
  const order = useQuery({
    queryKey: keys.order(orderId),
    queryFn: () => unwrap(api.GET('/v1/orders/{id}', { params: { path: { id: orderId } } })),
  });
  const o = order.data;
  return (
    <section className="stack">
      <Link to="/">{m.order.back}</Link>
      <h1>{m.order.title(orderId)}</h1>
      {order.isPending && <Loading text={m.loading} />}
      <ErrorNote error={order.error} words={m.problems} />
      {o && (
        <>
          <p className="spread">
            <strong data-testid="order-status" data-status={o.status}>
              {m.orderStatus[o.status] ?? o.status}
            </strong>
            <span>
              {m.order.total} {money(o.totals.total_minor, o.currency, m.locale)}
            </span>
          </p>
          <NextStep order={o} />
        </>
      )}
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/orders/$orderId',
  beforeLoad: requireSignIn,
  component: OrderScreen,
});
