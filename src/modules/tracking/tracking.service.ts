import { type Kysely, sql } from 'kysely';
import type { Principal } from '../../platform/auth/principal.ts';
import type { DomainEvent } from '../../platform/bus/event.ts';
import type { EventBus } from '../../platform/bus/port.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import type { CatalogServices } from '../catalog/index.ts';
import type { DeliveryEventPayload } from '../dispatch/index.ts';
import type { DriversModule } from '../drivers/index.ts';
import { type Eta, type EtaService, type Phase, worthPushing } from '../eta/index.ts';
import type { OrderEventPayload, OrdersService } from '../orders/index.ts';

export interface TrackingRow {
  order_id: string;
  store_id: string;
  customer_id: string;
  driver_id: string | null;
  vehicle: string | null;
  status: string;
  store_lat: number;
  store_lng: number;
  dropoff_lat: number;
  dropoff_lng: number;
  default_prep_s: number;
  accepted_at: Date | null;
  ready_at: Date | null;
  eta_at: Date | null;
  eta_from: Date | null;
  eta_to: Date | null;
  seq: number;
  active: boolean;
  updated_at: Date;
}

interface Tables {
  tracking_orders: TrackingRow;
  tracking_messages: {
    order_id: string;
    seq: number;
    kind: 'status' | 'eta';
    payload: unknown;
    at: Date;
  };
}

/** A message as subscribers get it: its number and what happened. */
export interface TrackingMessage {
  seq: number;
  type: 'status' | 'eta';
  [key: string]: unknown;
}

/** Live topic of one order's tracking messages. */
export const trackingTopic = (orderId: string) => `tracking.${orderId}`;

const FINAL = new Set(['delivered', 'canceled', 'failed', 'returned']);
const phaseOf = (status: string): Phase =>
  FINAL.has(status)
    ? 'done'
    : status === 'picked_up' || status === 'at_dropoff'
      ? 'to_customer'
      : 'preparing';

export const etaView = (e: { at: number; from: number; to: number }) => ({
  at: new Date(e.at).toISOString(),
  from: new Date(e.from).toISOString(),
  to: new Date(e.to).toISOString(),
});

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
  eta: EtaService;
  orders: OrdersService;
  catalog: CatalogServices;
  drivers: DriversModule;
  etaThresholdS: number;
}) {
  const { db, clock } = deps;
  const q = (x: Db) => x as unknown as Kysely<Tables>;

  async function driverPosition(driverId: string | null) {
    if (!driverId) return null;
    return deps.drivers.positions.get(driverId).catch(() => null);
  }

  async function estimate(row: TrackingRow): Promise<Eta> {
    const pos = await driverPosition(row.driver_id);
    return deps.eta.estimate({
      phase: phaseOf(row.status),
      storeId: row.store_id,
      store: { lat: row.store_lat, lng: row.store_lng },
      dropoff: { lat: row.dropoff_lat, lng: row.dropoff_lng },
      readyAt: row.ready_at?.getTime() ?? null,
      acceptedAt: row.accepted_at?.getTime() ?? null,
      driver: pos ? { lat: pos.lat, lng: pos.lng, vehicle: row.vehicle ?? 'fleet' } : null,
      defaultPrepS: row.default_prep_s,
    });
  }

  async function append(
    trx: Db,
    orderId: string,
    kind: 'status' | 'eta',
    payload: Record<string, unknown>,
  ): Promise<TrackingMessage> {
    const r = await sql<{
      seq: number;
    }>`UPDATE tracking_orders SET seq = seq + 1, updated_at = now() WHERE order_id = ${orderId} RETURNING seq`.execute(
      trx,
    );
    const seq = r.rows[0]?.seq ?? 0;
    const message = { type: kind, ...payload };
    await q(trx)
      .insertInto('tracking_messages')
      .values({
        order_id: orderId,
        seq,
        kind,
        payload: JSON.stringify(message),
        at: new Date(clock.now()),
      })
      .execute();
    return { seq, ...message } as TrackingMessage;
  }

  /**
   * Recomputes the ETA (outside any transaction: it may read the index and learned statistics) and
   * logs it when it moved more than the threshold since the last one pushed.
   */
  async function pushEta(orderId: string): Promise<TrackingMessage[]> {
    const row = await q(db)
      .selectFrom('tracking_orders')
      .selectAll()
      .where('order_id', '=', orderId)
      .executeTakeFirst();
    if (!row?.active) return [];
    const eta = await estimate(row);
    return db.transaction().execute(async (trx) => {
      const locked = await q(trx)
        .selectFrom('tracking_orders')
        .selectAll()
        .where('order_id', '=', orderId)
        .forUpdate()
        .executeTakeFirst();
      if (
        !locked?.active ||
        !worthPushing(locked.eta_at?.getTime() ?? null, eta.at, deps.etaThresholdS)
      )
        return [];
      await q(trx)
        .updateTable('tracking_orders')
        .set({ eta_at: new Date(eta.at), eta_from: new Date(eta.from), eta_to: new Date(eta.to) })
        .where('order_id', '=', orderId)
        .execute();
      return [
        await append(trx, orderId, 'eta', {
          eta: etaView(eta),
          parts: {
            prep_s: eta.prep_s,
            to_store_s: eta.to_store_s,
            to_customer_s: eta.to_customer_s,
          },
        }),
      ];
    });
  }

  type OrderFacts = Pick<
    TrackingRow,
    | 'store_id'
    | 'customer_id'
    | 'status'
    | 'store_lat'
    | 'store_lng'
    | 'dropoff_lat'
    | 'dropoff_lng'
    | 'default_prep_s'
  >;

  /** What a new tracking row needs from orders and the catalog, read before any transaction. */
  async function orderFacts(orderId: string): Promise<OrderFacts | null> {
    const order = await deps.orders.find(orderId);
    if (!order) return null;
    const store = await deps.catalog.stores.get(order.store_id);
    return {
      store_id: order.store_id,
      customer_id: order.customer_id,
      status: order.status,
      store_lat: store.lat,
      store_lng: store.lng,
      dropoff_lat: order.delivery_lat,
      dropoff_lng: order.delivery_lng,
      default_prep_s: store.avg_prep_s,
    };
  }

  async function ensureRow(
    trx: Db,
    orderId: string,
    facts: OrderFacts | null,
  ): Promise<TrackingRow | null> {
    const have = await q(trx)
      .selectFrom('tracking_orders')
      .selectAll()
      .where('order_id', '=', orderId)
      .forUpdate()
      .executeTakeFirst();
    if (have || !facts) return have ?? null;
    await q(trx)
      .insertInto('tracking_orders')
      .values({
        order_id: orderId,
        ...facts,
        driver_id: null,
        vehicle: null,
        accepted_at: null,
        ready_at: null,
        eta_at: null,
        eta_from: null,
        eta_to: null,
        seq: 0,
        active: true,
        updated_at: new Date(clock.now()),
      })
      .onConflict((oc) => oc.column('order_id').doNothing())
      .execute();
    return (
      (await q(trx)
        .selectFrom('tracking_orders')
        .selectAll()
        .where('order_id', '=', orderId)
        .forUpdate()
        .executeTakeFirst()) ?? null
    );
  }

  /**
   * Applies one order or delivery event: the status message commits with the consumer's inbox row
   * (`claim` inserts it; a redelivery finds it and changes nothing). Everything read from other
   * modules is read before the transaction, so a handler never waits for a second connection
   * while holding one. The preparation sample and the ETA follow in their own steps.
   */
  async function follow(
    event: DomainEvent,
    claim: (trx: Db) => Promise<boolean>,
  ): Promise<TrackingMessage[]> {
    const at = new Date(event.occurredAt);
    const isDelivery = event.type.startsWith('dispatch.');
    const p = event.payload as (OrderEventPayload | DeliveryEventPayload) & {
      status: string;
      order_id: string;
      reason: string | null;
      driver_id?: string | null;
    };
    const known = await q(db)
      .selectFrom('tracking_orders')
      .select('order_id')
      .where('order_id', '=', p.order_id)
      .executeTakeFirst();
    const facts = known ? null : await orderFacts(p.order_id);
    const vehicle =
      isDelivery && p.status === 'assigned' && p.driver_id
        ? ((await deps.drivers.service.find(p.driver_id))?.vehicle ?? null)
        : null;
    // Learned from after the commit: a preparation time seen once, not per attempt.
    const prepSamples: Array<{
      storeId: string;
      acceptedAt: number;
      seconds: number;
      defaultPrepS: number;
    }> = [];

    const out = await db.transaction().execute(async (trx) => {
      if (!(await claim(trx))) return null;
      const row = await ensureRow(trx, p.order_id, facts);
      if (!row) return [];
      const set: Partial<TrackingRow> = {};
      if (isDelivery) {
        if (event.type === 'dispatch.delivery_unassigned') {
          set.driver_id = null;
          set.vehicle = null;
          set.status = row.ready_at ? 'ready' : 'accepted';
        } else {
          if (p.status === 'assigned' && p.driver_id) {
            set.driver_id = p.driver_id;
            set.vehicle = vehicle;
          }
          // The order's own events say accepted/ready; the delivery's say where the bag is.
          if (p.status !== 'pending') set.status = p.status;
        }
      } else {
        if (p.status === 'accepted') set.accepted_at = at;
        if (p.status === 'ready') {
          set.ready_at = at;
          if (row.accepted_at)
            prepSamples.push({
              storeId: row.store_id,
              acceptedAt: row.accepted_at.getTime(),
              seconds: (at.getTime() - row.accepted_at.getTime()) / 1000,
              defaultPrepS: row.default_prep_s,
            });
        }
        // A delivery step already said more than "picked up"; keep the finer status.
        if (
          !['picked_up', 'at_store', 'at_dropoff', 'assigned'].includes(row.status) ||
          FINAL.has(p.status)
        )
          set.status = p.status;
      }
      const status = set.status ?? row.status;
      const active = !FINAL.has(status);
      await q(trx)
        .updateTable('tracking_orders')
        .set({ ...set, active })
        .where('order_id', '=', row.order_id)
        .execute();
      if (status === row.status && set.driver_id === undefined) return [];
      return [
        await append(trx, row.order_id, 'status', {
          status,
          driver_id: set.driver_id !== undefined ? set.driver_id : row.driver_id,
          at: at.toISOString(),
          reason: p.reason ?? null,
        }),
      ];
    });
    if (out === null) return [];
    for (const x of prepSamples)
      await deps.eta.recordPrep(x.storeId, x.acceptedAt, x.seconds, x.defaultPrepS);
    return [...out, ...(await pushEta(p.order_id))];
  }

  return {
    follow,
    pushEta,
    /** Orders in flight that have a driver: whose moves change their ETA. */
    activeWithDriver: () =>
      q(db)
        .selectFrom('tracking_orders')
        .select(['order_id', 'driver_id'])
        .where('active', '=', true)
        .where('driver_id', 'is not', null)
        .limit(50_000)
        .execute() as Promise<Array<{ order_id: string; driver_id: string }>>,
    announce(orderId: string, messages: readonly TrackingMessage[]) {
      for (const m of messages) deps.bus.announce(trackingTopic(orderId), m);
    },

    /** Every minute: estimates of orders in flight move with time and drivers; push the ones that changed. */
    async refreshEtas(limit = 5000): Promise<number> {
      const rows = await q(db)
        .selectFrom('tracking_orders')
        .select('order_id')
        .where('active', '=', true)
        .orderBy('updated_at')
        .limit(limit)
        .execute();
      let pushed = 0;
      for (const row of rows) {
        const out = await pushEta(row.order_id);
        this.announce(row.order_id, out);
        pushed += out.length;
      }
      return pushed;
    },

    /** The order's tracking row if this caller may follow it: its customer, its store, its driver, ops. */
    async access(by: Principal, orderId: string): Promise<TrackingRow> {
      let row = await q(db)
        .selectFrom('tracking_orders')
        .selectAll()
        .where('order_id', '=', orderId)
        .executeTakeFirst();
      if (!row) {
        // Not followed yet (no event so far): the order itself decides who may see it.
        const facts = await orderFacts(orderId);
        if (facts)
          row = await db
            .transaction()
            .execute(async (trx) => (await ensureRow(trx, orderId, facts)) ?? undefined);
      }
      const ok =
        row &&
        (by.role === 'ops' ||
          (by.role === 'customer' && row.customer_id === by.id) ||
          (by.role === 'store' && row.store_id === by.storeId) ||
          (by.role === 'driver' && by.driverId !== undefined && row.driver_id === by.driverId));
      if (!row || !ok) throw new AppError('NOT_FOUND', `No order ${orderId}`);
      return row;
    },

    async snapshot(row: TrackingRow) {
      const eta = await estimate(row);
      const pos = await driverPosition(row.driver_id);
      return {
        type: 'snapshot' as const,
        order_id: row.order_id,
        status: row.status,
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

    async messagesAfter(orderId: string, after: number, limit = 500): Promise<TrackingMessage[]> {
      const rows = await q(db)
        .selectFrom('tracking_messages')
        .select(['seq', 'payload'])
        .where('order_id', '=', orderId)
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ seq: r.seq, ...(r.payload as object) }) as TrackingMessage);
    },

    estimate,
  };
}

export type TrackingService = ReturnType<typeof trackingService>;
