import { Link, redirect } from '@tanstack/react-router';
import { useLinkOf } from '@web/connection.tsx';
import { appShell } from '@web/shell.tsx';
import { app, m, orderLinkDown, place } from './app.ts';

/** The way around, once signed in: where the app delivers, and its screens. */
function Nav() {
  const at = place.use();
  return (
    <>
      <Link to="/place" data-testid="current-place">
        {m.nav.place}: {at?.label ?? '—'}
      </Link>
      <Link to="/stores">{m.nav.stores}</Link>
      <Link to="/cart">{m.nav.cart}</Link>
      <Link to="/orders">{m.nav.orders}</Link>
      <Link to="/addresses">{m.nav.addresses}</Link>
    </>
  );
}

/** Offline, or an order screen's live connection getting back. */
const useLive = () => useLinkOf(orderLinkDown);

export const { rootRoute, requireSignIn } = appShell({ app, Nav, useLink: useLive });

/** For a screen that needs a delivery point: pick one first. */
export function requirePlace(ctx: { location: { href: string } }) {
  requireSignIn(ctx);
  if (!place.get()) throw redirect({ to: '/place' });
}
