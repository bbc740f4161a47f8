import { useSyncExternalStore } from 'react';
import type { Schemas } from '@lastmile/client';

/** Who is signed in on this app: the bearer token and the account it belongs to. */
export interface Session {
  token: string;
  user: Schemas['Session']['user'];
}

/** A small store kept in localStorage under `key`, shared by every tab of the app. */
export function storedValue<T>(key: string, valid: (v: unknown) => v is T) {
  const listeners = new Set<() => void>();
  const read = (): T | null => {
    try {
      const v: unknown = JSON.parse(localStorage.getItem(key) ?? 'null');
      return valid(v) ? v : null;
    } catch {
      return null;
    }
  };
  let current = read();
  const notify = () => listeners.forEach((fn) => fn());
  window.addEventListener('storage', (e) => {
    if (e.key !== key) return;
    current = read();
    notify();
  });
  const store = {
    get: () => current,
    set(value: T | null) {
      current = value;
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(value));
      notify();
    },
    subscribe(fn: () => void) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    use: () => useSyncExternalStore(store.subscribe, store.get),
  };
  return store;
}

export type Stored<T> = ReturnType<typeof storedValue<T>>;

const isSession = (v: unknown): v is Session =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Session).token === 'string' &&
  typeof (v as Session).user?.id === 'string';

/** The session of one app (`customer`, `driver`, …): each app signs in on its own. */
export const sessionStore = (app: string) =>
  storedValue<Session>(`lastmile.${app}.session`, isSession);
