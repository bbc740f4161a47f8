import { createHash } from 'node:crypto';
import type { Db } from '../../platform/db/pool.ts';
import { type FakepayPayment, fakepayRequestsRepository } from './fakepay.repository.ts';
import { ProviderRejectedError, ProviderUnavailableError } from './payment-provider.ts';

/** What a request to the provider answered, and whether this call did the work. */
export interface Answered<R> {
  response: R;
  fresh: boolean;
  card: string | null;
}

/** The hash a key's request is stored with: a repeat of the key must carry the same request. */
export function requestHash(
  key: string,
  operation: string,
  params: Record<string, unknown>,
): string {
  if (!key) throw new ProviderRejectedError('invalid_request', 'an idempotency key is required');
  return createHash('sha256')
    .update(JSON.stringify({ operation, ...params }))
    .digest('hex');
}

/** The stored response of a key used before, or a refusal when it was used for another request. */
export async function replay<R>(trx: Db, key: string, hash: string): Promise<R> {
  const stored = await fakepayRequestsRepository(trx).findRequest(key);
  if (stored?.params_hash !== hash)
    throw new ProviderRejectedError(
      'idempotency_key_reused',
      `idempotency key ${key} was used for another request`,
    );
  return stored.response as R;
}

/**
 * Runs `work` once per idempotency key. The key is claimed in the same transaction as the work, so
 * a concurrent repeat waits and then replays the stored response; a repeat with other parameters
 * is refused. A rejected request rolls back and stores nothing, so it can be retried.
 */
export async function once<R>(
  db: Db,
  key: string,
  operation: string,
  params: Record<string, unknown>,
  work: (trx: Db) => Promise<{ response: R; payment: FakepayPayment }>,
): Promise<Answered<R>> {
  const hash = requestHash(key, operation, params);
  return db.transaction().execute(async (trx) => {
    const repo = fakepayRequestsRepository(trx);
    if (!(await repo.claimRequest(key, operation, hash)))
      return { response: await replay<R>(trx, key, hash), fresh: false, card: null };
    const { response, payment } = await work(trx);
    await repo.storeResponse(key, payment.id, response);
    return { response, fresh: true, card: payment.card };
  });
}

/** The netfail card: the work is committed, then the answer is lost on the way back (first call per key only). */
export function deliver<R>(r: Answered<R>): R {
  if (r.fresh && r.card === 'netfail')
    throw new ProviderUnavailableError('fakepay: connection reset after the request was processed');
  return r.response;
}
