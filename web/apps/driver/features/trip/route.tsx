import { createRoute, Link } from '@tanstack/react-router';
import { useQuery } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { type Schemas, unwrap } from '@lastmile/client';
import { distance } from '@web/format.ts';
import { geoUri, metresBetween } from '@web/geo.ts';
import { ErrorNote, Loading } from '@web/ui.tsx';
import { api, keys, m, reporter } from '../../app.ts';
import { requireSignIn, rootRoute } from '../../root.tsx';
import { nextStep, StepButton } from './step-button.tsx';
import { TripMap } from './trip-map.tsx';

type Delivery = Schemas['Delivery'];
const AT_STORE = new Set(['assigned', 'at_store']);

/** `GET /v1/dispatch/trips/current`: the job, or null (204) when there is none. */
export const tripQuery = {
  queryKey: keys.trip,
  queryFn: async () => (await unwrap(api.GET('/v1/dispatch/trips/current'))) ?? null,
};

/** How far the driver's last position is from `p`, when there is one. */
function Away({ p }: { p: { lat: number; lng: number } }) {
  const at = useSyncExternalStore(reporter.subscribe, () => reporter.last);
  if (!at) return null;
  return <span className="muted"> · {m.trip.away(distance(metresBetween(at, p), m.locale))}</span>;
}

function NavLink({ p, label }: { p: { lat: number; lng: number }; label: string }) {
  return (
    <a href={geoUri(p, label)} data-testid="navigate">
      {m.trip.navigate}
    </a>
  );
}

/** The store: each delivery still to collect, with its step there. */
function StoreStop({ trip, current }: { trip: Schemas['Trip']; current: boolean }) {
  const here = trip.deliveries.filter((d) => AT_STORE.has(d.status));
  return (
    <li data-current={current} data-testid="stop" data-kind="store">
      <p className="spread">
        <span>
          {m.trip.store}
          <Away p={trip.pickup} />
        </span>
        <NavLink p={trip.pickup} label={m.trip.store} />
      </p>
      {here.map((d) => {
        const step = nextStep(d);
        return (
          <div key={d.id}>
            {d.status === 'at_store' && !d.order_ready && (
              <p className="muted">{m.trip.notReady}</p>
            )}
            {step && <StepButton delivery={d} step={step} />}
          </div>
        );
      })}
    </li>
  );
}

/** A drop-off: its address, and its step once the bag is on board. */
function DropoffStop({ d, n, current }: { d: Delivery; n: number; current: boolean }) {
  const step = nextStep(d);
  return (
    <li data-current={current} data-testid="stop" data-kind="dropoff" data-status={d.status}>
      <p className="spread">
        <span>
          {m.trip.dropoff(n)}: {d.dropoff.address}
          <Away p={d.dropoff} />
        </span>
        <NavLink p={d.dropoff} label={d.dropoff.address} />
      </p>
      <p className="muted" data-testid="delivery-status">
        {m.delivery[d.status]}
      </p>
      {current && step && !AT_STORE.has(d.status) && <StepButton delivery={d} step={step} />}
    </li>
  );
}

function TripScreen() {
  const trip = useQuery({ ...tripQuery, refetchInterval: 15_000 });
  const t = trip.data;
  const collecting = t?.deliveries.some((d) => AT_STORE.has(d.status)) ?? false;
  // The drop-offs in their order; the current one is the first not yet handed over.
  const open = t?.deliveries.find((d) => d.status === 'picked_up' || d.status === 'at_dropoff');
  return (
    <section className="stack">
      <h1>{m.trip.title}</h1>
      {trip.isPending && <Loading text={m.loading} />}
      <ErrorNote error={trip.error} words={m.problems} />
      {trip.isSuccess && !t && (
        <p data-testid="no-trip">
          {m.trip.none} <Link to="/">{m.trip.back}</Link>
        </p>
      )}
      {t && <TripMap trip={t} />}
      {t && (
        <ol className="stops card" data-testid="stops">
          <StoreStop trip={t} current={collecting} />
          {t.deliveries.map((d, i) => (
            <DropoffStop key={d.id} d={d} n={i + 1} current={!collecting && open?.id === d.id} />
          ))}
        </ol>
      )}
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/trip',
  beforeLoad: requireSignIn,
  component: TripScreen,
});
