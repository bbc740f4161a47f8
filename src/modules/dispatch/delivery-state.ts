import { sourcesOf, type Transitions } from './state-machine.ts';

/** A delivery's life once dispatch has it. */
export const DELIVERY_STATUSES = [
  'pending',
  'assigned',
  'at_store',
  'picked_up',
  'at_dropoff',
  'delivered',
  'failed',
  'returned',
  'canceled',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * Every move a delivery can make. Dispatch assigns a pending delivery when a driver accepts its
 * trip, and puts it back to pending when ops takes the trip from the driver before pickup; the
 * order's cancelation ends it before pickup; the assigned driver takes the other steps. Every
 * guarded update reads its allowed sources from here.
 */
export const DELIVERY_TRANSITIONS: Transitions<DeliveryStatus> = {
  pending: ['assigned', 'canceled'],
  assigned: ['at_store', 'pending', 'canceled'],
  at_store: ['picked_up', 'pending', 'canceled'],
  // Nobody at the door, refused, or the bag was damaged: after pickup only. A return is a failed
  // handover the store takes back.
  picked_up: ['at_dropoff', 'failed', 'returned'],
  at_dropoff: ['delivered', 'failed', 'returned'],
  delivered: [],
  failed: [],
  returned: [],
  canceled: [],
};

/** The statuses a delivery may reach `to` from. */
export const deliverySources = (to: DeliveryStatus): readonly DeliveryStatus[] =>
  sourcesOf(DELIVERY_TRANSITIONS, to);

export const DELIVERY_TERMINAL: ReadonlySet<DeliveryStatus> = new Set(
  DELIVERY_STATUSES.filter((s) => DELIVERY_TRANSITIONS[s].length === 0),
);

/**
 * Each status's rank on a delivery's way (the ends share the last), carried on its events. The rank
 * goes back only when the driver is let go before pickup (to `pending`); the row's version, bumped
 * by every change, always goes up.
 */
export const DELIVERY_RANK: Readonly<Record<DeliveryStatus, number>> = {
  pending: 0,
  assigned: 1,
  at_store: 2,
  picked_up: 3,
  at_dropoff: 4,
  delivered: 5,
  failed: 5,
  returned: 5,
  canceled: 5,
};

/** Steps the assigned driver takes; pending/assigned/canceled are dispatch's. */
export const DRIVER_STEPS = [
  'at_store',
  'picked_up',
  'at_dropoff',
  'delivered',
  'failed',
  'returned',
] as const;
export type DriverStep = (typeof DRIVER_STEPS)[number];

export const stepSources = (to: DriverStep): readonly DeliveryStatus[] => deliverySources(to);

/** Before pickup a delivery can still be canceled (the order was). */
export const BEFORE_PICKUP: readonly DeliveryStatus[] = deliverySources('canceled');

/** What a delivery's history records: its statuses, and `unassigned` when ops took it back. */
export const STEP_KINDS = [...DELIVERY_STATUSES, 'unassigned'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

// What a handover needs is named with the offer's shape, by the driver channel that pushes it.
export { PROOF_POLICIES, type ProofPolicy } from '../drivers/index.ts';

/** The steps taken at a stop, checked against the driver's position (the geofence). */
export const STOP_STEPS = ['at_store', 'picked_up', 'at_dropoff', 'delivered'] as const;
export type StopStep = (typeof STOP_STEPS)[number];
