import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { openShop, paidOrderAt, type Shop } from '../../../test/support/shop.ts';
import { lifecycleEvents } from '../../../test/support/tracking-lifecycles.ts';
import { type FollowedEvent, trackingFor } from '../tracking/index.ts';
import { distanceM } from './eta-math.ts';
import { backlogKey, FLEET, zoneOf } from './eta-model.ts';
import { etaFor } from './index.ts';

let t: TestPlatform;
let customer: string;
let shop: Shop;
beforeAll(async () => {
  t = await startTestPlatform();
  customer = await t.tokenFor('customer');
  shop = await openShop(t, { stock: [10], lat: 47.6, lng: 9.6 });
});
afterAll(async () => {
  await t?.stop();
});

/** When each step of the order's way happened, in seconds after it was placed. */
const AFTER_S: Record<string, number> = {
  'orders.order_accepted': 20,
  'dispatch.delivery_assigned': 30,
  'orders.order_preparing': 40,
  'orders.order_ready': 140,
  'dispatch.delivery_at_store': 150,
  'dispatch.delivery_picked_up': 170,
  'orders.order_picked_up': 172,
  'dispatch.delivery_at_dropoff': 600,
  'dispatch.delivery_delivered': 660,
  'orders.order_delivered': 662,
};

describe('learning from delivered orders', () => {
  it('a delivered order teaches each part of its way once, even when its events come again', async () => {
    const { body } = await paidOrderAt(t, shop, { token: customer, north: 0.015 });
    // The checkout promised a point inside its window.
    const promise = body.promise as { from: string; to: string; at: string };
    expect(Date.parse(promise.at)).toBeGreaterThan(Date.parse(promise.from));
    expect(Date.parse(promise.at)).toBeLessThan(Date.parse(promise.to));
    const placedAt = Date.parse(body.placed_at as string);
    // The point is what its parts add up to (each rounded to the second), the error's correction
    // included; nothing learned yet, the preparation is the store's configured 300 s.
    const parts = (body.promise as { parts: Record<string, number> }).parts;
    const sum = Object.values(parts).reduce((a, b) => a + b, 0);
    expect(Math.abs(placedAt + sum * 1000 - Date.parse(promise.at))).toBeLessThan(5_000);
    expect(parts.prep_s).toBe(300);
    const ids = {
      orderId: body.id as string,
      storeId: shop.storeId,
      customerId: body.customer_id as string,
      deliveryId: uuidv7(),
      tripId: uuidv7(),
      drivers: [uuidv7(), uuidv7()] as const,
    };
    const events = lifecycleEvents(ids, 'delivered').map((e): FollowedEvent => ({
      ...e,
      occurredAt: new Date(placedAt + (AFTER_S[e.type] ?? 0) * 1000).toISOString(),
    }));
    const tracking = trackingFor(t.platform.ctx);
    for (const e of events) await tracking.follow(e, { attempt: 1 });
    // The bus delivers the last steps again: the inbox has them, nothing is learned twice.
    for (const e of events.slice(-3)) await tracking.follow(e, { attempt: 2 });

    const eta = etaFor(t.platform.ctx);
    const byKind = async (key: string) => {
      const rows = await eta.learnedFor(key);
      // Each part under the key for every hour and for its hour, one sample in each.
      for (const r of rows) expect(r.samples, `${key} ${r.kind} ${r.hour}`).toBe(1);
      return new Map(rows.filter((r) => r.hour === -1).map((r) => [r.kind, r.mean]));
    };
    const store = await byKind(shop.storeId);
    // Not the error: the model that promised it was cold (nothing learned), and a cold model's
    // miss says nothing of a learned one's.
    expect([...store.keys()].sort()).toEqual(['accept', 'pickup_lag', 'prep']);
    expect(store.get('accept')).toBeCloseTo(20, 1);
    expect(store.get('prep')).toBeCloseTo(120, 1);
    expect(store.get('pickup_lag')).toBeCloseTo(30, 1);
    const door = body.delivery as { lat: number; lng: number };
    const zone = await byKind(zoneOf(door));
    expect([...zone.keys()].sort()).toEqual(['handover', 'ride']);
    expect(zone.get('ride')).toBeCloseTo(distanceM(shop.at, door) / 430, 2);
    expect(zone.get('handover')).toBeCloseTo(60, 1);
    // The store's queue as the order joined it (empty) is kept with the order and learned by.
    const queued = await byKind(backlogKey(shop.storeId, 0));
    expect([...queued.keys()].sort()).toEqual(['accept', 'pickup_lag', 'prep']);
    expect(queued.get('pickup_lag')).toBeCloseTo(30, 1);
    const fleet = await byKind(FLEET);
    expect([...fleet.keys()].sort()).toEqual(['accept', 'handover', 'pickup_lag', 'ride']);
  });
});
