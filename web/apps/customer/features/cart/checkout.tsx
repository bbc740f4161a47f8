import { type FormEvent, useState } from 'react';
import { LastmileProblem } from '@lastmile/client';
import { codeOf } from '@web/problems.ts';
import { ErrorNote } from '@web/ui.tsx';
import { m, type Place } from '../../app.ts';
import { type SavedAddress, useAddresses } from '../addresses/queries.ts';
import { usePayment } from './payment.ts';

const CARDS = Object.keys(m.checkout.cards);
/** The choice of delivering to where the app is now, rather than a saved address. */
const HERE = 'here';

const samePoint = (a: SavedAddress, at: Place) =>
  Math.abs(a.lat - at.lat) < 1e-6 && Math.abs(a.lng - at.lng) < 1e-6;

/**
 * Where to deliver: where the app is now (its text editable for the courier) or one of the saved
 * addresses, the one at this very point chosen first.
 */
function DeliverTo(p: {
  at: Place;
  choice: string;
  onChoice: (c: string) => void;
  address: string;
  onAddress: (a: string) => void;
}) {
  const saved = useAddresses().data ?? [];
  return (
    <>
      <label htmlFor="deliver-to">{m.checkout.address}</label>
      <select id="deliver-to" value={p.choice} onChange={(e) => p.onChoice(e.target.value)}>
        <option value={HERE}>{m.checkout.here(p.at.label)}</option>
        {saved.map((a) => (
          <option key={a.id} value={a.id}>
            {`${a.label}: ${a.address}`}
          </option>
        ))}
      </select>
      {p.choice === HERE && (
        <>
          <label htmlFor="address">{m.checkout.addressText}</label>
          <input
            id="address"
            required
            minLength={3}
            maxLength={300}
            value={p.address}
            onChange={(e) => p.onAddress(e.target.value)}
          />
        </>
      )}
    </>
  );
}

/** The products an OUT_OF_STOCK refusal names (its `product_ids`). */
function shortProducts(err: unknown): string[] {
  if (!(err instanceof LastmileProblem) || err.code !== 'OUT_OF_STOCK') return [];
  const ids = err.extra.product_ids;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
}

/** Why the last attempt was refused: the card's decline, the lines short of stock, or else. */
function Refusal(p: { error: unknown; reason: string; shortNames?: readonly string[] }) {
  const code = codeOf(p.error);
  if (code === 'PAYMENT_DECLINED')
    return (
      <p role="alert" className="alert" data-testid="declined">
        {m.checkout.declined(p.reason)}
      </p>
    );
  if (code === 'OUT_OF_STOCK' && p.shortNames) {
    // Once every short line is changed, nothing is left to say.
    if (p.shortNames.length === 0) return null;
    return (
      <p role="alert" className="alert" data-testid="short" id={SHORT_NOTE}>
        {m.checkout.short(p.shortNames.join(', '))}
      </p>
    );
  }
  return <ErrorNote error={p.error} words={m.problems} />;
}

const SHORT_NOTE = 'pay-short';
const BLOCKED_NOTE = 'pay-blocked';

/**
 * Pay, and why it does nothing while the cart has lines checkout would refuse (`blocked`, their
 * names): said beside it unless the refusal of the last attempt says it already (`refusedShort`).
 */
function PayButton(p: {
  label: string;
  busy: boolean;
  blocked: readonly string[];
  refusedShort: boolean;
}) {
  const blocked = p.blocked.length > 0;
  const note = blocked && !p.refusedShort;
  return (
    <>
      {note && (
        <p className="alert" id={BLOCKED_NOTE} data-testid="blocked">
          {m.checkout.blocked(p.blocked.join(', '))}
        </p>
      )}
      <p>
        {/* aria-disabled, not disabled: a refusal leaves the keyboard's focus on the button, and
            while it waits a screen reader still reaches it and hears why. */}
        <button
          type="submit"
          aria-disabled={p.busy || blocked}
          aria-describedby={blocked ? (note ? BLOCKED_NOTE : SHORT_NOTE) : undefined}
        >
          {p.label}
        </button>
      </p>
    </>
  );
}

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
  /** Checkout found lines short of stock: their product ids. */
  onShort?: (productIds: string[]) => void;
  /** The names of the lines still short: what the refusal says while there are any. */
  shortNames?: readonly string[];
  /**
   * The names of the lines the cart says checkout would refuse (short or sold out): Pay does
   * nothing while there are any, and says why.
   */
  blocked?: readonly string[];
  /** Checkout was refused otherwise (the store stopped taking orders…). */
  onRefused?: () => void;
}) {
  const { pay, declined, orderId } = usePayment(p.onPaid, p.waiting ?? null, p.onDeclined);
  const blocked = p.blocked ?? [];
  const [card, setCard] = useState(CARDS[0] ?? 'tok_visa');
  const [address, setAddress] = useState(p.at.label);
  const saved = useAddresses().data;
  const [picked, setPicked] = useState<string | null>(null);
  const choice = picked ?? saved?.find((a) => samePoint(a, p.at))?.id ?? HERE;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (pay.isPending || blocked.length > 0) return;
    const delivery =
      choice === HERE
        ? { lat: p.at.lat, lng: p.at.lng, address: address.trim() }
        : { address_id: choice };
    pay.mutate(
      { card, delivery },
      {
        onError: (err) => {
          const short = shortProducts(err);
          if (short.length > 0) p.onShort?.(short);
          else if (codeOf(err) !== 'PAYMENT_DECLINED') p.onRefused?.();
        },
      },
    );
  };
  const reason = declined ? (m.checkout.reasons[declined.reason] ?? declined.reason) : '';
  return (
    <form className="card" onSubmit={submit} aria-labelledby="pay-title" data-testid="checkout">
      <h2 id="pay-title">{m.checkout.title}</h2>
      {!orderId && (
        <DeliverTo
          at={p.at}
          choice={choice}
          onChoice={setPicked}
          address={address}
          onAddress={setAddress}
        />
      )}
      <label htmlFor="card">{m.checkout.card}</label>
      <select id="card" value={card} onChange={(e) => setCard(e.target.value)}>
        {CARDS.map((c) => (
          <option key={c} value={c}>
            {m.checkout.cards[c]}
          </option>
        ))}
      </select>
      <Refusal error={pay.error} reason={reason} shortNames={p.shortNames} />
      <PayButton
        label={
          pay.isPending
            ? m.checkout.paying
            : orderId
              ? m.checkout.retryCard
              : m.checkout.pay(p.total)
        }
        busy={pay.isPending}
        blocked={blocked}
        refusedShort={codeOf(pay.error) === 'OUT_OF_STOCK' && (p.shortNames?.length ?? 0) > 0}
      />
    </form>
  );
}
