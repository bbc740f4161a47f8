import { type AuditLog, auditLog } from '../../platform/audit/audit-log.ts';
import { uuidv7 } from 'uuidv7';
import type { Clock } from '../../platform/context.ts';
import { coalescer } from '../../platform/db/coalescer.ts';
import { retryOnConflict } from '../../platform/db/retry.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError, SqlState, sqlState } from '../../platform/errors.ts';
import { reservationEndingsService } from './reservation-endings.service.ts';
import {
  extendReservations,
  finishReservation,
  findReservation,
  heldReservationOf,
  type ReservationLine,
  reserveConditional,
  reserveEach,
  type EachOutcome,
  type ReserveArgs,
  reserveLocking,
} from './reservations.repository.ts';
import { type StoresChanged, stockLevelsService } from './stock-levels.service.ts';
import type { StockSignals } from './stock-signals.ts';

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
  /** A hold never outlives this epoch ms (a cart's maximum age), however late the clock is read. */
  notAfterMs?: number;
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

/** The statement's arguments for a request: a new id, its lines merged and sorted, its expiry. */
function reserveArgs(req: Omit<ReserveRequest, 'replacingHoldOf'>, now: number): ReserveArgs {
  const lines = normalise(req.lines);
  if (lines.length === 0) throw new AppError('VALIDATION_FAILED', 'nothing to reserve');
  return {
    id: uuidv7(),
    storeId: req.storeId,
    owner: req.owner,
    lines,
    expiresAt: new Date(Math.min(now + req.ttlMs, req.notAfterMs ?? Infinity)),
  };
}

/** One reservation in the caller's statement or transaction, by Option B or Option A. */
async function reserveOnce(trx: Db, strategy: ReserveStrategy, args: ReserveArgs): Promise<void> {
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

/** Taking stock on hold: reserve (alone or for several owners at once) and extend a hold. */
function reservationHolds(deps: {
  db: Db;
  clock: Clock;
  strategy: ReserveStrategy;
  changed: StoresChanged;
}) {
  const { db, clock, strategy, changed } = deps;
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

  return {
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
      const args = reserveArgs(req, clock.now());
      const result = { reservationId: args.id, expiresAt: args.expiresAt, stores: [req.storeId] };
      const run = async (trx: Db) => {
        if (req.replacingHoldOf) {
          const held = await heldReservationOf(trx, req.replacingHoldOf);
          if (held) await finishReservation(trx, held.id, 'released', new Date(clock.now()));
          if (held && held.store_id !== req.storeId) result.stores.push(held.store_id);
        }
        await reserveOnce(trx, strategy, args);
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
        () => (single ? reserveOnce(db, strategy, args) : db.transaction().execute(run)),
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
      const args = reqs.map((req) => reserveArgs(req, clock.now()));
      const outcomes = await reserveEach(trx, args);
      return outcomes.map((o, i) => {
        const a = args[i] as (typeof args)[number];
        return o.ok ? { reservationId: a.id, expiresAt: a.expiresAt } : refusal(o, a.owner);
      });
    },

    /**
     * Keeps a reservation held until `ttlMs` from now. A paid order's stock must outlive the
     * placement expiry: its saga, not the sweeper, ends it (confirm or release).
     */
    extend: (reservationId: string, ttlMs: number) =>
      extendInBatch({ id: reservationId, until: new Date(clock.now() + ttlMs) }),
  };
}

/**
 * Stock per store and product, never oversold (a database constraint): reservations held, extended
 * and ended, and the levels on hand. Whatever committed a change to a store's availability here
 * tells `signals` which stores, after the commit.
 */
export function inventoryService(deps: {
  db: Db;
  clock: Clock;
  strategy?: ReserveStrategy;
  signals?: Pick<StockSignals, 'changed'>;
  /** Where ops' counts and adjustments are recorded (the platform's audit log). */
  audit?: AuditLog;
}) {
  const { db, clock } = deps;
  const audit = deps.audit ?? auditLog(db, clock);
  const strategy = deps.strategy ?? 'coalesced';
  /** After a commit of ours: tells readers (the catalog's pages) which stores to re-read. */
  const changed: StoresChanged = (storeIds) => {
    if (storeIds !== null) deps.signals?.changed(storeIds);
  };
  return {
    strategy,
    ...reservationHolds({ db, clock, strategy, changed }),
    ...reservationEndingsService({ db, clock, changed }),
    ...stockLevelsService({ db, changed, audit }),

    /** For a caller that reserved inside its own transaction: call once that transaction committed. */
    stockChanged: (storeIds: string | readonly string[]) => changed(storeIds),

    get: (reservationId: string) => findReservation(db, reservationId),
  };
}

export type InventoryService = ReturnType<typeof inventoryService>;
