import { Link } from '@tanstack/react-router';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { type Link as LinkState, useBrowserOnline } from '@web/connection.tsx';
import { appShell } from '@web/shell.tsx';
import { app, feed, m, meQuery, session } from './app.ts';

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

/** The way around, once signed in. */
function Nav() {
  return (
    <>
      <Link to="/">{m.nav.queue}</Link>
      <Link to="/stock">{m.nav.stock}</Link>
      <Link to="/store">{m.nav.store}</Link>
    </>
  );
}

export const { rootRoute, requireSignIn } = appShell({ app, Nav, useLink: useLive });
