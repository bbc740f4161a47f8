import type { Generated, Kysely, Selectable } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { deleteSelected, ROW_ADDRESS } from '../../platform/db/prune.ts';
import type { LogMessageColumns, StoredEntry } from '../../platform/realtime/log-table.ts';
import { BEFORE_PICKUP } from '../orders/index.ts';

/** The tables of the store stream module (migrations/0001). */
interface StoreStreamsTable {
  store_id: string;
  seq: number;
}

export interface StoreStreamOrdersTable {
  order_id: string;
  store_id: string;
  status: string;
  version: number;
  shown: boolean;
  total_minor: number;
  currency: string;
  status_at: Date;
  accept_by: Date | null;
  waiting: Generated<boolean>;
  updated_at: Generated<Date>;
}

interface StoreStreamMessagesTable extends LogMessageColumns {
  store_id: string;
  order_id: string;
}

interface Tables {
  store_streams: StoreStreamsTable;
  store_stream_orders: StoreStreamOrdersTable;
  store_stream_messages: StoreStreamMessagesTable;
}

export type StreamOrderRow = Selectable<StoreStreamOrdersTable>;
export type StreamOrderWrite = Omit<StoreStreamOrdersTable, 'waiting' | 'updated_at'>;

/** What the stream knows of each order; locking methods are meant for a transaction. */
export function streamOrdersRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
  return {
    findOrder: (orderId: string) =>
      q
        .selectFrom('store_stream_orders')
        .select(['version', 'shown'])
        .where('order_id', '=', orderId)
        .executeTakeFirst(),

    /**
     * The order's row, locked until the transaction ends, in one statement: a missing row is
     * inserted as `blank` (version 0, not shown), an existing one is "updated" to itself, which
     * takes its row lock and returns it as it was. So two first events of one order queue on one
     * row.
     */
    lockOrder: (blank: StreamOrderWrite): Promise<StreamOrderRow> =>
      q
        .insertInto('store_stream_orders')
        .values(blank)
        .onConflict((oc) =>
          oc.column('order_id').doUpdateSet((eb) => ({
            order_id: eb.ref('store_stream_orders.order_id'),
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow(),

    async writeOrder(row: StreamOrderWrite, now: Date): Promise<void> {
      await q
        .insertInto('store_stream_orders')
        .values({ ...row, updated_at: now })
        .onConflict((oc) =>
          oc.column('order_id').doUpdateSet({
            status: row.status,
            version: row.version,
            shown: row.shown,
            total_minor: row.total_minor,
            status_at: row.status_at,
            accept_by: row.accept_by,
            updated_at: now,
          }),
        )
        .execute();
    },

    /** The orders the store still has to act on, oldest first. */
    openOrders: (storeId: string) =>
      q
        .selectFrom('store_stream_orders')
        .selectAll()
        .where('store_id', '=', storeId)
        .where('shown', '=', true)
        .where('status', 'in', BEFORE_PICKUP)
        .orderBy('status_at')
        .orderBy('order_id')
        .execute(),

    /** Paid orders still unanswered at `by`, not flagged yet; claimed (another pass skips them). */
    claimUnanswered: (by: Date, limit: number) =>
      q
        .selectFrom('store_stream_orders')
        .selectAll()
        .where('shown', '=', true)
        .where('status', '=', 'authorized')
        .where('waiting', '=', false)
        .where('accept_by', '<=', by)
        .orderBy('accept_by')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute(),

    async markWaiting(orderId: string): Promise<void> {
      await q
        .updateTable('store_stream_orders')
        .set({ waiting: true })
        .where('order_id', '=', orderId)
        .execute();
    },
  };
}

/** The numbered log of each store. */
export function storeLogRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
  return {
    /**
     * Appends a message under the store's next number, in one statement. The store's row stays
     * locked until commit, so messages are numbered in commit order and every number below a
     * committed one is committed too.
     */
    async append(m: { store_id: string; order_id: string } & StoredEntry): Promise<number> {
      const row = await q
        .with('next', (w) =>
          w
            .insertInto('store_streams')
            .values({ store_id: m.store_id, seq: 1 })
            .onConflict((oc) =>
              oc.column('store_id').doUpdateSet((eb) => ({ seq: eb('store_streams.seq', '+', 1) })),
            )
            .returning('seq'),
        )
        .insertInto('store_stream_messages')
        .values((eb) => ({
          store_id: m.store_id,
          seq: eb.selectFrom('next').select('next.seq'),
          order_id: m.order_id,
          kind: m.kind,
          payload: m.payload,
          at: m.at,
        }))
        .returning('seq')
        .executeTakeFirstOrThrow();
      return row.seq;
    },

    /** The store's last message number (0 before its first). */
    async lastSeq(storeId: string): Promise<number> {
      const row = await q
        .selectFrom('store_streams')
        .select('seq')
        .where('store_id', '=', storeId)
        .executeTakeFirst();
      return row?.seq ?? 0;
    },

    /** The oldest message number the store's log still holds (null when it holds none). */
    async firstKept(storeId: string): Promise<number | null> {
      const row = await q
        .selectFrom('store_stream_messages')
        .select((eb) => eb.fn.min('seq').as('seq'))
        .where('store_id', '=', storeId)
        .executeTakeFirst();
      return row?.seq ?? null;
    },

    after: (storeId: string, after: number, limit: number) =>
      q
        .selectFrom('store_stream_messages')
        .select(['seq', 'payload'])
        .where('store_id', '=', storeId)
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(limit)
        .execute(),
  };
}

/** The retention of the stream's tables (see index.ts). */
export function storeStreamPrunes(db: Db) {
  const q = db as unknown as Kysely<Tables>;
  return {
    /** Deletes at most `limit` messages written before `before`. */
    pruneMessages: (before: Date, limit: number) =>
      deleteSelected(
        db,
        'store_stream_messages',
        q
          .selectFrom('store_stream_messages')
          .select(ROW_ADDRESS)
          .where('at', '<', before)
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      ),

    /** Deletes at most `limit` rows of orders that ended (or never were shown) before `before`. */
    pruneOrders: (before: Date, limit: number) =>
      deleteSelected(
        db,
        'store_stream_orders',
        q
          .selectFrom('store_stream_orders')
          .select(ROW_ADDRESS)
          .where('updated_at', '<', before)
          .where((eb) => eb.or([eb('shown', '=', false), eb('status', 'not in', BEFORE_PICKUP)]))
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      ),
  };
}
