import { createRootRoute, Link, Outlet, redirect, useNavigate } from '@tanstack/react-router';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { ConnectionBanner, type Link as LinkState, useBrowserOnline } from '@web/connection.tsx';
import { feed, m, meQuery, session } from './app.ts';

/** The store's id, once the signed-in account is known (null before, or without a store). */
export function useStoreId(): string | null {
  const who = session.use();
  const me = useQuery({ ...meQuery, enabled: who !== null });
  return me.data && 'store_id' in me.data ? me.data.store_id : null;
}

/** The order feed runs while a staff account is signed in, on every screen. */
function useLive(): LinkState {
  const storeId = useStoreId();
  useEffect(() => {
    if (!storeId) return;
    feed.start(storeId);
    return () => feed.stop();
  }, [storeId]);
  const state = useSyncExternalStore(feed.subscribe, () => feed.state);
  const online = useBrowserOnline();
  if (!online) return 'offline';
  return storeId && !state.connected ? 'reconnecting' : 'online';
}

/** The frame of every screen: the app's name, the way around and the connection banner. */
function Layout() {
  const who = session.use();
  const navigate = useNavigate();
  const live = useLive();
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
            <Link to="/">{m.nav.queue}</Link>
            <Link to="/stock">{m.nav.stock}</Link>
            <Link to="/store">{m.nav.store}</Link>
            <button type="button" className="secondary" onClick={signOut}>
              {m.nav.signOut}
            </button>
          </nav>
        )}
      </header>
      <main className="shell">
        <Outlet />
      </main>
      <ConnectionBanner link={live} words={m.link} />
    </>
  );
}

export const rootRoute = createRootRoute({ component: Layout });

/** For a screen's `beforeLoad`: the sign-in screen first when nobody is signed in. */
export function requireSignIn({ location }: { location: { href: string } }) {
  if (!session.get()) throw redirect({ to: '/signin', search: { next: location.href } });
}
