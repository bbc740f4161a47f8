import { useSyncExternalStore } from 'react';

const subscribe = (fn: () => void) => {
  window.addEventListener('online', fn);
  window.addEventListener('offline', fn);
  return () => {
    window.removeEventListener('online', fn);
    window.removeEventListener('offline', fn);
  };
};

/** Whether the browser believes it has a network (false is sure; true may still be a dead link). */
export const useBrowserOnline = () => useSyncExternalStore(subscribe, () => navigator.onLine);

export type Link = 'online' | 'offline' | 'reconnecting';

/**
 * A banner while the app has no connection or is getting it back. Fixed over the page's bottom
 * edge, so showing or hiding it moves nothing else.
 */
export function ConnectionBanner(p: {
  link: Link;
  words: { offline: string; reconnecting: string };
}) {
  if (p.link === 'online') return null;
  return (
    <p className="connection" role="status" data-testid="connection" data-link={p.link}>
      {p.link === 'offline' ? p.words.offline : p.words.reconnecting}
    </p>
  );
}

/**
 * The app's connection for the frame's banner: offline when the browser says so, reconnecting
 * while `down` (a screen's live connection getting back), else online.
 */
export function useLinkOf(down: Flag): Link {
  const online = useBrowserOnline();
  const isDown = down.use();
  if (!online) return 'offline';
  return isDown ? 'reconnecting' : 'online';
}

export type Flag = ReturnType<typeof flag>;

/** A yes/no that screens set and the frame reads (say, "a live connection is down"). */
export function flag() {
  let value = false;
  const listeners = new Set<() => void>();
  const f = {
    get: () => value,
    set(v: boolean) {
      if (v === value) return;
      value = v;
      listeners.forEach((fn) => fn());
    },
    subscribe(fn: () => void) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    use: () => useSyncExternalStore(f.subscribe, f.get),
  };
  return f;
}
