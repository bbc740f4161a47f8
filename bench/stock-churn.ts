import { sql } from 'kysely';
import { rngFor } from '../src/cli/seed-random.ts';
import { inventoryFor } from '../src/modules/inventory/index.ts';
import type { Principal } from '../src/platform/auth/principal.ts';
import type { PlatformContext } from '../src/platform/context.ts';

// Stock changing while the nearby benchmark reads product pages, as it does during a rush.

/** Who the churn's adjustments are made as. */
const OPS: Principal = { kind: 'user', id: 'bench:nearby', role: 'ops' };

/** (store, product) pairs with stock, sampled across the catalog, for the stock churn. */
export async function stockPairs(
  ctx: PlatformContext,
): Promise<Array<{ storeId: string; productId: string }>> {
  const res = await sql<{
    store_id: string;
    product_id: string;
  }>`SELECT store_id, product_id FROM stock TABLESAMPLE SYSTEM (1) LIMIT 5000`.execute(ctx.db);
  if (res.rows.length === 0) throw new Error('nearby: no stock to change');
  return res.rows.map((r) => ({ storeId: r.store_id, productId: r.product_id }));
}

/**
 * Adds a unit to random (store, product) pairs at `perS` through the inventory service, which
 * announces each change to the page cache. Returns what it did and the statements it sent.
 */
export function stockChurn(
  ctx: PlatformContext,
  pairs: ReadonlyArray<{ storeId: string; productId: string }>,
  perS: number,
) {
  const inventory = inventoryFor(ctx);
  const rng = rngFor('bench:nearby:churn');
  const TICK_MS = 50;
  let changes = 0;
  let failed = 0;
  let owed = 0;
  const inFlight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    owed += (perS * TICK_MS) / 1000;
    for (; owed >= 1; owed -= 1) {
      const pair = pairs[Math.floor(rng() * pairs.length)] as {
        storeId: string;
        productId: string;
      };
      const p = inventory
        .adjust(OPS, { ...pair, delta: 1, kind: 'adjustment', reason: 'bench: stock churn' })
        .then(
          () => void changes++,
          () => void failed++,
        )
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
  }, TICK_MS);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
      // adjust is one statement when it applies.
      return { changes, failed, statements: changes + failed * 2 };
    },
  };
}
