import { createRootRoute, Link, Outlet, redirect, useNavigate } from '@tanstack/react-router';
import { m, place, session } from './app.ts';

/** The frame of every screen: the app's name, where it delivers, and the way around. */
function Layout() {
  const who = session.use();
  const at = place.use();
  const navigate = useNavigate();
  const signOut = () => {
    session.set(null);
    void navigate({ to: '/signin' });
  };
  return (
    <>
      <header className="topbar">
        <Link to="/" className="brand">
          {m.appName}
        </Link>
        {who && (
          <nav aria-label={m.appName}>
            <Link to="/place" data-testid="current-place">
              {m.nav.place}: {at?.label ?? '—'}
            </Link>
            <Link to="/stores">{m.nav.stores}</Link>
            <Link to="/cart">{m.nav.cart}</Link>
            <Link to="/orders">{m.nav.orders}</Link>
            <button type="button" className="secondary" onClick={signOut}>
              {m.nav.signOut}
            </button>
          </nav>
        )}
      </header>
      <main className="shell">
        <Outlet />
      </main>
    </>
  );
}

export const rootRoute = createRootRoute({ component: Layout });

/** For a screen's `beforeLoad`: the sign-in screen first when nobody is signed in. */
export function requireSignIn({ location }: { location: { href: string } }) {
  if (!session.get()) throw redirect({ to: '/signin', search: { next: location.href } });
}

/** For a screen that needs a delivery point: pick one first. */
export function requirePlace(ctx: { location: { href: string } }) {
  requireSignIn(ctx);
  if (!place.get()) throw redirect({ to: '/place' });
}
