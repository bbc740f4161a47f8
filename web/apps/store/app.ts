import { unwrap } from '@lastmile/client';
import { createApp } from '@web/app.ts';
import { beep, notify } from './live/alert.ts';
import { orderFeed } from './live/feed.ts';
import { messages } from './messages.ts';
import { de } from './messages.de.ts';

// What every screen of the store app shares: who is signed in, the API client, the query cache,
// the words, and the store's live order feed (running while someone is signed in).

export const app = createApp({
  role: 'store',
  messages: { en: messages, de },
  staleTime: 10_000,
});
export const { m, session, api, queryClient } = app;

export const keys = {
  me: ['me'],
  store: ['store'],
  order: (id: string) => ['order', id] as const,
  substitutions: (id: string) => ['order', id, 'substitutions'] as const,
  products: ['products'],
  staff: ['staff'],
} as const;

/** `GET /v1/me`: the staff account, with the store it works at. */
export const meQuery = {
  queryKey: keys.me,
  queryFn: () => unwrap(api.GET('/v1/me')),
};

/** The store the signed-in account works at (null until known, or for an account without one). */
export async function storeIdOf(): Promise<string> {
  const me = await queryClient.ensureQueryData(meQuery);
  const id = 'store_id' in me ? me.store_id : null;
  if (!id) throw new Error('This account works at no store');
  return id;
}

export const feed = orderFeed(api, {
  // An order moved: its screen reads it again.
  moved: (orderId) => void queryClient.invalidateQueries({ queryKey: keys.order(orderId) }),
  // A new paid order: a beep, and a notification when allowed.
  arrived: (order) => {
    beep();
    notify(m.queue.newOrder, m.queue.newOrderBody(order.order_id), order.order_id);
  },
});

session.subscribe(() => {
  if (session.get()) return;
  feed.stop();
});
