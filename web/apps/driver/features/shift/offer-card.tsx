import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { LastmileProblem, type Schemas, unwrap } from '@lastmile/client';
import { distance, money } from '@web/format.ts';
import { ErrorNote } from '@web/ui.tsx';
import { api, keys, m } from '../../app.ts';

/** Whole seconds until `iso`, ticking every second. */
function useSecondsLeft(iso: string): number {
  const left = () => Math.max(0, Math.ceil((Date.parse(iso) - Date.now()) / 1000));
  const [s, setS] = useState(left);
  useEffect(() => {
    const timer = setInterval(() => setS(left()), 1000);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [iso]);
  return s;
}

/** Where the job goes: to the store, then each drop-off, with their distances. */
function OfferLegs({ offer }: { offer: Schemas['Offer'] }) {
  const legs = offer.pay?.deliveries ?? [];
  return (
    <ul className="stops">
      <li className="spread">
        <span>{m.offer.toStore}</span>
        <span data-testid="offer-pickup">{distance(offer.pickup_m, m.locale)}</span>
      </li>
      {offer.dropoffs.map((d, i) => {
        const leg = legs.find((l) => l.delivery_id === d.delivery_id);
        return (
          <li key={d.delivery_id} className="spread">
            <span>
              {m.offer.toDropoff(i + 1)} · {m.offer.items(d.items)}
            </span>
            <span data-testid="offer-dropoff">{leg ? distance(leg.dropoff_m, m.locale) : '—'}</span>
          </li>
        );
      })}
    </ul>
  );
}

/** An open offer: the countdown, where to go, what it pays; accept or decline. */
export function OfferCard({ offer }: { offer: Schemas['Offer'] }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const left = useSecondsLeft(offer.expires_at);
  const accept = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/v1/dispatch/offers/{id}/accept', { params: { path: { id: offer.id } } })),
    onSuccess: (trip) => {
      client.setQueryData(keys.trip, trip);
      client.setQueryData(keys.offer, null);
      void client.invalidateQueries({ queryKey: keys.me });
      void navigate({ to: '/trip' });
    },
  });
  const decline = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v1/dispatch/offers/{id}/decline', {
          params: { path: { id: offer.id } },
          body: {},
        }),
      ),
    onSuccess: () => client.setQueryData(keys.offer, null),
  });
  const err = accept.error ?? decline.error;
  const gone = err instanceof LastmileProblem && err.code === 'CONFLICT';
  const pay = offer.pay;
  return (
    <section className="card stack" data-testid="offer" aria-labelledby="offer-title">
      <h2 id="offer-title">{m.offer.title}</h2>
      <p className="big" data-testid="offer-pay">
        {pay ? money(pay.total_minor, pay.currency, m.locale) : '—'}
      </p>
      <p aria-live="off" data-testid="offer-countdown">
        {left > 0 ? m.offer.expiresIn(left) : m.offer.expired}
      </p>
      <OfferLegs offer={offer} />
      {gone ? (
        <p role="alert" className="alert">
          {m.offer.taken}
        </p>
      ) : (
        <ErrorNote error={err} words={m.problems} />
      )}
      <p className="toggle">
        <button
          type="button"
          disabled={left === 0 || accept.isPending || decline.isPending}
          onClick={() => accept.mutate()}
        >
          {m.offer.accept}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={left === 0 || accept.isPending || decline.isPending}
          onClick={() => decline.mutate()}
        >
          {m.offer.decline}
        </button>
      </p>
    </section>
  );
}
