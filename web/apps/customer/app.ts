import { createApp } from '@web/app.ts';
import { flag } from '@web/connection.tsx';
import { storedValue } from '@web/session.ts';
import { messages } from './messages.ts';
import { de } from './messages.de.ts';

// What every screen of the customer app shares: who is signed in, the API client, the query
// cache, where to deliver and the words.

export const app = createApp({
  role: 'customer',
  messages: { en: messages, de },
  staleTime: 15_000,
});
export const { m, session, api, queryClient } = app;
/** Whether the open order screen's live connection is down. */
export const orderLinkDown = flag();

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
