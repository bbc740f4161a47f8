import { createRoute, Link } from '@tanstack/react-router';
import { useState, useSyncExternalStore } from 'react';
import { clock, money } from '@web/format.ts';
import { Loading } from '@web/ui.tsx';
import { feed, m } from '../../app.ts';
import { askToNotify, notifyPermission } from '../../live/alert.ts';
import { requireSignIn, rootRoute, useStoreId } from '../../root.tsx';

/** Sound and notifications: a button to allow them (browsers ask only from a click). */
function AlertsSwitch() {
  const [permission, setPermission] = useState(notifyPermission);
  if (permission === 'granted') return <p className="muted">{m.queue.alertsOn}</p>;
  if (permission === 'denied') return <p className="muted">{m.queue.alertsDenied}</p>;
  return (
    <button
      type="button"
      className="secondary"
      onClick={() => void askToNotify().then(setPermission)}
    >
      {m.queue.alertsAsk}
    </button>
  );
}

/** The live queue: every paid order not yet handed over, oldest first, late ones marked. */
function QueueScreen() {
  const storeId = useStoreId();
  const state = useSyncExternalStore(feed.subscribe, () => feed.state);
  return (
    <section className="stack">
      <div className="spread">
        <h1>{m.queue.title}</h1>
        <AlertsSwitch />
      </div>
      {!state.connected && <Loading text={storeId ? m.loading : m.noStore} />}
      <p
        className="muted one-line"
        aria-live="polite"
        data-testid="alerts"
        data-alerts={state.alerts}
      >
        {state.alerts > 0 ? m.queue.announced(state.alerts) : ''}
      </p>
      {state.connected && state.orders.length === 0 && <p className="muted">{m.queue.empty}</p>}
      <ul className="stops card" data-testid="queue">
        {state.orders.map((o) => (
          <li
            key={o.order_id}
            className="spread"
            data-order-id={o.order_id}
            data-status={o.status}
            data-waiting={o.waiting}
          >
            <span>
              <strong>{m.order.title(o.order_id)}</strong> ·{' '}
              {money(o.total_minor, o.currency, m.locale)}
              <br />
              <span className="muted">
                {m.orderStatus[o.status]} · {m.queue.since(clock(o.status_at, m.locale))}
                {o.accept_by && o.status === 'authorized'
                  ? ` · ${m.queue.acceptBy(clock(o.accept_by, m.locale))}`
                  : ''}
              </span>
              {o.waiting && (
                <strong className="badge" data-testid="waiting">
                  {m.queue.waiting}
                </strong>
              )}
            </span>
            <Link
              to="/orders/$orderId"
              params={{ orderId: o.order_id }}
              aria-label={`${m.queue.open}: ${m.order.title(o.order_id)}`}
            >
              {m.queue.open}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  beforeLoad: requireSignIn,
  component: QueueScreen,
});
