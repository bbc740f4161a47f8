/**
 * The one status a tracked order shows, combined from two state machines that move in different
 * modules' transactions: the order's (the store's steps) and its delivery's (the driver's steps).
 * Each source's last applied state is kept with its row version, so the combined status is a
 * function of committed states, never of the order in which their events were handled.
 *
 * Ranks order the combined statuses: a delivery step says more than the order's own status of the
 * same moment (a driver at the store outranks "ready"), and the ends rank above everything, with
 * `returned` refining the order's `failed`. The statuses of an unsettled payment share the lowest
 * rank: a declined order (payment_failed) and a retry in flight (authorizing) are where the order
 * starts when it is followed then, and paying or failing moves it on.
 */
const RANK = {
  placed: 0,
  payment_failed: 0,
  authorizing: 0,
  authorized: 1,
  accepted: 2,
  preparing: 3,
  ready: 4,
  assigned: 5,
  at_store: 6,
  picked_up: 7,
  at_dropoff: 8,
  delivered: 9,
  canceled: 9,
  failed: 9,
  returned: 10,
} as const satisfies Record<string, number>;

/** A status the stream shows. */
export type TrackingStatus = keyof typeof RANK;

export const FINAL: ReadonlySet<string> = new Set(['delivered', 'canceled', 'failed', 'returned']);

/** A status's rank on the stream (-1 for one the stream never shows). */
export const rankOf = (status: string): number => (RANK as Record<string, number>)[status] ?? -1;

/** Delivery statuses shown on the stream: `pending` says nothing, `canceled` follows the order's. */
const SHOWN: ReadonlySet<string> = new Set([
  'assigned',
  'at_store',
  'picked_up',
  'at_dropoff',
  'delivered',
  'failed',
  'returned',
]);

/** The status the stream shows for the order's and the delivery's last applied states. */
export function combinedStatus(order: string, delivery: string | null): string {
  if (order === 'canceled' || order === 'delivered') return order;
  const step = delivery !== null && SHOWN.has(delivery) ? delivery : null;
  if (order === 'failed') return step === 'failed' || step === 'returned' ? step : 'failed';
  if (step !== null && rankOf(step) > rankOf(order)) return step;
  // Dispatch makes a delivery for an accepted order only: its acceptance may just not be applied yet.
  return delivery !== null && rankOf(order) < rankOf('accepted') ? 'accepted' : order;
}

/**
 * Whether the stream may move from `from` to `to`: only forward in rank, except when the driver
 * was let go before pickup (the delivery went back to `pending`), which takes the order back to
 * the store's status of the moment.
 */
export function mayMove(from: string, to: string, driverLetGo: boolean): boolean {
  if (rankOf(to) > rankOf(from)) return true;
  return (
    driverLetGo &&
    (from === 'assigned' || from === 'at_store') &&
    rankOf(to) >= rankOf('accepted') &&
    rankOf(to) < rankOf(from)
  );
}

/** Every status the stream shows, lowest rank first (statuses of one rank in the table's order). */
export const STREAM_STATUSES = (Object.keys(RANK) as TrackingStatus[]).sort(
  (a, b) => rankOf(a) - rankOf(b),
) as readonly TrackingStatus[];

/**
 * The ranks as one line for the API document, written from the table: statuses of one rank
 * grouped, lowest first (`placed → authorized → … → delivered | canceled | failed → returned`).
 */
export function rankDoc(): string {
  const byRank = new Map<number, string[]>();
  for (const s of STREAM_STATUSES) byRank.set(rankOf(s), [...(byRank.get(rankOf(s)) ?? []), s]);
  return [...byRank.values()].map((group) => group.join(' | ')).join(' → ');
}
