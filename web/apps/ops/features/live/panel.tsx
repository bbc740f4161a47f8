import { dateTimeSeconds } from '@web/format.ts';
import { m } from '../../app.ts';
import { OrderLink } from '../../table.tsx';
import type { City } from './city.ts';
import type { Selection } from './draw.ts';
import { listed, ORDER_STATES, type Shown } from './filters.ts';

// The side panel of the live map: what is shown, counted and listed as text (a keyboard or
// screen reader user picks a driver or an order here), and the one picked.

/** Most entries a list shows; narrowing the filters shows the rest. */
const LIST_MAX = 100;

export function Counts({ shown }: { shown: Shown }) {
  const onTrip = shown.drivers.filter((x) => x.d.trip_id !== null).length;
  const available = shown.drivers.filter((x) => x.d.status === 'available' && !x.d.trip_id);
  const late = shown.orders.filter((o) => o.late).length;
  return (
    <section className="card live-counts" aria-labelledby="live-now">
      <h2 id="live-now">{m.live.now}</h2>
      <p data-testid="live-drivers-online" data-count={shown.drivers.length}>
        <strong>{m.live.online(shown.drivers.length)}</strong> ·{' '}
        {m.live.available(available.length)} · {m.live.onTrip(onTrip)}
      </p>
      <ul className="live-states">
        {ORDER_STATES.map((s) => (
          <li key={s} data-state={s}>
            {m.orderStatus[s]}: <strong>{shown.orders.filter((o) => o.status === s).length}</strong>
          </li>
        ))}
      </ul>
      <p data-testid="live-late" data-count={late} className={late > 0 ? 'alert' : undefined}>
        {m.live.lateCount(late)}
      </p>
    </section>
  );
}

function More({ total }: { total: number }) {
  if (total <= LIST_MAX) return null;
  return <p className="muted">{m.live.more(total - LIST_MAX)}</p>;
}

export function Lists(p: { shown: Shown; selected: Selection; pick: (s: Selection) => void }) {
  const { drivers, orders } = listed(p.shown);
  const isSel = (kind: 'driver' | 'order', id: string) =>
    p.selected?.kind === kind && p.selected.id === id;
  return (
    <>
      <section className="card" aria-labelledby="live-drivers">
        <h2 id="live-drivers">{m.live.drivers}</h2>
        {drivers.length === 0 && <p className="muted">{m.live.none}</p>}
        <ul className="live-list" data-testid="live-driver-list">
          {drivers.slice(0, LIST_MAX).map(({ d, p: at }) => (
            <li key={d.id}>
              <button
                type="button"
                className="link"
                aria-pressed={isSel('driver', d.id)}
                data-testid="live-driver"
                data-driver-id={d.id}
                onClick={() => p.pick({ kind: 'driver', id: d.id })}
              >
                {d.name} · {m.live.driverStatus[d.status]} ·{' '}
                {at ? m.live.at(at.lat, at.lng) : m.live.noPosition}
              </button>
            </li>
          ))}
        </ul>
        <More total={drivers.length} />
      </section>
      <section className="card" aria-labelledby="live-orders">
        <h2 id="live-orders">{m.live.orders}</h2>
        {orders.length === 0 && <p className="muted">{m.live.none}</p>}
        <ul className="live-list" data-testid="live-order-list">
          {orders.slice(0, LIST_MAX).map((o) => (
            <li key={o.id}>
              <button
                type="button"
                className="link"
                aria-pressed={isSel('order', o.id)}
                data-testid="live-order"
                data-order-id={o.id}
                data-state={o.status}
                onClick={() => p.pick({ kind: 'order', id: o.id })}
              >
                <span className="mono">{o.id.slice(0, 8)}</span> · {m.orderStatus[o.status]}
                {o.late && <strong className="badge late">{m.live.late}</strong>}
              </button>
            </li>
          ))}
        </ul>
        <More total={orders.length} />
      </section>
    </>
  );
}

/** The driver or order picked, as it stands now. */
export function Details(p: { city: City; selected: Selection; close: () => void }) {
  const sel = p.selected;
  const driver = sel?.kind === 'driver' ? p.city.drivers.get(sel.id) : undefined;
  const order = sel?.kind === 'order' ? p.city.orders.get(sel.id) : undefined;
  const at = driver ? p.city.positions.get(driver.id) : undefined;
  return (
    <section className="card" aria-labelledby="live-details" data-testid="live-details">
      <h2 id="live-details">{m.live.details}</h2>
      {!driver && !order && <p className="muted">{m.live.nothing}</p>}
      {driver && (
        <dl className="facts" data-driver-id={driver.id}>
          <dt>{m.live.drivers}</dt>
          <dd>
            {driver.name} · {m.live.driverStatus[driver.status]}
          </dd>
          <dt>{m.live.vehicle}</dt>
          <dd>{m.live.vehicles[driver.vehicle]}</dd>
          <dt>{m.live.seen}</dt>
          <dd>
            {at ? (
              <>
                {m.live.at(at.lat, at.lng)} ·{' '}
                {dateTimeSeconds(new Date(at.at).toISOString(), m.locale)}
              </>
            ) : (
              m.live.noPosition
            )}
          </dd>
          <dt>{m.live.trip}</dt>
          <dd>
            {driver.trip_id ? (
              <span className="mono">{driver.trip_id.slice(0, 8)}</span>
            ) : (
              m.live.noTrip
            )}
            {driver.order_ids.map((id) => (
              <span key={id}>
                <br />
                <OrderLink id={id} label={m.live.timeline(id)} />
              </span>
            ))}
          </dd>
        </dl>
      )}
      {order && (
        <dl className="facts" data-order-id={order.id}>
          <dt>{m.orders.status}</dt>
          <dd>
            {m.orderStatus[order.status]}
            {order.late && <strong className="badge late">{m.live.late}</strong>}
          </dd>
          <dt>{m.live.storeOf}</dt>
          <dd>{p.city.stores.get(order.store_id)?.name ?? m.orders.gone}</dd>
          <dt>{m.live.deadline}</dt>
          <dd>
            {order.deadline_at ? dateTimeSeconds(order.deadline_at, m.locale) : m.live.noDeadline}
          </dd>
          <dt>{m.orders.order}</dt>
          <dd>
            <OrderLink id={order.id} label={m.live.timeline(order.id)} />
          </dd>
        </dl>
      )}
      {sel && (
        <button type="button" className="secondary" onClick={p.close}>
          {m.live.close}
        </button>
      )}
    </section>
  );
}
