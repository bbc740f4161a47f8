import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import {
  type OrderSubstitutionsTable,
  ordersDb,
  type SubstitutionStatus,
} from './orders-tables.ts';

export type SubstitutionRow = Selectable<OrderSubstitutionsTable>;
export type NewSubstitution = Insertable<OrderSubstitutionsTable>;

/** Every statement on substitutions; locking methods are meant for a transaction's handle. */
export function substitutionsRepository(db: Db) {
  const q = ordersDb(db);
  return {
    /** The order's row, locked: proposals and answers queue behind its moves (ready, cancel). */
    lockOrder: (orderId: string) =>
      q.selectFrom('orders').selectAll().where('id', '=', orderId).forUpdate().executeTakeFirst(),

    async insert(row: NewSubstitution): Promise<SubstitutionRow> {
      return q
        .insertInto('order_substitutions')
        .values(row)
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** The order's proposals, oldest first. */
    list: (orderId: string) =>
      q
        .selectFrom('order_substitutions')
        .selectAll()
        .where('order_id', '=', orderId)
        .orderBy('proposed_at')
        .orderBy('id')
        .execute(),

    find: (orderId: string, id: string) =>
      q
        .selectFrom('order_substitutions')
        .selectAll()
        .where('order_id', '=', orderId)
        .where('id', '=', id)
        .executeTakeFirst(),

    /** The answer, if the proposal is still open at `now` (one answer wins; the others get nothing). */
    answer: (orderId: string, id: string, to: SubstitutionStatus, now: Date) =>
      q
        .updateTable('order_substitutions')
        .set({ status: to, answered_at: now })
        .where('order_id', '=', orderId)
        .where('id', '=', id)
        .where('status', '=', 'proposed')
        .where('answer_by', '>', now)
        .returningAll()
        .executeTakeFirst(),

    /** Open proposals past their answer time, claimed (another sweep skips them). */
    claimDue: (now: Date, limit: number) =>
      q
        .selectFrom('order_substitutions')
        .selectAll()
        .where('status', '=', 'proposed')
        .where('answer_by', '<=', now)
        .orderBy('answer_by')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute(),

    async expire(id: string, now: Date): Promise<void> {
      await q
        .updateTable('order_substitutions')
        .set({ status: 'expired', answered_at: now })
        .where('id', '=', id)
        .where('status', '=', 'proposed')
        .execute();
    },

    /** An accepted substitute becomes a line; the units it replaces on the short line are marked. */
    async addSubstituteLine(s: SubstitutionRow): Promise<void> {
      await q
        .insertInto('order_lines')
        .values({
          order_id: s.order_id,
          product_id: s.substitute_product_id,
          sku: s.sku,
          name: s.name,
          unit_price_minor: s.unit_price_minor,
          quantity: s.quantity,
          picked_quantity: null,
          age_restricted: s.age_restricted,
          substitute_for: s.product_id,
        })
        .execute();
      await q
        .updateTable('order_lines')
        .set((eb) => ({ replaced: eb('replaced', '+', s.missing) }))
        .where('order_id', '=', s.order_id)
        .where('product_id', '=', s.product_id)
        .execute();
    },
  };
}
