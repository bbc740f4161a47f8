import { uuidv7 } from 'uuidv7';
import type { AuditAct, AuditLog } from '../../platform/audit/audit-log.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import {
  adjustStock,
  type AuditPosition,
  auditTrail,
  availableToHolder,
  setStockLevels,
  type StockLevel,
  stockOf,
} from './inventory.repository.ts';

/** Tells readers (the catalog's pages) which stores' stock changed; call only after the commit. */
export type StoresChanged = (storeIds: string | Iterable<string> | null) => void;

/** How a batch of levels is recorded in the audit trail. */
export interface LevelsAudit {
  kind: 'count' | 'import';
  reason: string;
  actor: string;
}

type StockRow = NonNullable<Awaited<ReturnType<typeof stockOf>>>;

/** A stock row as the API answers it. */
const stockView = (r: StockRow) => ({ ...r, available: r.on_hand - r.reserved });

/** The audit trail's page cursor: base64url of the last row's position. */
const encodeAuditCursor = (p: AuditPosition) =>
  Buffer.from(JSON.stringify(['adjustments', p.micros, p.id])).toString('base64url');

function decodeAuditCursor(cursor: string): AuditPosition {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    v = null;
  }
  if (
    Array.isArray(v) &&
    v.length === 3 &&
    v[0] === 'adjustments' &&
    typeof v[1] === 'string' &&
    /^[0-9]{1,16}$/.test(v[1]) &&
    typeof v[2] === 'string' &&
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v[2])
  )
    return { micros: v[1], id: v[2] };
  throw new AppError('VALIDATION_FAILED', 'cursor is not one this list issued', {
    details: { errors: [{ path: 'querystring.cursor', message: 'invalid cursor' }] },
  });
}

/** What the ops audit log keeps of a stock item. */
const auditState = (r: Pick<StockRow, 'on_hand' | 'reserved'>) => ({
  on_hand: r.on_hand,
  reserved: r.reserved,
});

/** The ops audit log's target of a stock item: one store's stock of one product. */
const stockTarget = (storeId: string, productId: string) => ({
  type: 'stock',
  id: `${storeId}/${productId}`,
});

/** Adds `a.delta` with its stock trail row; ops' (`act`) also in the audit log, in one transaction. */
function adjustAudited(
  db: Db,
  audit: AuditLog,
  a: {
    storeId: string;
    productId: string;
    delta: number;
    kind: 'restock' | 'adjustment';
    reason: string;
    actor: string;
  },
  act: AuditAct | undefined,
) {
  return db.transaction().execute(async (trx) => {
    const after = await adjustStock(trx, { ...a, auditId: uuidv7() });
    if (after && act)
      await audit.record(trx, act, {
        action: 'stock.adjust',
        target: stockTarget(a.storeId, a.productId),
        before: auditState({ ...after, on_hand: after.on_hand - a.delta }),
        after: { ...auditState(after), kind: a.kind, delta: a.delta },
      });
    return after;
  });
}

/** Sets a counted level with its stock trail row; ops' (`act`) also in the audit log, together. */
function countAudited(
  db: Db,
  audit: AuditLog,
  c: { storeId: string; productId: string; onHand: number; reason: string; actor: string },
  act: AuditAct | undefined,
) {
  return db.transaction().execute(async (trx) => {
    const before = act && (await stockOf(trx, c.storeId, c.productId));
    const applied = await setStockLevels(
      trx,
      [{ storeId: c.storeId, productId: c.productId, onHand: c.onHand }],
      { kind: 'count', reason: c.reason, actor: c.actor },
    );
    const now = await stockOf(trx, c.storeId, c.productId);
    if (act && now && applied.length > 0)
      await audit.record(trx, act, {
        action: 'stock.set',
        target: stockTarget(c.storeId, c.productId),
        before: before ? auditState(before) : null,
        after: auditState(now),
      });
    return { applied, now };
  });
}

/**
 * Units on hand: counts, imports, restocks and adjustments, each in the stock trail, never below
 * reserved; ops' counts and adjustments (given their `act`) also in the ops audit log.
 */
export function stockLevelsService(deps: { db: Db; changed: StoresChanged; audit: AuditLog }) {
  const { db, changed, audit } = deps;

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
      act?: AuditAct,
    ) {
      const row = await adjustAudited(db, audit, { ...a, actor: by.id }, act);
      if (row) {
        changed(a.storeId);
        return stockView(row);
      }
      const current = await stockOf(db, a.storeId, a.productId);
      if (!current) throw new AppError('NOT_FOUND', 'This store does not stock this product');
      throw new AppError(
        'CONFLICT',
        `On hand would drop below the ${current.reserved} unit(s) reserved for orders`,
        { details: { on_hand: current.on_hand, reserved: current.reserved } },
      );
    },

    /** A stock count: sets the units on hand, audited as a count (and as `stock.set` for ops). */
    async count(
      by: Principal,
      c: { storeId: string; productId: string; onHand: number; reason: string },
      act?: AuditAct,
    ) {
      const { applied, now } = await countAudited(db, audit, { ...c, actor: by.id }, act);
      if (applied.length > 0) changed(c.storeId);
      if (applied.length === 0 && now) {
        throw new AppError(
          'CONFLICT',
          `On hand cannot be counted below the ${now.reserved} unit(s) reserved for orders`,
          { details: { on_hand: now.on_hand, reserved: now.reserved } },
        );
      }
      if (!now) throw new AppError('NOT_FOUND', 'This store does not stock this product');
      return stockView(now);
    },

    async stockOf(storeId: string, productId: string) {
      const row = await stockOf(db, storeId, productId);
      return row && stockView(row);
    },

    /**
     * How many units of each product `holder` (a cart: `cart:<id>`) can have at the store right
     * now, read in one statement: the free units plus what its own hold there holds (so a cart
     * never sees its own hold as taken). A product the store does not stock counts 0. Inside a
     * caller's transaction when `trx` is given (a cart change reads what it can hold).
     */
    async availableTo(
      holder: string,
      storeId: string,
      productIds: readonly string[],
      trx: Db = db,
    ): Promise<Map<string, number>> {
      if (productIds.length === 0) return new Map();
      const rows = await availableToHolder(trx, { storeId, productIds, holder });
      const found = new Map(rows.map((r) => [r.product_id, Math.max(0, Number(r.available))]));
      return new Map(productIds.map((id) => [id, found.get(id) ?? 0]));
    },

    /** The audit trail of one item, newest first, a page at a time. */
    async auditPage(p: { storeId: string; productId: string; cursor?: string; limit: number }) {
      const before = p.cursor ? decodeAuditCursor(p.cursor) : undefined;
      const rows = await auditTrail(db, { ...p, before, limit: p.limit + 1 });
      const items = rows.slice(0, p.limit);
      const last = items.at(-1);
      return {
        items: items.map(({ micros: _position, actor, ...r }) => ({ ...r, actor_id: actor })),
        next_cursor: rows.length > p.limit && last ? encodeAuditCursor(last) : null,
      };
    },
  };
}
