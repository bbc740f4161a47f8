import type { OfferStatus } from '../drivers/index.ts';
import { sourcesOf, type Transitions } from './state-machine.ts';

/** A trip: one pickup and its deliveries, looking for a driver until one takes it. */
export const TRIP_STATUSES = [
  'scheduled',
  'searching',
  'offered',
  'assigned',
  'done',
  'canceled',
] as const;
export type TripStatus = (typeof TRIP_STATUSES)[number];

/**
 * Every move a trip can make. A scheduled trip waits for its dispatch time, then searches (a
 * widened radius or an escalation searches again); it is offered to one driver at a time and goes
 * back to searching when the offer is declined or expires, or when ops takes it from its driver
 * before pickup; it is done once every delivery ended, canceled once none is left to deliver.
 */
export const TRIP_TRANSITIONS: Transitions<TripStatus> = {
  scheduled: ['searching', 'offered', 'canceled'],
  searching: ['offered', 'canceled'],
  offered: ['assigned', 'searching', 'canceled'],
  assigned: ['done', 'searching', 'canceled'],
  done: [],
  canceled: [],
};

export const tripSources = (to: TripStatus): readonly TripStatus[] =>
  sourcesOf(TRIP_TRANSITIONS, to);

/** Trips still looking for a driver: a dispatcher may offer them. */
export const OPEN_TRIP: readonly TripStatus[] = tripSources('offered');

// An offer's statuses are named with its shape, by the driver channel that pushes it.
export { OFFER_STATUSES, type OfferStatus } from '../drivers/index.ts';

/** An offer is answered once: accepted or declined by its driver, expired, or withdrawn by ops. */
export const OFFER_TRANSITIONS: Transitions<OfferStatus> = {
  open: ['accepted', 'declined', 'expired', 'withdrawn'],
  accepted: [],
  declined: [],
  expired: [],
  withdrawn: [],
};
