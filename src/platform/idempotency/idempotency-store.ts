import { sql } from 'kysely';
import type { Db } from '../db/pool.ts';

export interface StoredResponse {
  status: number;
  body: string;
  contentType: string | null;
}

export type BeginResult =
  | { outcome: 'proceed' }
  | { outcome: 'replay'; response: StoredResponse }
  | { outcome: 'mismatch' }
  | { outcome: 'in_flight' };

/** How long a stored response is replayed (Stripe keeps keys 24 h). */
export const IDEMPOTENCY_TTL_HOURS = 24;
/** A request claimed by a process that then died is taken over after this. */
const LOCK_SECONDS = 60;

/**
 * Claims `(scope, key)` for one request. The first caller inserts an in-flight row; a later one with
 * the same key finds the stored response (replay), a different request (mismatch), or the first
 * still running (in_flight). An expired row, or an in-flight row whose owner died, is taken over.
 */
export async function beginIdempotent(
  db: Db,
  p: { scope: string; key: string; method: string; path: string; requestHash: string },
): Promise<BeginResult> {
  const inserted = await sql<{ key: string }>`
    INSERT INTO idempotency_keys (scope, key, method, path, request_hash, state, locked_until, expires_at)
    VALUES (${p.scope}, ${p.key}, ${p.method}, ${p.path}, ${p.requestHash}, 'in_flight',
            now() + make_interval(secs => ${LOCK_SECONDS}), now() + make_interval(hours => ${IDEMPOTENCY_TTL_HOURS}))
    ON CONFLICT (scope, key) DO UPDATE
      SET method = EXCLUDED.method, path = EXCLUDED.path, request_hash = EXCLUDED.request_hash,
          state = 'in_flight', response_status = NULL, response_body = NULL, response_type = NULL,
          locked_until = EXCLUDED.locked_until, created_at = now(), expires_at = EXCLUDED.expires_at
      WHERE idempotency_keys.expires_at < now()
         OR (idempotency_keys.state = 'in_flight' AND idempotency_keys.locked_until < now()
             AND idempotency_keys.request_hash = EXCLUDED.request_hash)
    RETURNING key`.execute(db);
  if (inserted.rows.length > 0) return { outcome: 'proceed' };
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['method', 'path', 'request_hash', 'state', 'response_status', 'response_body', 'response_type'])
    .where('scope', '=', p.scope)
    .where('key', '=', p.key)
    .executeTakeFirst();
  // Deleted between the two statements (the first attempt failed with a 5xx): let this one run.
  if (!row) return beginIdempotent(db, p);
  if (row.request_hash !== p.requestHash || row.method !== p.method || row.path !== p.path) return { outcome: 'mismatch' };
  if (row.state === 'in_flight') return { outcome: 'in_flight' };
  return {
    outcome: 'replay',
    response: { status: row.response_status, body: row.response_body ?? '', contentType: row.response_type },
  };
}

export async function completeIdempotent(db: Db, scope: string, key: string, response: StoredResponse): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({
      state: 'done',
      response_status: response.status,
      response_body: response.body,
      response_type: response.contentType,
    })
    .where('scope', '=', scope)
    .where('key', '=', key)
    .execute();
}

/** A server-side failure stores nothing: the key is freed so the client's retry runs again. */
export async function abandonIdempotent(db: Db, scope: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).execute();
}

export async function pruneIdempotencyKeys(db: Db): Promise<number> {
  const res = await sql`DELETE FROM idempotency_keys WHERE expires_at < now()`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}
