import { sql } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { dispatchFixture } from '../../../test/support/dispatch-fixture.ts';
import { waitFor } from '../../../test/support/platform.ts';
import { orderCarriersFor } from '../dispatch/index.ts';
import type { EtaRequest } from '../eta/index.ts';
import { trackingDeps } from './index.ts';
import { trackingService } from './tracking.service.ts';

// The minute refresh of every order in flight: the doors batched trips stop at first are read
// once for all of them, and each estimate gets its own order's.
describe('tracking ETA refresh', () => {
  const { t, db, shopFar, batchedPairAndLone } = dispatchFixture({});

  it('reads the earlier doors of all orders in flight in one read and estimates each with its own', async () => {
    const shop = await shopFar();
    // No drivers near the store: the two neighbouring doors share a trip, the far one rides alone.
    const orders = await batchedPairAndLone(shop);
    const ids = orders.map((o) => o.orderId).sort();
    const active = () =>
      sql<{ order_id: string }>`SELECT order_id FROM tracking_orders WHERE active`.execute(db());
    await waitFor(
      async () => (await active()).rows.length === orders.length,
      10_000,
      'tracking follows the three orders',
    );

    // A service of its own, so the worker's refresh never counts towards what this one asks.
    const deps = trackingDeps(t().platform.ctx);
    const dropoffsBefore = vi.fn(deps.dropoffsBefore);
    const dropoffsBeforeMany = vi.fn(deps.dropoffsBeforeMany);
    const estimate = vi.fn((r: EtaRequest) => deps.eta.estimate(r));
    const tracking = trackingService({
      ...deps,
      eta: { ...deps.eta, estimate },
      dropoffsBefore,
      dropoffsBeforeMany,
    });
    await tracking.refreshEtas();

    expect(dropoffsBeforeMany).toHaveBeenCalledTimes(1);
    expect([...(dropoffsBeforeMany.mock.calls[0]?.[0] ?? [])].sort()).toEqual(ids);
    expect(dropoffsBefore).not.toHaveBeenCalled();
    // Each order is estimated once, with the doors a read of its own would have found: the later
    // of the batched pair passes the earlier's door first.
    expect(estimate).toHaveBeenCalledTimes(orders.length);
    const carriers = orderCarriersFor(t().platform.ctx);
    const waits: number[] = [];
    for (const o of orders) {
      const calls = estimate.mock.calls.filter(
        ([r]) => r.dropoff.lat === o.dropoff.lat && r.dropoff.lng === o.dropoff.lng,
      );
      expect(calls).toHaveLength(1);
      const doors = await carriers.dropoffsBefore(o.orderId);
      expect(calls[0]?.[0].stopsBefore).toEqual(doors);
      waits.push(doors.length);
    }
    expect(waits.sort()).toEqual([0, 0, 1]);
  });
});
