import { type FormEvent, useState } from 'react';
import { codeOf } from '@web/problems.ts';
import { ErrorNote } from '@web/ui.tsx';
import { m, type Place } from '../../app.ts';
import { usePayment } from './payment.ts';

const CARDS = Object.keys(m.checkout.cards);

/**
 * The payment form of a checkout, or of an order whose card was declined (`waiting`): the
 * address, a test card, and Pay. A decline says why and takes another card for the same order.
 */
export function Checkout(p: {
  at: Place;
  total: string;
  waiting?: string | null;
  onPaid: (orderId: string) => void;
  /** The card was declined: the order waits for another one. */
  onDeclined?: () => void;
}) {
  const { pay, declined, orderId } = usePayment(p.onPaid, p.waiting ?? null, p.onDeclined);
  const [card, setCard] = useState(CARDS[0] ?? 'tok_visa');
  const [address, setAddress] = useState(p.at.label);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    pay.mutate({ card, delivery: { lat: p.at.lat, lng: p.at.lng, address: address.trim() } });
  };
  const wasDeclined = codeOf(pay.error) === 'PAYMENT_DECLINED';
  const reason = declined ? (m.checkout.reasons[declined.reason] ?? declined.reason) : '';
  return (
    <form className="card" onSubmit={submit} aria-labelledby="pay-title" data-testid="checkout">
      <h2 id="pay-title">{m.checkout.title}</h2>
      {!orderId && (
        <>
          <label htmlFor="address">{m.checkout.address}</label>
          <input
            id="address"
            required
            minLength={3}
            maxLength={300}
            value={address}
            onChange={(e) => setAddress(e.target.value)}
          />
        </>
      )}
      <label htmlFor="card">{m.checkout.card}</label>
      <select id="card" value={card} onChange={(e) => setCard(e.target.value)}>
        {CARDS.map((c) => (
          <option key={c} value={c}>
            {m.checkout.cards[c]}
          </option>
        ))}
      </select>
      {wasDeclined ? (
        <p role="alert" className="alert" data-testid="declined">
          {m.checkout.declined(reason)}
        </p>
      ) : (
        <ErrorNote error={pay.error} words={m.problems} />
      )}
      <p>
        <button type="submit" disabled={pay.isPending}>
          {pay.isPending
            ? m.checkout.paying
            : orderId
              ? m.checkout.retryCard
              : m.checkout.pay(p.total)}
        </button>
      </p>
    </form>
  );
}
