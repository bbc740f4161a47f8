import { createRoute, Link } from '@tanstack/react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { unwrap } from '@lastmile/client';
import { ErrorNote, Loading } from '@web/ui.tsx';
import { api, keys, link, m, queue, reporter } from '../../app.ts';
import { meQuery, requireSignIn, rootRoute } from '../../root.tsx';
import { OfferCard } from './offer-card.tsx';

type Shift = 'available' | 'break' | 'offline';
const SHIFTS: ReadonlyArray<[Shift, string]> = [
  ['available', m.shift.goOnline],
  ['break', m.shift.goBreak],
  ['offline', m.shift.goOffline],
];

/**
 * `GET /v1/dispatch/offers`: the open offer. Offers come on the driver channel; this is read when
 * the channel (re)connects, and polled only while it is down.
 */
function useOffer(polling: boolean) {
  const channel = useSyncExternalStore(link.subscribe, () => link.state);
  return useQuery({
    queryKey: keys.offer,
    queryFn: async () =>
      (await unwrap(api.GET('/v1/dispatch/offers'))).items.find((o) => o.status === 'open') ?? null,
    enabled: polling,
    refetchInterval: polling && channel !== 'open' ? 5_000 : false,
  });
}

function ShiftScreen() {
  const client = useQueryClient();
  const me = useQuery(meQuery);
  const status = me.data?.status;
  const offer = useOffer(status === 'available');
  const waiting = useSyncExternalStore(queue.subscribe.bind(queue), () => queue.size);
  const geo = useSyncExternalStore(reporter.subscribe, () => reporter.geo);
  const shift = useMutation({
    mutationFn: (to: Shift) => unwrap(api.PUT('/v1/drivers/me/shift', { body: { status: to } })),
    onSuccess: (driver) => client.setQueryData(keys.me, driver),
  });
  return (
    <section className="stack">
      <h1>{m.shift.title}</h1>
      {me.isPending && <Loading text={m.loading} />}
      <ErrorNote error={me.error ?? shift.error} words={m.problems} />
      {status && (
        <div className="card stack">
          <p className="spread">
            <span className="muted">{m.shift.status}</span>
            <strong data-testid="shift-status" data-status={status}>
              {m.driverStatus[status]}
            </strong>
          </p>
          {status === 'on_delivery' ? (
            <p>
              {m.shift.onJob} <Link to="/trip">{m.shift.openJob}</Link>
            </p>
          ) : (
            <p className="toggle">
              {SHIFTS.map(([to, label]) => (
                <button
                  key={to}
                  type="button"
                  aria-pressed={status === to}
                  disabled={shift.isPending}
                  onClick={() => shift.mutate(to)}
                >
                  {label}
                </button>
              ))}
            </p>
          )}
          {geo === 'denied' && (
            <p role="alert" className="alert">
              {m.shift.noGeo}
            </p>
          )}
          <p className="muted one-line" data-testid="queued" data-count={waiting}>
            {waiting > 0 ? m.shift.queued(waiting) : ''}
          </p>
        </div>
      )}
      {status === 'available' &&
        (offer.data ? (
          <OfferCard key={offer.data.id} offer={offer.data} />
        ) : (
          <p className="muted">{m.shift.waiting}</p>
        ))}
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  beforeLoad: requireSignIn,
  component: ShiftScreen,
});
