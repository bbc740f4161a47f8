import { type DriverChannelMessage, type Schemas } from '@lastmile/client';
import { createApp } from '@web/app.ts';
import { driverLink } from './live/link.ts';
import { LocationQueue } from './live/location-queue.ts';
import { locationReporter } from './live/reporter.ts';
import { stepOutbox } from './live/steps.ts';
import { messages } from './messages.ts';
import { de } from './messages.de.ts';

// What every screen of the driver app shares: who is signed in, the API client, the query cache,
// the words, and the live parts that run while the driver works: the driver channel, the
// positions (queued until the API has them) and the steps waiting for an answer.

export const app = createApp({
  role: 'driver',
  messages: { en: messages, de },
  staleTime: 10_000,
});
export const { m, session, api, queryClient } = app;

/** The query keys of the driver's state, refreshed whenever the channel (re)connects. */
export const keys = {
  me: ['me'],
  offer: ['offer'],
  trip: ['trip'],
  today: ['today'],
} as const;

const refresh = (...which: ReadonlyArray<readonly string[]>) =>
  which.forEach((queryKey) => void queryClient.invalidateQueries({ queryKey }));

function onPush(msg: DriverChannelMessage): void {
  switch (msg.type) {
    case 'offer':
      queryClient.setQueryData<Schemas['Offer'] | null>(keys.offer, msg.offer);
      return;
    case 'offer_expired':
      refresh(keys.offer);
      return;
    case 'order_ready':
      refresh(keys.trip);
      return;
    case 'trip_canceled':
    case 'trip_unassigned':
      refresh(keys.offer, keys.trip, keys.me);
      return;
    default:
      return;
  }
}

export const queue = new LocationQueue(localStorage, 'lastmile.driver.points');
export const link = driverLink(api, {
  message: onPush,
  // Pushes are not replayed: whatever came while the channel was down is read again.
  open: () => {
    refresh(keys.offer, keys.trip, keys.me);
    flushPositions();
  },
});
export const flushPositions = () => void queue.flush(link.send);
export const reporter = locationReporter(queue, flushPositions);

export const steps = stepOutbox(api, {
  before: async () => {
    await reporter.now();
    await queue.flush(link.send);
  },
  answered: () => refresh(keys.trip, keys.me, keys.today),
});

session.subscribe(() => {
  if (session.get()) return;
  link.stop();
  reporter.stop();
});
