import { Link } from '@tanstack/react-router';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { unwrap } from '@lastmile/client';
import { type Link as LinkState, useBrowserOnline } from '@web/connection.tsx';
import { appShell } from '@web/shell.tsx';
import { api, app, keys, link, m, reporter, session } from './app.ts';

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

/** The way around, once signed in. */
function Nav() {
  return (
    <>
      <Link to="/">{m.nav.shift}</Link>
      <Link to="/trip">{m.nav.trip}</Link>
      <Link to="/today">{m.nav.today}</Link>
    </>
  );
}

export const { rootRoute, requireSignIn } = appShell({ app, Nav, useLink: useLive });
