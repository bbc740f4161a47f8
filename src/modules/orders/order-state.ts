/** The order's life: only these transitions exist. */
export const ORDER_STATUSES = [
  'placed',
  'payment_failed',
  'authorizing',
  'authorized',
  'accepted',
  'preparing',
  'ready',
  'picked_up',
  'delivered',
  'canceled',
  'failed',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * Each status's rank in the order's life (the ends share the last), carried on its events: every
 * transition goes up in rank, and the row's version with it. The statuses of an unsettled payment
 * (placed, payment_failed after a decline, authorizing a retry) share rank 0: a retry moves back
 * and forth between them, and only the version orders those moves.
 */
export const ORDER_RANK: Readonly<Record<OrderStatus, number>> = {
  placed: 0,
  payment_failed: 0,
  authorizing: 0,
  authorized: 1,
  accepted: 2,
  preparing: 3,
  ready: 4,
  picked_up: 5,
  delivered: 6,
  canceled: 6,
  failed: 6,
};

/** The statuses an order reaches once paid, or ends in (rank above the unsettled payment's). */
export type PastPaymentStatus = Exclude<OrderStatus, 'placed' | 'payment_failed' | 'authorizing'>;
export const PAST_PAYMENT_STATUSES = ORDER_STATUSES.filter(
  (s): s is PastPaymentStatus => ORDER_RANK[s] > 0,
);

export const TERMINAL: ReadonlySet<OrderStatus> = new Set(['delivered', 'canceled', 'failed']);

/** The statuses of an open order: paid and not yet ended (delivered, canceled or failed). */
export type OpenStatus = Exclude<PastPaymentStatus, 'delivered' | 'canceled' | 'failed'>;
/** Paid and not yet ended: the orders ops watch (the live map, lateness, deadline extensions). */
export const OPEN_STATUSES = PAST_PAYMENT_STATUSES.filter((s): s is OpenStatus => !TERMINAL.has(s));
/** Open and not yet picked up: what its store still has to act on (a backlog, a zone's demand). */
export const BEFORE_PICKUP = OPEN_STATUSES.filter(
  (s): s is Exclude<OpenStatus, 'picked_up'> => ORDER_RANK[s] < ORDER_RANK.picked_up,
);

const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  // A decline keeps the order (and its stock) for a retry with another card.
  placed: ['authorized', 'payment_failed', 'failed', 'canceled'],
  // A retry (authorizing), the grace over (failed), or the customer gives up (canceled).
  payment_failed: ['authorizing', 'authorized', 'failed', 'canceled'],
  // A retry's answer: paid, or declined again.
  authorizing: ['authorized', 'payment_failed', 'failed', 'canceled'],
  authorized: ['accepted', 'canceled'],
  accepted: ['preparing', 'ready', 'canceled'],
  preparing: ['ready', 'canceled'],
  ready: ['picked_up', 'canceled'],
  picked_up: ['delivered', 'failed'],
  delivered: [],
  canceled: [],
  failed: [],
};

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean =>
  NEXT[from].includes(to);

/** Statuses from which `to` may be reached: the guard of the conditional UPDATE. */
export const sourcesOf = (to: OrderStatus): OrderStatus[] =>
  ORDER_STATUSES.filter((s) => canTransition(s, to));

/** A customer may cancel until a driver has the bag. */
export const CUSTOMER_CANCELLABLE: readonly OrderStatus[] = [
  'placed',
  'payment_failed',
  'authorizing',
  'authorized',
  'accepted',
  'preparing',
  'ready',
];

/**
 * Whether `POST /v1/orders/{id}/cancel` may cancel an order in this status: its customer until a
 * driver has the bag, and ops wherever the order can still become canceled (the same statuses).
 */
export const canCancel = (status: OrderStatus): boolean =>
  CUSTOMER_CANCELLABLE.includes(status) && canTransition(status, 'canceled');

/**
 * How long an order may stay in a status before the deadline sweep ends it (seconds). A placed
 * order is handed to the authorize workflow after a few seconds, and so is an authorizing one; the
 * limit is the hard stop for when even that cannot finish (the failed order's compensation voids
 * whatever the provider holds). A payment_failed order ends at its own `payment_due_at` (the
 * payment retry grace, LASTMILE_PAYMENT_RETRY_GRACE_S), which a retry does not move.
 */
export const PHASE_DEADLINES_S: Partial<Record<OrderStatus, number>> = {
  placed: 600,
  authorizing: 600,
  authorized: 300,
  accepted: 90 * 60,
  preparing: 90 * 60,
  ready: 60 * 60,
  picked_up: 120 * 60,
};
