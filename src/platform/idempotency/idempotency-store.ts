import { coalescer, repeatsInBatch } from '../db/coalescer.ts';
import type { Db } from '../db/pool.ts';
import { retryOnConflict } from '../db/retry.ts';
import {
  type Claim,
  claimKeys,
  deleteKey,
  findKey,
  type StoredResponse,
  storeResponses,
} from './idempotency.repository.ts';

export type BeginResult =
  | { outcome: 'proceed' }
  | { outcome: 'replay'; response: StoredResponse }
  | { outcome: 'mismatch' }
  | { outcome: 'in_flight' };

const idOf = (c: { scope: string; key: string }) => `${c.scope}\n${c.key}`;

/** Answers, per claim of a batch, whether it got its key. A key twice in one batch is claimed by its first request only. */
async function claimMany(db: Db, batch: readonly Claim[]): Promise<boolean[]> {
  const repeat = repeatsInBatch(batch, idOf);
  const got = await claimKeys(
    db,
    batch.filter((_, i) => !repeat[i]),
  );
  return batch.map((c, i) => !repeat[i] && got.has(idOf(c)));
}

/**
 * The keys of one process. Claims arriving together share one statement, and so do stored
 * responses: under load a request costs a fraction of a round trip for each.
 */
export function idempotencyStore(db: Db, owner: string) {
  const claim = coalescer((batch: Claim[]) => retryOnConflict(() => claimMany(db, batch)), {
    max: 200,
  });
  const complete = coalescer(
    async (batch: Array<{ scope: string; key: string; response: StoredResponse }>) => {
      await retryOnConflict(() => storeResponses(db, batch));
      return batch.map(() => null);
    },
    { max: 200 },
  );

  /**
   * Claims `(scope, key)` for one request. The first caller inserts an in-flight row; a later one
   * with the same key finds the stored response (replay), a different request (mismatch), or the
   * first still running (in_flight). An expired row, or an in-flight row whose owner died, is taken over.
   */
  async function begin(request: Omit<Claim, 'owner'>): Promise<BeginResult> {
    const p = { ...request, owner };
    if (await claim(p)) return { outcome: 'proceed' };
    const row = await findKey(db, p.scope, p.key);
    // Deleted between the two statements (the first attempt failed with a 5xx): let this one run.
    if (!row) return begin(request);
    if (row.request_hash !== p.requestHash || row.method !== p.method || row.path !== p.path)
      return { outcome: 'mismatch' };
    if (row.state === 'in_flight') return { outcome: 'in_flight' };
    // The statement that marks a row done stores its status with it.
    if (row.response_status === null) throw new Error('idempotency key done without a response');
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
    abandon: (scope: string, key: string): Promise<void> => deleteKey(db, scope, key),
  };
}
