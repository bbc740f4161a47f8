import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../context.ts';
import type { Db } from '../db/pool.ts';
import { AppError } from '../errors.ts';
import type { Principal, Role } from './principal.ts';
import { socketTicketsRepository } from './socket-tickets.repository.ts';

/** `lmt_` and 32 random bytes in base64url. */
const TICKET_RE = /^lmt_[A-Za-z0-9_-]{43}$/;

/**
 * Single-use tickets that open one WebSocket for a browser, which cannot send an Authorization
 * header on an upgrade: a signed-in caller asks for one over REST and puts it in the socket URL
 * (`?ticket=`). Short-lived, bound to the caller (and, if asked, to one socket), stored as a hash
 * in Postgres so that any API process accepts it, and only once.
 */
export interface SocketTickets {
  issue(by: Principal, socket: string | null): Promise<{ ticket: string; expiresAt: Date }>;
  /** The caller the ticket was issued to; 401 when it is unknown, used, expired or for another socket. */
  consume(ticket: string, socket: string): Promise<Principal>;
}

const hashOf = (ticket: string) => createHash('sha256').update(ticket).digest('base64url');

export function createSocketTickets(deps: { db: Db; clock: Clock; ttlS: number }): SocketTickets {
  const repo = socketTicketsRepository(deps.db);
  return {
    async issue(by, socket) {
      const ticket = `lmt_${randomBytes(32).toString('base64url')}`;
      const now = deps.clock.now();
      const expiresAt = new Date(now + deps.ttlS * 1000);
      await repo.insert(
        {
          hash: hashOf(ticket),
          principal_kind: by.kind,
          principal_id: by.id,
          role: by.role,
          store_id: by.storeId ?? null,
          driver_id: by.driverId ?? null,
          socket,
          expires_at: expiresAt,
        },
        new Date(now),
      );
      return { ticket, expiresAt };
    },

    async consume(ticket, socket) {
      // A malformed ticket is refused without a query; a valid one is deleted whatever follows.
      const row = TICKET_RE.test(ticket) ? await repo.consume(hashOf(ticket)) : undefined;
      if (!row || row.expires_at.getTime() <= deps.clock.now()) {
        throw new AppError(
          'UNAUTHENTICATED',
          'The ticket is unknown, used or expired; ask for a new one (POST /v1/realtime/tickets)',
        );
      }
      if (row.socket !== null && row.socket !== socket) {
        throw new AppError('UNAUTHENTICATED', `This ticket opens the ${row.socket} socket only`);
      }
      return {
        kind: row.principal_kind === 'partner' ? 'partner' : 'user',
        id: row.principal_id,
        role: row.role as Role,
        ...(row.store_id ? { storeId: row.store_id } : {}),
        ...(row.driver_id ? { driverId: row.driver_id } : {}),
      };
    },
  };
}
