import type { Kysely } from 'kysely';
import { principalScope } from '../auth/principal.ts';
import type { Db } from '../db/pool.ts';

interface Tables {
  idempotency_keys: { scope: string };
  socket_tickets: { principal_kind: string; principal_id: string };
}

/**
 * The platform's rows about one signed-in user: stored answers to their Idempotency-Keys (which
 * may hold an order with its address, for 24 h) and their unused socket tickets.
 */
export async function forgetUser(trx: Db, userId: string): Promise<void> {
  const q = trx as unknown as Kysely<Tables>;
  await q
    .deleteFrom('idempotency_keys')
    .where('scope', '=', principalScope({ kind: 'user', id: userId, role: 'customer' }))
    .execute();
  await q
    .deleteFrom('socket_tickets')
    .where('principal_kind', '=', 'user')
    .where('principal_id', '=', userId)
    .execute();
}
