import { QueryClient } from '@tanstack/react-query';
import { LastmileProblem } from '@lastmile/client';
import { apiFor } from '@web/api.ts';
import { sessionStore, storedValue } from '@web/session.ts';
import { messages } from './messages.ts';

// What every screen of the customer app shares: who is signed in, the API client, the query
// cache, where to deliver and the words.

export const m = messages;
export const session = sessionStore('customer');
export const api = apiFor(session);

/** A delivery point: a spot's name (or an address line) and its coordinates. */
export interface Place {
  label: string;
  lat: number;
  lng: number;
}
const isPlace = (v: unknown): v is Place =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Place).label === 'string' &&
  Number.isFinite((v as Place).lat) &&
  Number.isFinite((v as Place).lng);
export const place = storedValue<Place>('lastmile.customer.place', isPlace);

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      // A problem the API answered (404, 403…) will answer the same again.
      retry: (failures, err) => !(err instanceof LastmileProblem) && failures < 2,
    },
  },
});
session.subscribe(() => {
  if (!session.get()) queryClient.clear();
});
