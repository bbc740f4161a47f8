import { uuidv7 } from 'uuidv7';
import { describe, expect, it } from 'vitest';
import {
  ENDINGS,
  type Ending,
  FINAL_STATUS,
  firstIllegalMove,
  type LifecycleIds,
  lifecycleEvents,
  seeded,
  shuffledWithRepeats,
} from '../../../test/support/tracking-lifecycles.ts';
import type { TrackingRow } from './tracking.repository.ts';
import { type FollowedEvent, transition } from './tracking-state.ts';
import { combinedStatus, mayMove } from './tracking-status.ts';

const newIds = (): LifecycleIds => ({
  orderId: uuidv7(),
  storeId: uuidv7(),
  customerId: uuidv7(),
  deliveryId: uuidv7(),
  tripId: uuidv7(),
  drivers: [uuidv7(), uuidv7()],
});

/** A row as the first event finds it: made from the order read when it was authorized. */
const freshRow = (ids: LifecycleIds): TrackingRow => ({
  order_id: ids.orderId,
  store_id: ids.storeId,
  customer_id: ids.customerId,
  driver_id: null,
  vehicle: null,
  status: 'authorized',
  order_status: 'authorized',
  order_version: 2,
  delivery_status: null,
  delivery_version: 0,
  store_lat: 48,
  store_lng: 11,
  dropoff_lat: 48.01,
  dropoff_lng: 11,
  default_prep_s: 300,
  placed_at: new Date(Date.now() - 60_000),
  placed_backlog: null,
  accepted_at: null,
  ready_at: null,
  picked_up_at: null,
  at_dropoff_at: null,
  delivered_at: null,
  eta_at: null,
  eta_from: null,
  eta_to: null,
  seq: 0,
  active: true,
  updated_at: new Date(),
});

/** Applies the events one after another as the follower does (a repeated id is in the inbox). */
function follow(row: TrackingRow, events: readonly FollowedEvent[]) {
  const seen = new Set<string>();
  const statuses: string[] = [];
  const learned: string[] = [];
  for (const e of events) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    const t = transition(row, e, 'bike');
    row = { ...row, ...t.change } as TrackingRow;
    if (t.message) statuses.push(t.message.status);
    learned.push(...(t.sample?.parts ?? []));
  }
  return { row, statuses, learned: learned.sort() };
}

/** The parts of the way each ending teaches the ETA (sorted). */
const PARTS_LEARNED: Record<Ending, string[]> = {
  delivered: ['accept', 'delivery', 'handover', 'pickup_lag', 'prep', 'ride'],
  reassigned: ['accept', 'delivery', 'handover', 'pickup_lag', 'prep', 'ride'],
  returned: ['accept', 'pickup_lag', 'prep', 'ride'],
  canceled: ['accept'],
};

describe('tracking status order', () => {
  it('200 lifecycles in shuffled event orders: every stream follows the state machine and ends where the states did', () => {
    const rnd = seeded(19);
    for (let n = 0; n < 200; n++) {
      const ending = ENDINGS[n % ENDINGS.length] as Ending;
      const ids = newIds();
      const events = lifecycleEvents(ids, ending);
      const inOrder = follow(freshRow(ids), events);
      const shuffled = follow(freshRow(ids), shuffledWithRepeats(events, rnd));
      for (const run of [inOrder, shuffled]) {
        expect(firstIllegalMove(['authorized', ...run.statuses])).toBeNull();
        expect(run.statuses.at(-1)).toBe(FINAL_STATUS[ending]);
        expect(run.row.status).toBe(FINAL_STATUS[ending]);
        expect(run.row.active).toBe(false);
        // Each part of the way is learned once, when the later of its two moments comes.
        expect(run.learned).toEqual(PARTS_LEARNED[ending]);
      }
      expect(shuffled.row.driver_id).toBe(inOrder.row.driver_id);
      expect(shuffled.row.order_version).toBe(inOrder.row.order_version);
      expect(shuffled.row.delivery_version).toBe(inOrder.row.delivery_version);
    }
  });

  it('drops what the issue saw: a late at_store, assigned or ready never follows picked_up', () => {
    const ids = newIds();
    const byType = new Map(
      lifecycleEvents(ids, 'delivered').map((e) => [
        `${e.type.split('.')[0]}:${(e.payload as { status: string }).status}`,
        e,
      ]),
    );
    const pick = (...keys: string[]) => keys.map((k) => byType.get(k) as FollowedEvent);
    const { statuses, row } = follow(
      freshRow(ids),
      pick(
        'orders:accepted',
        'dispatch:picked_up',
        'dispatch:at_store',
        'dispatch:assigned',
        'orders:ready',
        'dispatch:delivered',
        'dispatch:at_dropoff',
        'orders:delivered',
      ),
    );
    expect(statuses).toEqual(['accepted', 'picked_up', 'delivered']);
    expect(row.driver_id).toBe(ids.drivers[0]);
    expect(row.vehicle).toBe('bike');
  });

  it('shows a declined order (payment_failed) until it is paid and accepted, or fails', () => {
    expect(combinedStatus('payment_failed', null)).toBe('payment_failed');
    expect(mayMove('payment_failed', 'failed', false)).toBe(true);
    expect(mayMove('authorizing', 'accepted', false)).toBe(true);
    expect(mayMove('accepted', 'payment_failed', false)).toBe(false);
    // Followed while the card was declined; paid with another card and delivered since.
    const ids = newIds();
    const declined = { ...freshRow(ids), status: 'payment_failed', order_status: 'payment_failed' };
    const { statuses, row } = follow(declined, lifecycleEvents(ids, 'delivered'));
    expect(firstIllegalMove(statuses)).toBeNull();
    expect(statuses[0]).toBe('accepted');
    expect(row.status).toBe('delivered');
  });

  it('a driver let go before pickup takes the stream back to the store status, and on from there', () => {
    const ids = newIds();
    const { statuses } = follow(freshRow(ids), lifecycleEvents(ids, 'reassigned'));
    expect(statuses).toEqual([
      'accepted',
      'assigned',
      'at_store',
      'ready',
      'assigned',
      'at_store',
      'picked_up',
      'at_dropoff',
      'delivered',
    ]);
  });
});
