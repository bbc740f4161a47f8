import { uuidv7 } from 'uuidv7';
import type { Principal } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { setStockLevels, type StockLevel } from './inventory.repository.ts';
import { adjustStock, auditTrail, stockOf } from './reservations.repository.ts';

/** Tells readers (the catalog's pages) which stores' stock changed; call only after the commit. */
export type StoresChanged = (storeIds: string | Iterable<string> | null) => void;

/** How a batch of levels is recorded in the audit trail. */
export interface LevelsAudit {
  kind: 'count' | 'import';
  reason: string;
  actor: string;
}

/** Units on hand: counts, imports, restocks and adjustments, each audited, never below reserved. */
export function stockLevelsService(deps: { db: Db; changed: StoresChanged }) {
  const { db, changed } = deps;

  /**
   * Sets counted levels for a batch in one statement, an audit row per changed item. A level below
   * what is already reserved is refused for that row only (the others apply): the reserved units
   * belong to paid orders. Returns the rows that applied; their stores are told once committed.
   */
  async function setLevels(levels: readonly StockLevel[], audit: LevelsAudit) {
    const applied = await setStockLevels(db, levels, audit);
    if (applied.length > 0) changed(new Set(applied.map((r) => r.store_id)));
    return applied;
  }

  return {
    setLevels,

    async adjust(
      by: Principal,
      a: {
        storeId: string;
        productId: string;
        delta: number;
        kind: 'restock' | 'adjustment';
        reason: string;
      },
    ) {
      const row = await adjustStock(db, { ...a, actor: by.id, auditId: uuidv7() });
      if (row) {
        changed(a.storeId);
        return row;
      }
      const current = await stockOf(db, a.storeId, a.productId);
      if (!current) throw new AppError('NOT_FOUND', 'This store does not stock this product');
      throw new AppError(
        'CONFLICT',
        `On hand would drop below the ${current.reserved} unit(s) reserved for orders`,
        { details: current },
      );
    },

    /** A stock count: sets the units on hand, audited as a count. */
    async count(
      by: Principal,
      c: { storeId: string; productId: string; onHand: number; reason: string },
    ) {
      const applied = await setLevels(
        [{ storeId: c.storeId, productId: c.productId, onHand: c.onHand }],
        { kind: 'count', reason: c.reason, actor: by.id },
      );
      const now = await stockOf(db, c.storeId, c.productId);
      if (applied.length === 0 && now) {
        throw new AppError(
          'CONFLICT',
          `On hand cannot be counted below the ${now.reserved} unit(s) reserved for orders`,
          { details: now },
        );
      }
      return now;
    },

    stockOf: (storeId: string, productId: string) => stockOf(db, storeId, productId),
    auditTrail: (storeId: string, productId: string, limit = 50) =>
      auditTrail(db, storeId, productId, limit),
  };
}
