import { createRoute, Link, useNavigate } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { money } from '@web/format.ts';
import { ErrorNote, Loading } from '@web/ui.tsx';
import { m, place } from '../../app.ts';
import { requirePlace, rootRoute } from '../../root.tsx';
import { useCartPage } from './cart.ts';
import { blocksCheckout, CartLines } from './cart-lines.tsx';
import { StoreClosed } from '../store/store-closed.tsx';
import { Checkout } from './checkout.tsx';

function CartPage() {
  const cart = useCartPage();
  const at = place.use();
  const navigate = useNavigate();
  const client = useQueryClient();
  // After a decline the cart became an order waiting for another card: only the payment stays.
  const [waiting, setWaiting] = useState<{ total: string } | null>(null);
  // The lines checkout found short of stock, until the customer changes each.
  const [short, setShort] = useState<string[]>([]);
  const c = cart.data;
  const shortNames = (c?.lines ?? [])
    .filter((l) => short.includes(l.product_id))
    .map((l) => l.name);
  const storeId = c?.store_id ?? null;
  const full = c && c.lines.length > 0 && !waiting;
  // The lines checkout would refuse as the cart last read its stock: Pay waits until they change.
  const blocked = full ? c.lines.filter(blocksCheckout).map((l) => l.name) : [];
  const total = waiting?.total ?? (full ? money(c.totals.total_minor, c.currency, m.locale) : null);
  const onPaid = (orderId: string) =>
    void navigate({ to: '/orders/$orderId', params: { orderId } });
  const onDeclined = () => {
    if (total) setWaiting({ total });
    void client.invalidateQueries({ queryKey: ['cart'] });
  };
  return (
    <section>
      <h1>{m.cart.title}</h1>
      {cart.isPending && <Loading text={m.loading} />}
      <ErrorNote error={cart.error} words={m.problems} />
      {c && !full && !waiting && (
        <p>
          {m.cart.empty} <Link to="/stores">{m.cart.browse}</Link>
        </p>
      )}
      {waiting && <p className="muted">{m.cart.waiting}</p>}
      {full && storeId && <StoreClosed storeId={storeId} />}
      <div className="two-columns">
        {full ? (
          <CartLines
            cart={c}
            short={short}
            onChanged={(id) => setShort((s) => s.filter((x) => x !== id))}
          />
        ) : (
          <div />
        )}
        {at && total && (
          <Checkout
            at={at}
            total={total}
            onPaid={onPaid}
            onDeclined={onDeclined}
            onShort={(ids) => {
              setShort(ids);
              // The stock the cart shows is read again, so each line says what is left.
              void client.invalidateQueries({ queryKey: ['cart'] });
            }}
            shortNames={shortNames}
            blocked={blocked}
            onRefused={() =>
              storeId &&
              void client.invalidateQueries({ queryKey: ['store', storeId], exact: true })
            }
          />
        )}
      </div>
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/cart',
  beforeLoad: requirePlace,
  component: CartPage,
});
