import {
  type Generated,
  type Kysely,
  type NotNull,
  type Selectable,
  sql,
  type Updateable,
} from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { deleteSelected } from '../../platform/db/prune.ts';
import type { LogMessageColumns, StoredEntry } from '../../platform/realtime/log-table.ts';

/**
 * What tracking knows of each order it follows (migrations/0001–0002, 0005): enough to estimate
 * and to authorize subscribers without asking other modules on every message, and the moments of
 * its way the ETA learns from.
 */
export interface TrackingOrdersTable {
  order_id: string;
  store_id: string;
  customer_id: string;
  driver_id: string | null;
  vehicle: string | null;
  /** What the stream shows: combined from the two sources below (tracking-status.ts). */
  status: string;
  /** The order's status and row version as of the last order event applied. */
  order_status: string;
  order_version: number;
  /** The delivery's status and row version as of the last delivery event applied (none before). */
  delivery_status: string | null;
  delivery_version: number;
  store_lat: number;
  store_lng: number;
  dropoff_lat: number;
  dropoff_lng: number;
  default_prep_s: number;
  /** When the order was placed (from the order, when the row was made). */
  placed_at: Date | null;
  /** The store's orders not yet picked up when it was placed (from the order's promise). */
  placed_backlog: number | null;
  accepted_at: Date | null;
  ready_at: Date | null;
  picked_up_at: Date | null;
  at_dropoff_at: Date | null;
  delivered_at: Date | null;
  eta_at: Date | null;
  eta_from: Date | null;
  eta_to: Date | null;
  /** The last message number. */
  seq: Generated<number>;
  active: Generated<boolean>;
  updated_at: Generated<Date>;
}

export type MessageKind = 'status' | 'eta' | 'substitution';

/** The numbered log of each order's messages. */
export interface TrackingMessagesTable extends LogMessageColumns<MessageKind> {
  order_id: string;
}

interface Tables {
  tracking_orders: TrackingOrdersTable;
  tracking_messages: TrackingMessagesTable;
}

export type TrackingRow = Selectable<TrackingOrdersTable>;
export type TrackingChange = Updateable<TrackingOrdersTable>;

/** What a new tracking row takes from the order and its store. */
export type OrderFacts = Pick<
  TrackingRow,
  | 'store_id'
  | 'customer_id'
  | 'status'
  | 'order_status'
  | 'order_version'
  | 'store_lat'
  | 'store_lng'
  | 'dropoff_lat'
  | 'dropoff_lng'
  | 'default_prep_s'
  | 'placed_at'
  | 'placed_backlog'
>;

/** The orders tracking follows. Methods that lock a row are meant for a transaction's handle. */
export function trackingRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
  const order = (orderId: string) =>
    q.selectFrom('tracking_orders').selectAll().where('order_id', '=', orderId);
  return {
    find: (orderId: string) => order(orderId).executeTakeFirst(),

    /** The order's row, locked until the transaction ends. */
    lock: (orderId: string) => order(orderId).forUpdate().executeTakeFirst(),

    /**
     * The order's row, locked; a missing row is first inserted from `facts` (none without them).
     * Two first events racing insert once: the loser's insert does nothing and it reads the row.
     */
    async lockOrInsert(
      orderId: string,
      facts: OrderFacts | null,
      now: Date,
    ): Promise<TrackingRow | undefined> {
      const have = await order(orderId).forUpdate().executeTakeFirst();
      if (have || !facts) return have;
      await q
        .insertInto('tracking_orders')
        .values({
          order_id: orderId,
          ...facts,
          delivery_status: null,
          delivery_version: 0,
          driver_id: null,
          vehicle: null,
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
          updated_at: now,
        })
        .onConflict((oc) => oc.column('order_id').doNothing())
        .execute();
      return order(orderId).forUpdate().executeTakeFirst();
    },

    async update(orderId: string, change: TrackingChange): Promise<void> {
      await q.updateTable('tracking_orders').set(change).where('order_id', '=', orderId).execute();
    },

    /**
     * Takes the order's next message number. The row stays locked until commit, so messages are
     * numbered in commit order and every number below a committed one is committed too.
     */
    async nextSeq(orderId: string): Promise<number | undefined> {
      const row = await q
        .updateTable('tracking_orders')
        .set((eb) => ({ seq: eb('seq', '+', 1), updated_at: eb.fn<Date>('now') }))
        .where('order_id', '=', orderId)
        .returning('seq')
        .executeTakeFirst();
      return row?.seq;
    },

    /** Orders in flight that have a driver. */
    activeWithDriver: (limit: number) =>
      q
        .selectFrom('tracking_orders')
        .select(['order_id', 'driver_id'])
        .where('active', '=', true)
        .where('driver_id', 'is not', null)
        .$narrowType<{ driver_id: NotNull }>()
        .limit(limit)
        .execute(),

    /** Orders in flight, the longest unchanged first. */
    activeOldestFirst: (limit: number) =>
      q
        .selectFrom('tracking_orders')
        .select('order_id')
        .where('active', '=', true)
        .orderBy('updated_at')
        .limit(limit)
        .execute(),
  };
}

/** The numbered message log of each order. */
export function trackingMessagesRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
  return {
    async insert(m: { order_id: string; seq: number } & StoredEntry<MessageKind>): Promise<void> {
      await q.insertInto('tracking_messages').values(m).execute();
    },

    /**
     * Deletes at most `limit` messages of orders whose tracking ended before `before` (the row's
     * last change); an order still in flight keeps its whole log, however old. A reconnecting
     * client then gets the snapshot, which holds the order's last state, and no log after it.
     */
    pruneEnded(before: Date, limit: number): Promise<number> {
      return deleteSelected(
        db,
        'tracking_messages',
        q
          .selectFrom('tracking_messages as m')
          .innerJoin('tracking_orders as o', 'o.order_id', 'm.order_id')
          // Raw: the message row's address (ROW_ADDRESS, qualified for the join).
          .select(sql<string>`m.ctid`.as('ctid'))
          .where('m.at', '<', before)
          .where('o.active', '=', false)
          .where('o.updated_at', '<', before)
          .limit(limit)
          .forUpdate('m')
          .skipLocked(),
      );
    },

    /** The statuses of one substitute already in the order's log (its proposal, its answer). */
    async substitutionStatuses(orderId: string, substitutionId: string): Promise<string[]> {
      const rows = await q
        .selectFrom('tracking_messages')
        // Raw: a field of the stored message (jsonb ->>).
        .select(sql<string>`payload->>'status'`.as('status'))
        .where('order_id', '=', orderId)
        .where('kind', '=', 'substitution')
        .where(sql<string>`payload->>'substitution_id'`, '=', substitutionId)
        .execute();
      return rows.map((r) => r.status);
    },

    after: (orderId: string, after: number, limit: number) =>
      q
        .selectFrom('tracking_messages')
        .select(['seq', 'payload'])
        .where('order_id', '=', orderId)
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(limit)
        .execute(),
  };
}
