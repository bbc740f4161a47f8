import { createRoute, Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { money } from '@web/format.ts';
import { ErrorNote, Loading } from '@web/ui.tsx';
import { m, place } from '../../app.ts';
import { requirePlace, rootRoute } from '../../root.tsx';
import { useCart } from './cart.ts';
import { CartLines } from './cart-lines.tsx';
import { Checkout } from './checkout.tsx';

function CartPage() {
  const cart = useCart();
  const at = place.use();
  const navigate = useNavigate();
  // Once a checkout started, its form stays (a declined order no longer has a cart).
  const [total, setTotal] = useState<string | null>(null);
  const c = cart.data;
  const shown = c && c.lines.length > 0 ? money(c.totals.total_minor, c.currency, m.locale) : total;
  if (shown && shown !== total) setTotal(shown);
  const onPaid = (orderId: string) =>
    void navigate({ to: '/orders/$orderId', params: { orderId } });
  return (
    <section>
      <h1>{m.cart.title}</h1>
      {cart.isPending && <Loading text={m.loading} />}
      <ErrorNote error={cart.error} words={m.problems} />
      {c && c.lines.length === 0 && !total && (
        <p>
          {m.cart.empty} <Link to="/stores">{m.cart.browse}</Link>
        </p>
      )}
      <div className="two-columns">
        {c && c.lines.length > 0 ? <CartLines cart={c} /> : <div />}
        {at && shown && <Checkout at={at} total={shown} onPaid={onPaid} />}
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
