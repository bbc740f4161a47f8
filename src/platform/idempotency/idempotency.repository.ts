import { type Generated, type Kysely, sql } from 'kysely';
import { STALE_AFTER_S } from '../db/live-processes.repository.ts';
import type { Db } from '../db/pool.ts';
import { deleteSelected, ROW_ADDRESS } from '../db/prune.ts';

interface IdempotencyKeysTable {
  scope: string;
  key: string;
  method: string;
  path: string;
  request_hash: string;
  state: 'in_flight' | 'done';
  response_status: number | null;
  response_body: string | null;
  response_type: string | null;
  locked_until: Date;
  /** The live process (live_processes.id) running the request while in flight. */
  owner: string | null;
  created_at: Generated<Date>;
  expires_at: Date;
}

const keys = (db: Db) => db as Kysely<{ idempotency_keys: IdempotencyKeysTable }>;

/** How long a stored response is replayed (Stripe keeps keys 24 h). */
export const IDEMPOTENCY_TTL_HOURS = 24;
/**
 * A request claimed by a process that then died is taken over after this at the latest; sooner
 * once that process's liveness row goes stale (live_processes).
 */
const LOCK_SECONDS = 60;

export interface Claim {
  scope: string;
  key: string;
  method: string;
  path: string;
  requestHash: string;
  /** The claiming process (live_processes.id). */
  owner: string;
}

export interface StoredResponse {
  status: number;
  body: string;
  contentType: string | null;
}

/**
 * Claims distinct keys in one statement: a row is inserted in flight for each key not in use (or
 * whose row expired, or whose in-flight owner died). Returns the keys claimed, as `scope\nkey`.
 * Raw: the batch arrives as arrays (unnest) and the takeover rule is a conditional upsert over
 * them, which Kysely cannot build from arrays.
 */
export async function claimKeys(db: Db, claims: readonly Claim[]): Promise<Set<string>> {
  const col = <K extends keyof Claim>(k: K) => claims.map((c) => c[k]);
  const res = await sql<{ scope: string; key: string }>`
    INSERT INTO idempotency_keys (scope, key, method, path, request_hash, state, locked_until, owner, expires_at)
    SELECT c.scope, c.key, c.method, c.path, c.hash, 'in_flight', now() + make_interval(secs => ${LOCK_SECONDS}), c.owner, now() + make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})
    FROM unnest(${col('scope')}::text[], ${col('key')}::text[], ${col('method')}::text[], ${col('path')}::text[], ${col('requestHash')}::text[], ${col('owner')}::uuid[]) AS c(scope, key, method, path, hash, owner)
    ON CONFLICT (scope, key) DO UPDATE
      SET method = EXCLUDED.method, path = EXCLUDED.path, request_hash = EXCLUDED.request_hash,
          state = 'in_flight', response_status = NULL, response_body = NULL, response_type = NULL,
          locked_until = EXCLUDED.locked_until, owner = EXCLUDED.owner, created_at = now(),
          expires_at = EXCLUDED.expires_at
      WHERE idempotency_keys.expires_at < now()
         OR (idempotency_keys.state = 'in_flight'
             AND idempotency_keys.request_hash = EXCLUDED.request_hash
             AND (idempotency_keys.locked_until < now()
                  OR NOT EXISTS (SELECT 1 FROM live_processes p
                                 WHERE p.id = idempotency_keys.owner
                                   AND p.seen_at > now() - make_interval(secs => ${STALE_AFTER_S}))))
    RETURNING scope, key`.execute(db);
  return new Set(res.rows.map((r) => `${r.scope}\n${r.key}`));
}

/**
 * Stores the responses of a batch in one statement. Raw: an UPDATE … FROM unnest of the batch's
 * arrays, which Kysely cannot express.
 */
export async function storeResponses(
  db: Db,
  batch: ReadonlyArray<{ scope: string; key: string; response: StoredResponse }>,
): Promise<void> {
  await sql`UPDATE idempotency_keys i SET state = 'done', response_status = r.status, response_body = r.body, response_type = r.type
    FROM unnest(${batch.map((b) => b.scope)}::text[], ${batch.map((b) => b.key)}::text[], ${batch.map((b) => b.response.status)}::int[],
                ${batch.map((b) => b.response.body)}::text[], ${batch.map((b) => b.response.contentType)}::text[]) AS r(scope, key, status, body, type)
    WHERE i.scope = r.scope AND i.key = r.key`.execute(db);
}

export function findKey(db: Db, scope: string, key: string) {
  return keys(db)
    .selectFrom('idempotency_keys')
    .select([
      'method',
      'path',
      'request_hash',
      'state',
      'response_status',
      'response_body',
      'response_type',
    ])
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirst();
}

export async function deleteKey(db: Db, scope: string, key: string): Promise<void> {
  await keys(db)
    .deleteFrom('idempotency_keys')
    .where('scope', '=', scope)
    .where('key', '=', key)
    .execute();
}

/** Deletes at most `limit` keys expired at `now` (a key another request holds is skipped). */
export function pruneIdempotencyKeys(db: Db, now: Date, limit: number): Promise<number> {
  return deleteSelected(
    db,
    'idempotency_keys',
    keys(db)
      .selectFrom('idempotency_keys')
      .select(ROW_ADDRESS)
      .where('expires_at', '<', now)
      .limit(limit)
      .forUpdate()
      .skipLocked(),
  );
}
