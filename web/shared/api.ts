import { createLastmileClient, type LastmileClient } from '@lastmile/client';
import { newKey } from './keys.ts';
import type { Stored, Session } from './session.ts';

/**
 * The app's client of the API on the page's own origin, signed as the session's account. A 401
 * (the token expired, the account was closed) ends the session, so the app asks to sign in again.
 */
export function apiFor(session: Stored<Session>): LastmileClient {
  const client = createLastmileClient({
    baseUrl: window.location.origin,
    token: session.get()?.token,
    idempotencyKey: newKey,
    fetch: async (request) => {
      const res = await fetch(request);
      if (res.status === 401 && request.headers.has('authorization')) session.set(null);
      return res;
    },
  });
  session.subscribe(() => client.setToken(session.get()?.token));
  return client;
}
