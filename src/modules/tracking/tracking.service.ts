import type { Principal } from '../../platform/auth/principal.ts';
import type { EventBus } from '../../platform/bus/port.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import type { CatalogServices } from '../catalog/index.ts';
import type { DriversModule } from '../drivers/index.ts';
import type { LatLng } from '../eta/index.ts';
import type { EtaService } from '../eta/index.ts';
import type { OrdersService } from '../orders/index.ts';
import { orderFacts } from './order-facts.ts';
import { etaView, trackingEta } from './tracking-eta.ts';
import { trackingFollower } from './tracking-follower.ts';
import { messagesAfter, type TrackingMessage, trackingTopic } from './tracking-log.ts';
import { trackingStatus } from './tracking-socket.messages.ts';
import { type TrackingRow, trackingRepository } from './tracking.repository.ts';

/** Whether this caller may follow the order: its customer, its store, its driver, ops. */
const mayFollow = (by: Principal, row: TrackingRow) =>
  by.role === 'ops' ||
  (by.role === 'customer' && row.customer_id === by.id) ||
  (by.role === 'store' && row.store_id === by.storeId) ||
  (by.role === 'driver' && by.driverId !== undefined && row.driver_id === by.driverId);

/**
 * Follows orders and their deliveries from their events, keeps a numbered message log per order
 * (status changes, ETA changes above the threshold) so a reconnecting client can resume, and
 * announces each message on the order's live topic, where every API process serving a subscriber
 * of that order picks it up.
 */
export function trackingService(deps: {
  db: Db;
  clock: Clock;
  bus: EventBus;
  /** The inbox consumer name events are followed under. */
  consumer: string;
  eta: EtaService;
  orders: OrdersService;
  catalog: CatalogServices;
  drivers: DriversModule;
  /** The doors the order's trip stops at before its own (dispatch), in order. */
  dropoffsBefore: (orderId: string) => Promise<LatLng[]>;
  /** `dropoffsBefore` of each of these orders in one read, an entry for each. */
  dropoffsBeforeMany: (orderIds: readonly string[]) => Promise<Map<string, LatLng[]>>;
  etaThresholdS: number;
}) {
  const { db } = deps;
  const repo = trackingRepository(db);
  const etas = trackingEta(deps);
  const { follow } = trackingFollower({ ...deps, pushEta: etas.pushEta });
  const announce = (orderId: string, messages: readonly TrackingMessage[]) => {
    for (const m of messages) deps.bus.announce(trackingTopic(orderId), m);
  };

  return {
    follow,
    pushEta: etas.pushEta,
    estimate: etas.estimate,
    announce,
    /** Orders in flight that have a driver: whose moves change their ETA. */
    activeWithDriver: () => repo.activeWithDriver(50_000),

    /**
     * Every minute: estimates of orders in flight move with time and drivers; push the ones that
     * changed. The doors their trips stop at first are read for all of them at once.
     */
    async refreshEtas(limit = 5000): Promise<number> {
      const rows = await repo.activeOldestFirst(limit);
      const doors = await deps.dropoffsBeforeMany(rows.map((r) => r.order_id));
      let pushed = 0;
      for (const row of rows) {
        const out = await etas.pushEta(row.order_id, doors.get(row.order_id) ?? []);
        announce(row.order_id, out);
        pushed += out.length;
      }
      return pushed;
    },

    /** The order's tracking row if this caller may follow it. */
    async access(by: Principal, orderId: string): Promise<TrackingRow> {
      let row = await repo.find(orderId);
      if (!row) {
        // Not followed yet (no event so far): the order itself decides who may see it.
        const facts = await orderFacts(deps, orderId);
        if (facts)
          row = await db
            .transaction()
            .execute((trx) =>
              trackingRepository(trx).lockOrInsert(orderId, facts, new Date(deps.clock.now())),
            );
      }
      if (!row || !mayFollow(by, row)) throw new AppError('NOT_FOUND', `No order ${orderId}`);
      return row;
    },

    async snapshot(row: TrackingRow) {
      const eta = await etas.estimate(row);
      const pos = await etas.driverPosition(row.driver_id);
      return {
        type: 'snapshot' as const,
        order_id: row.order_id,
        status: trackingStatus(row.status),
        seq: row.seq,
        eta: row.active ? etaView(eta) : null,
        driver: row.driver_id
          ? {
              id: row.driver_id,
              position: pos
                ? { lat: pos.lat, lng: pos.lng, at: new Date(pos.at).toISOString() }
                : null,
            }
          : null,
      };
    },

    messagesAfter: (orderId: string, after: number, limit = 500) =>
      messagesAfter(db, orderId, after, limit),
  };
}

export type TrackingService = ReturnType<typeof trackingService>;
