import { uuidv7 } from 'uuidv7';
import type { Principal } from '../../platform/auth/principal.ts';
import type { Clock } from '../../platform/context.ts';
import { coalescer } from '../../platform/db/coalescer.ts';
import { retryOnConflict } from '../../platform/db/retry.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError, SqlState, sqlState } from '../../platform/errors.ts';
import { setStockLevels } from './inventory.repository.ts';
import type { StockSignals } from './stock-signals.ts';
import {
  adjustStock,
  auditTrail,
  dueReservations,
  extendReservations,
  type FinishTo,
  finishReservation,
  findReservation,
  heldReservationOf,
  type ReservationLine,
  reserveConditional,
  reserveEach,
  type EachOutcome,
  type ReserveArgs,
  reserveLocking,
  stockOf,
} from './reservations.repository.ts';

/**
 * `coalesced` (default): Option B statements grouped per store into one commit under load;
 * `conditional`: Option B, one statement and one commit per reservation;
 * `locking`: Option A, SELECT … FOR UPDATE then UPDATE (the benchmark baseline).
 */
export type ReserveStrategy = 'coalesced' | 'conditional' | 'locking';

export interface ReserveRequest {
  storeId: string;
  /** Who holds it: `order:<id>` or `cart:<id>`; one held reservation per owner. */
  owner: string;
  lines: readonly ReservationLine[];
  ttlMs: number;
  /** Release this owner's current hold in the same transaction (cart → order, cart edits). */
  replacingHoldOf?: string;
}

function outOfStock(productIds: string[], cause?: unknown): AppError {
  return new AppError('OUT_OF_STOCK', `Not enough stock for ${productIds.length} item(s)`, {
    cause,
    details: { product_ids: productIds },
  });
}

/** Why `inventory_reserve_each` held nothing for a reservation, as the caller's error. */
function refusal(o: Exclude<EachOutcome, { ok: true }>, owner: string): AppError {
  return o.error === 'out_of_stock'
    ? outOfStock(o.short)
    : new AppError('CONFLICT', `${owner} already holds stock; release it first`);
}

function normalise(lines: readonly ReservationLine[]): ReservationLine[] {
  const merged = new Map<string, number>();
  for (const l of lines) {
    if (!Number.isInteger(l.quantity) || l.quantity <= 0)
      throw new AppError('VALIDATION_FAILED', 'quantities must be whole numbers above 0');
    merged.set(l.productId, (merged.get(l.productId) ?? 0) + l.quantity);
  }
  // A stable lock order keeps two multi-line reservations from deadlocking each other.
  return [...merged]
    .map(([productId, quantity]) => ({ productId, quantity }))
    .sort((a, b) => (a.productId < b.productId ? -1 : 1));
}

export function inventoryService(deps: {
  db: Db;
  clock: Clock;
  strategy?: ReserveStrategy;
  signals?: Pick<StockSignals, 'changed'>;
}) {
  const { db, clock } = deps;
  /** After a commit of ours: tells readers (the catalog's pages) which stores to re-read. */
  const changed = (storeIds: string | Iterable<string> | null) => {
    if (storeIds !== null) deps.signals?.changed(storeIds);
  };
  /** Ends a reservation; the store is signalled here when it ran in its own statement (committed). */
  const finish = async (trx: Db, id: string, to: FinishTo, picked?: readonly ReservationLine[]) => {
    const storeId = await finishReservation(trx, id, to, new Date(clock.now()), picked);
    if (trx === db) changed(storeId);
    return storeId !== null;
  };
  const strategy = deps.strategy ?? 'coalesced';
  // `coalesced`: concurrent reservations at one store go out as one `inventory_reserve_each` call,
  // one round trip and one commit for the group, each still all or nothing in its subtransaction.
  const reserveTogether = coalescer(
    (batch: ReserveArgs[]) => retryOnConflict(() => reserveEach(db, batch), 5),
    { max: 100, keyOf: (a) => a.storeId },
  );
  // Every paid order extends its hold once; those paid together share one statement.
  const extendInBatch = coalescer(
    (moves: Array<{ id: string; until: Date }>) => extendReservations(db, moves),
    { max: 200 },
  );

  async function reserveOnce(
    trx: Db,
    args: Parameters<typeof reserveConditional>[1],
  ): Promise<void> {
    if (strategy === 'locking') {
      const short = await reserveLocking(trx, args);
      if (short.length > 0) throw outOfStock(short);
      return;
    }
    try {
      await reserveConditional(trx, args);
    } catch (err) {
      if (sqlState(err) === SqlState.OUT_OF_STOCK) {
        const detail = (err as { detail?: string }).detail ?? '';
        throw outOfStock(detail.split(',').filter(Boolean), err);
      }
      throw err;
    }
  }

  return {
    strategy,

    /**
     * Holds stock for every line or for none (all or nothing). Throws OUT_OF_STOCK naming the
     * short products. With `replacingHoldOf`, that owner's hold is released in the same
     * transaction, so its units can be taken again by this reservation and by no one else.
     * Inside a caller's transaction, the caller passes `stores` (whose stock this changed) to
     * `stockChanged` once it has committed.
     */
    async reserve(
      req: ReserveRequest,
      trxOrDb: Db = db,
    ): Promise<{ reservationId: string; expiresAt: Date; stores: string[] }> {
      const lines = normalise(req.lines);
      if (lines.length === 0) throw new AppError('VALIDATION_FAILED', 'nothing to reserve');
      const args = {
        id: uuidv7(),
        storeId: req.storeId,
        owner: req.owner,
        lines,
        expiresAt: new Date(clock.now() + req.ttlMs),
      };
      const result = { reservationId: args.id, expiresAt: args.expiresAt, stores: [req.storeId] };
      const run = async (trx: Db) => {
        if (req.replacingHoldOf) {
          const held = await heldReservationOf(trx, req.replacingHoldOf);
          if (held) await finishReservation(trx, held.id, 'released', new Date(clock.now()));
          if (held && held.store_id !== req.storeId) result.stores.push(held.store_id);
        }
        await reserveOnce(trx, args);
      };
      // Inside the caller's transaction (checkout writes the order with it): its retry is the caller's.
      if (trxOrDb !== db) {
        await run(trxOrDb);
        return result;
      }
      if (strategy === 'coalesced' && !req.replacingHoldOf) {
        const outcome = await reserveTogether(args);
        if (!outcome.ok) throw refusal(outcome, req.owner);
        changed(req.storeId);
        return result;
      }
      // Option B alone is one statement, its own transaction; the rest needs an explicit one.
      const single = !req.replacingHoldOf && strategy !== 'locking';
      await retryOnConflict(
        () => (single ? reserveOnce(db, args) : db.transaction().execute(run)),
        5,
      );
      changed(result.stores);
      return result;
    },

    /**
     * Holds stock for several owners in one statement inside the caller's transaction (checkout
     * places a batch of orders with it). Each reservation is all or nothing on its own: a short one
     * is answered with OUT_OF_STOCK (or CONFLICT when its owner already holds stock) and holds
     * nothing, and the others go on. Always Option B. The caller passes the stores of the held
     * ones to `stockChanged` once it has committed.
     */
    async reserveEach(
      reqs: ReadonlyArray<Omit<ReserveRequest, 'replacingHoldOf'>>,
      trx: Db,
    ): Promise<Array<{ reservationId: string; expiresAt: Date } | AppError>> {
      const args = reqs.map((req) => {
        const lines = normalise(req.lines);
        if (lines.length === 0) throw new AppError('VALIDATION_FAILED', 'nothing to reserve');
        return {
          id: uuidv7(),
          storeId: req.storeId,
          owner: req.owner,
          lines,
          expiresAt: new Date(clock.now() + req.ttlMs),
        };
      });
      const outcomes = await reserveEach(trx, args);
      return outcomes.map((o, i) => {
        const a = args[i] as (typeof args)[number];
        return o.ok ? { reservationId: a.id, expiresAt: a.expiresAt } : refusal(o, a.owner);
      });
    },

    /** Takes the picked units out of the store (the rest go back); a repeat is a no-op. */
    confirm: (reservationId: string, picked?: readonly ReservationLine[], trx: Db = db) =>
      finish(trx, reservationId, 'confirmed', picked),

    /**
     * Keeps a reservation held until `ttlMs` from now. A paid order's stock must outlive the
     * placement expiry: its saga, not the sweeper, ends it (confirm or release).
     */
    extend: (reservationId: string, ttlMs: number) =>
      extendInBatch({ id: reservationId, until: new Date(clock.now() + ttlMs) }),

    release: (reservationId: string, trx: Db = db) => finish(trx, reservationId, 'released'),

    async releaseHoldOf(owner: string) {
      const storeId = await db.transaction().execute(async (trx) => {
        const held = await heldReservationOf(trx, owner);
        return held ? finishReservation(trx, held.id, 'released', new Date(clock.now())) : null;
      });
      changed(storeId);
      return storeId !== null;
    },

    /** For a caller that reserved inside its own transaction: call once that transaction committed. */
    stockChanged: (storeIds: string | readonly string[]) => changed(storeIds),

    get: (reservationId: string) => findReservation(db, reservationId),

    /** Expires held reservations past their time; each exactly once, whoever sweeps. */
    async expireDue(limit = 200): Promise<number> {
      const now = new Date(clock.now());
      const stores = await db.transaction().execute(async (trx) => {
        const moved: string[] = [];
        for (const id of await dueReservations(trx, now, limit)) {
          const storeId = await finishReservation(trx, id, 'expired' satisfies FinishTo, now);
          if (storeId !== null) moved.push(storeId);
        }
        return moved;
      });
      changed(stores);
      return stores.length;
    },

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
      const applied = await setStockLevels(
        db,
        [{ storeId: c.storeId, productId: c.productId, onHand: c.onHand }],
        { kind: 'count', reason: c.reason, actor: by.id },
      );
      if (applied.length > 0) changed(c.storeId);
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

export type InventoryService = ReturnType<typeof inventoryService>;
