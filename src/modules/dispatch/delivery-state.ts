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

export const DELIVERY_TERMINAL: ReadonlySet<DeliveryStatus> = new Set([
  'delivered',
  'failed',
  'returned',
  'canceled',
]);

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

const FROM: Record<DriverStep, readonly DeliveryStatus[]> = {
  at_store: ['assigned'],
  picked_up: ['at_store'],
  at_dropoff: ['picked_up'],
  delivered: ['at_dropoff'],
  // Nobody at the door, refused, or the bag was damaged: after pickup only.
  failed: ['picked_up', 'at_dropoff'],
  // The bag went back to the store (a failed handover the store takes back).
  returned: ['picked_up', 'at_dropoff'],
};

export const stepSources = (to: DriverStep): readonly DeliveryStatus[] => FROM[to];

/** Before pickup a delivery can still be canceled (the order was) or given to another driver. */
export const BEFORE_PICKUP: readonly DeliveryStatus[] = ['pending', 'assigned', 'at_store'];
