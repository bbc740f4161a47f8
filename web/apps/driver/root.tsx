import { createRootRoute, Link, Outlet, redirect, useNavigate } from '@tanstack/react-router';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { unwrap } from '@lastmile/client';
import { ConnectionBanner, type Link as LinkState, useBrowserOnline } from '@web/connection.tsx';
import { api, keys, link, m, reporter, session } from './app.ts';

/** `GET /v1/drivers/me`: the driver's profile and shift status. */
export const meQuery = {
  queryKey: keys.me,
  queryFn: () => unwrap(api.GET('/v1/drivers/me')),
};

/** The channel and the positions run while the driver is on shift (online, on a break, on a job). */
function useLive(): LinkState {
  const who = session.use();
  const me = useQuery({ ...meQuery, enabled: who !== null });
  const working = who !== null && me.data !== undefined && me.data.status !== 'offline';
  useEffect(() => {
    if (!working) return;
    link.start();
    reporter.start();
    return () => {
      link.stop();
      reporter.stop();
    };
  }, [working]);
  const channel = useSyncExternalStore(link.subscribe, () => link.state);
  const online = useBrowserOnline();
  if (!online) return 'offline';
  return channel === 'connecting' ? 'reconnecting' : 'online';
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
            <Link to="/">{m.nav.shift}</Link>
            <Link to="/trip">{m.nav.trip}</Link>
            <Link to="/today">{m.nav.today}</Link>
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
