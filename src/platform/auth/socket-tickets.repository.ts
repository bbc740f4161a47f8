import type { Kysely } from 'kysely';
import type { Db } from '../db/pool.ts';
import { deleteSelected, ROW_ADDRESS } from '../db/prune.ts';

export interface SocketTicketsTable {
  hash: string;
  principal_kind: string;
  principal_id: string;
  role: string;
  store_id: string | null;
  driver_id: string | null;
  socket: string | null;
  expires_at: Date;
}

export type SocketTicketRow = SocketTicketsTable;

const tickets = (db: Db) => db as Kysely<{ socket_tickets: SocketTicketsTable }>;

/** Expired tickets nobody used are removed by later issues, this many at a time. */
const SWEEP_BATCH = 50;

export function socketTicketsRepository(db: Db) {
  const q = tickets(db);
  return {
    /** Stores a ticket, and removes a few expired ones (skipping rows another issuer is removing). */
    async insert(row: SocketTicketRow, now: Date): Promise<void> {
      await q
        .with('swept', (w) =>
          w
            .deleteFrom('socket_tickets')
            .where('hash', 'in', (eb) =>
              eb
                .selectFrom('socket_tickets')
                .select('hash')
                .where('expires_at', '<', now)
                .orderBy('expires_at')
                .limit(SWEEP_BATCH)
                .forUpdate()
                .skipLocked(),
            )
            .returning('hash'),
        )
        .insertInto('socket_tickets')
        .values(row)
        .execute();
    },

    /** Deletes at most `limit` tickets expired at `now` (the ones nobody used). */
    pruneExpired(now: Date, limit: number): Promise<number> {
      return deleteSelected(
        db,
        'socket_tickets',
        q
          .selectFrom('socket_tickets')
          .select(ROW_ADDRESS)
          .where('expires_at', '<', now)
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      );
    },

    /** Takes the ticket out: of several processes presenting it at once, exactly one gets the row. */
    consume(hash: string): Promise<SocketTicketRow | undefined> {
      return q
        .deleteFrom('socket_tickets')
        .where('hash', '=', hash)
        .returningAll()
        .executeTakeFirst();
    },
  };
}
