import { sql } from 'kysely';
import { coalescer, repeatsInBatch } from '../db/coalescer.ts';
import type { Db } from '../db/pool.ts';
import { retryOnConflict } from '../db/retry.ts';

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

type Claim = { scope: string; key: string; method: string; path: string; requestHash: string };

/**
 * Claims in one statement: a row is inserted in flight for each key not in use (or whose row
 * expired, or whose in-flight owner died); answers, per claim, whether it got its key. A key twice
 * in one batch is claimed by its first request only.
 */
async function claimMany(db: Db, batch: readonly Claim[]): Promise<boolean[]> {
  const idOf = (c: { scope: string; key: string }) => `${c.scope}\n${c.key}`;
  const repeat = repeatsInBatch(batch, idOf);
  const first = batch.filter((_, i) => !repeat[i]);
  const col = <K extends keyof Claim>(k: K) => first.map((c) => c[k]);
  const res = await sql<{ scope: string; key: string }>`
    INSERT INTO idempotency_keys (scope, key, method, path, request_hash, state, locked_until, expires_at)
    SELECT c.scope, c.key, c.method, c.path, c.hash, 'in_flight', now() + make_interval(secs => ${LOCK_SECONDS}), now() + make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})
    FROM unnest(${col('scope')}::text[], ${col('key')}::text[], ${col('method')}::text[], ${col('path')}::text[], ${col('requestHash')}::text[]) AS c(scope, key, method, path, hash)
    ON CONFLICT (scope, key) DO UPDATE
      SET method = EXCLUDED.method, path = EXCLUDED.path, request_hash = EXCLUDED.request_hash,
          state = 'in_flight', response_status = NULL, response_body = NULL, response_type = NULL,
          locked_until = EXCLUDED.locked_until, created_at = now(), expires_at = EXCLUDED.expires_at
      WHERE idempotency_keys.expires_at < now()
         OR (idempotency_keys.state = 'in_flight' AND idempotency_keys.locked_until < now()
             AND idempotency_keys.request_hash = EXCLUDED.request_hash)
    RETURNING scope, key`.execute(db);
  const got = new Set(res.rows.map(idOf));
  return batch.map((c, i) => !repeat[i] && got.has(idOf(c)));
}

async function completeMany(
  db: Db,
  batch: ReadonlyArray<{ scope: string; key: string; response: StoredResponse }>,
): Promise<null[]> {
  await sql`UPDATE idempotency_keys i SET state = 'done', response_status = r.status, response_body = r.body, response_type = r.type
    FROM unnest(${batch.map((b) => b.scope)}::text[], ${batch.map((b) => b.key)}::text[], ${batch.map((b) => b.response.status)}::int[],
                ${batch.map((b) => b.response.body)}::text[], ${batch.map((b) => b.response.contentType)}::text[]) AS r(scope, key, status, body, type)
    WHERE i.scope = r.scope AND i.key = r.key`.execute(db);
  return batch.map(() => null);
}

/**
 * The keys of one process. Claims arriving together share one statement, and so do stored
 * responses: under load a request costs a fraction of a round trip for each.
 */
export function idempotencyStore(db: Db) {
  const claim = coalescer((batch: Claim[]) => retryOnConflict(() => claimMany(db, batch)), {
    max: 200,
  });
  const complete = coalescer(
    (batch: Array<{ scope: string; key: string; response: StoredResponse }>) =>
      retryOnConflict(() => completeMany(db, batch)),
    { max: 200 },
  );

  /**
   * Claims `(scope, key)` for one request. The first caller inserts an in-flight row; a later one
   * with the same key finds the stored response (replay), a different request (mismatch), or the
   * first still running (in_flight). An expired row, or an in-flight row whose owner died, is taken over.
   */
  async function begin(p: Claim): Promise<BeginResult> {
    if (await claim(p)) return { outcome: 'proceed' };
    const row = await db
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
      .where('scope', '=', p.scope)
      .where('key', '=', p.key)
      .executeTakeFirst();
    // Deleted between the two statements (the first attempt failed with a 5xx): let this one run.
    if (!row) return begin(p);
    if (row.request_hash !== p.requestHash || row.method !== p.method || row.path !== p.path)
      return { outcome: 'mismatch' };
    if (row.state === 'in_flight') return { outcome: 'in_flight' };
    return {
      outcome: 'replay',
      response: {
        status: row.response_status,
        body: row.response_body ?? '',
        contentType: row.response_type,
      },
    };
  }

  return {
    begin,
    complete: async (scope: string, key: string, response: StoredResponse): Promise<void> => {
      await complete({ scope, key, response });
    },
    /** A server-side failure stores nothing: the key is freed so the client's retry runs again. */
    abandon: async (scope: string, key: string): Promise<void> => {
      await db
        .deleteFrom('idempotency_keys')
        .where('scope', '=', scope)
        .where('key', '=', key)
        .execute();
    },
  };
}

export async function pruneIdempotencyKeys(db: Db): Promise<number> {
  const res = await sql`DELETE FROM idempotency_keys WHERE expires_at < now()`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}
