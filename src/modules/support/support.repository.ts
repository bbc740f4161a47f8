import type { Generated, Kysely, Selectable } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';

export type TicketStatus = 'open' | 'escalated' | 'resolved';

export interface SupportTicketsTable {
  id: string;
  opened_by: string;
  opener_role: string;
  order_id: string | null;
  subject: string;
  message: string;
  status: Generated<TicketStatus>;
  version: Generated<number>;
  created_at: Generated<Date>;
  escalated_at: Date | null;
  resolved_at: Date | null;
  resolution: string | null;
  client_key: string | null;
}

interface Tables {
  support_tickets: SupportTicketsTable;
}

export type TicketRow = Selectable<SupportTicketsTable>;

export function supportRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
  return {
    /** Returns undefined when the opener already has a ticket with this client key. */
    insert(
      t: Pick<
        TicketRow,
        'id' | 'opened_by' | 'opener_role' | 'order_id' | 'subject' | 'message' | 'client_key'
      >,
    ) {
      return q
        .insertInto('support_tickets')
        .values(t)
        .onConflict((oc) => oc.columns(['opened_by', 'client_key']).doNothing())
        .returningAll()
        .executeTakeFirst();
    },
    findByClientKey(openedBy: string, clientKey: string) {
      return q
        .selectFrom('support_tickets')
        .selectAll()
        .where('opened_by', '=', openedBy)
        .where('client_key', '=', clientKey)
        .executeTakeFirst();
    },
    find(id: string) {
      return q.selectFrom('support_tickets').selectAll().where('id', '=', id).executeTakeFirst();
    },
    /** Newest first, or oldest first past `after`; `unresolved` walks `support_tickets_open`. */
    list(p: {
      openedBy?: string;
      orderId?: string;
      status?: TicketStatus;
      unresolved?: boolean;
      oldestFirst?: boolean;
      before?: string;
      after?: string;
      limit: number;
    }) {
      let query = q
        .selectFrom('support_tickets')
        .selectAll()
        .orderBy('id', p.oldestFirst ? 'asc' : 'desc')
        .limit(p.limit);
      if (p.openedBy) query = query.where('opened_by', '=', p.openedBy);
      if (p.orderId) query = query.where('order_id', '=', p.orderId);
      if (p.status) query = query.where('status', '=', p.status);
      // The partial index's own predicate, so the planner can use it.
      if (p.unresolved) query = query.where('status', '<>', 'resolved');
      if (p.before) query = query.where('id', '<', p.before);
      if (p.after) query = query.where('id', '>', p.after);
      return query.execute();
    },
    /**
     * Moves a ticket only from one of `from`; returns the new row, or undefined when it was
     * already elsewhere (a repeated step or a race), so callers emit each transition once.
     */
    transition(id: string, from: TicketStatus[], to: TicketStatus, resolution?: string) {
      return q
        .updateTable('support_tickets')
        .set((eb) => ({
          status: to,
          version: eb('version', '+', eb.lit(1)),
          ...(to === 'escalated' ? { escalated_at: eb.fn<Date>('now') } : {}),
          ...(to === 'resolved'
            ? { resolved_at: eb.fn<Date>('now'), resolution: resolution ?? null }
            : {}),
        }))
        .where('id', '=', id)
        .where('status', 'in', from)
        .returningAll()
        .executeTakeFirst();
    },
  };
}
