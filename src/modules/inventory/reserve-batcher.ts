import { sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { SqlState, sqlState } from '../../platform/errors.ts';
import type { ReserveArgs } from './reservations.repository.ts';

export type BatchOutcome = { ok: true } | { ok: false; error: 'out_of_stock'; short: string[] } | { ok: false; error: 'owner_already_holds' };

interface Pending {
  args: ReserveArgs;
  resolve: (o: BatchOutcome) => void;
  reject: (err: unknown) => void;
}

const MAX_BATCH = 100;

/**
 * Coalesces concurrent reservations at one store into one `inventory_reserve_many` call: one round
 * trip and one commit for the whole group, each reservation still all-or-nothing in its own
 * subtransaction and checked by the same conditional update. No timer: a call goes out at once
 * when none is in flight, and whatever arrives meanwhile rides the next one, so an idle system
 * pays no latency and a busy one commits in groups.
 */
export function createReserveBatcher(db: Db) {
  const queues = new Map<string, Pending[]>();
  const busy = new Set<string>();

  async function flush(storeId: string): Promise<void> {
    const queue = queues.get(storeId);
    if (!queue || queue.length === 0 || busy.has(storeId)) return;
    const batch = queue.splice(0, MAX_BATCH);
    busy.add(storeId);
    try {
      const outcomes = await runBatch(storeId, batch);
      batch.forEach((p, i) => p.resolve(outcomes[i] as BatchOutcome));
    } catch (err) {
      batch.forEach((p) => p.reject(err));
    } finally {
      busy.delete(storeId);
      if (queue.length > 0) void flush(storeId);
      else queues.delete(storeId);
    }
  }

  async function runBatch(storeId: string, batch: Pending[]): Promise<BatchOutcome[]> {
    const lineRes: number[] = [];
    const products: string[] = [];
    const quantities: number[] = [];
    batch.forEach((p, i) => {
      for (const l of p.args.lines) {
        lineRes.push(i + 1);
        products.push(l.productId);
        quantities.push(l.quantity);
      }
    });
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await sql<{ reservation_id: string; error: string | null; short: string[] }>`SELECT * FROM inventory_reserve_many(
          ${batch.map((p) => p.args.id)}::uuid[], ${storeId}::uuid, ${batch.map((p) => p.args.owner)}::text[],
          ${batch.map((p) => p.args.expiresAt.toISOString())}::timestamptz[], ${lineRes}::int[], ${products}::uuid[], ${quantities}::int[])`.execute(db);
        const byId = new Map(res.rows.map((r) => [r.reservation_id, r]));
        return batch.map((p): BatchOutcome => {
          const r = byId.get(p.args.id);
          if (!r?.error) return { ok: true };
          return r.error === 'out_of_stock' ? { ok: false, error: 'out_of_stock', short: r.short } : { ok: false, error: 'owner_already_holds' };
        });
      } catch (err) {
        // Another process's batch took the same rows in another order: the whole call rolled back.
        if (attempt < 5 && sqlState(err) === SqlState.DEADLOCK_DETECTED) continue;
        throw err;
      }
    }
  }

  return {
    reserve(args: ReserveArgs): Promise<BatchOutcome> {
      return new Promise<BatchOutcome>((resolve, reject) => {
        let queue = queues.get(args.storeId);
        if (!queue) {
          queue = [];
          queues.set(args.storeId, queue);
        }
        queue.push({ args, resolve, reject });
        void flush(args.storeId);
      });
    },
  };
}
