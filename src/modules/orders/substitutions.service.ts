import type { AuditAct, AuditLog } from '../../platform/audit/audit-log.ts';
import { uuidv7 } from 'uuidv7';
import type { Principal } from '../../platform/auth/principal.ts';
import { declaredEvent } from '../../platform/bus/declared-event.ts';
import { writeOutbox } from '../../platform/bus/outbox.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError, SqlState, sqlState } from '../../platform/errors.ts';
import type { CatalogServices } from '../catalog/index.ts';
import type { InventoryService } from '../inventory/index.ts';
import { visibleOrder } from './order-actions.ts';
import { type OrderRow, ordersRepository } from './orders.repository.ts';
import { PAID_ORDER_HOLD_MS } from './payment-steps.ts';
import type { FeeSchedule } from './pricing.ts';
import {
  proposalAudit,
  substitutionPayload,
  substitutionView,
  worstCaseTotal,
} from './substitution-shapes.ts';
import { SubstitutionEventDefs } from './substitutions.events.ts';
import { substitutionsRepository } from './substitutions.repository.ts';

/** An order takes proposals and answers while the store is picking it. */
const PICKING: readonly string[] = ['accepted', 'preparing'];
/** A proposal's stock is held this long past its answer time (the sweep gives it back first). */
const HOLD_MARGIN_MS = 60_000;

export interface Proposal {
  productId: string;
  substituteProductId: string;
  quantity: number;
  missing?: number;
}

const invalid = (field: string, message: string) =>
  new AppError('VALIDATION_FAILED', `${field}: ${message}`, {
    details: { errors: [{ path: `body.${field}`, message }] },
  });
export const substitutionOwner = (orderId: string, id: string) =>
  `order:${orderId}:substitution:${id}`;

/** Checks a proposal against the order as it is (under its lock); the row to insert. */
async function checkProposal(
  trx: Db,
  order: OrderRow,
  p: Proposal & { price: { unitPriceMinor: number } },
  fees: FeeSchedule,
) {
  if (!PICKING.includes(order.status))
    throw new AppError('CONFLICT', `Order ${order.id} is ${order.status}; it is not being picked`);
  const lines = await ordersRepository(trx).lines(order.id);
  const line = lines.find((l) => l.product_id === p.productId && !l.substitute_for);
  if (!line) throw invalid('product_id', `product ${p.productId} is not a line of this order`);
  if (lines.some((l) => l.product_id === p.substituteProductId))
    throw new AppError('CONFLICT', `Product ${p.substituteProductId} is already in this order`);
  const open = (await substitutionsRepository(trx).list(order.id)).filter(
    (s) => s.status === 'proposed' || s.status === 'accepted',
  );
  if (open.some((s) => s.product_id === p.productId))
    throw new AppError(
      'CONFLICT',
      `Line ${p.productId} already has an open or accepted substitute`,
    );
  const left = line.quantity - line.replaced;
  const missing = p.missing ?? left;
  if (missing < 1 || missing > left)
    throw invalid('missing', `${missing} missing, but ${left} unit(s) of the line can be replaced`);
  const worst = worstCaseTotal(
    lines,
    [...open, { product_id: p.productId, missing, status: 'proposed' }],
    [
      ...open
        .filter((s) => s.status === 'proposed')
        .map((s) => ({ unitPriceMinor: s.unit_price_minor, quantity: s.quantity })),
      { unitPriceMinor: p.price.unitPriceMinor, quantity: p.quantity },
    ],
    fees,
  );
  if (worst > order.total_minor)
    throw new AppError(
      'OVER_AUTHORIZED',
      `With this substitute the order could cost ${worst}, above the ${order.total_minor} authorized`,
      { details: { authorized_minor: order.total_minor, would_cost_minor: worst } },
    );
  return missing;
}

interface Deps {
  db: Db;
  clock: Clock;
  catalog: CatalogServices;
  inventory: InventoryService;
  fees: FeeSchedule;
  answerS: number;
  audit: AuditLog;
}

/**
 * Proposes a substitute for a short line: its stock reserved first (never oversold: inventory's
 * own reserve), then the proposal under the order's lock, checked against what was authorized.
 * A proposal refused after the reserve gives the stock back.
 */
async function propose(
  deps: Deps,
  by: Principal,
  orderId: string,
  p: Proposal,
  act: AuditAct | undefined,
) {
  const { db, clock, inventory } = deps;
  const order = await visibleOrder(db, by, orderId);
  if (by.role === 'customer') throw new AppError('FORBIDDEN', 'Only the store or ops can do this');
  const product = (await deps.catalog.products.pricesFor([p.substituteProductId])).get(
    p.substituteProductId,
  );
  if (!product) throw new AppError('NOT_FOUND', `No product ${p.substituteProductId}`);
  if (product.currency !== order.currency)
    throw invalid(
      'substitute_product_id',
      `priced in ${product.currency}, the order in ${order.currency}`,
    );
  const id = uuidv7();
  const answerBy = new Date(clock.now() + deps.answerS * 1000);
  const held = await inventory.reserve({
    storeId: order.store_id,
    owner: substitutionOwner(orderId, id),
    lines: [{ productId: p.substituteProductId, quantity: p.quantity }],
    ttlMs: deps.answerS * 1000 + HOLD_MARGIN_MS,
  });
  try {
    const row = await db.transaction().execute(async (trx) => {
      const locked = await substitutionsRepository(trx).lockOrder(orderId);
      if (!locked) throw new AppError('NOT_FOUND', `No order ${orderId}`);
      const price = { unitPriceMinor: product.price_minor };
      const missing = await checkProposal(trx, locked, { ...p, price }, deps.fees);
      const s = await substitutionsRepository(trx).insert({
        id,
        order_id: orderId,
        product_id: p.productId,
        missing,
        substitute_product_id: p.substituteProductId,
        sku: product.sku,
        name: product.name,
        unit_price_minor: product.price_minor,
        quantity: p.quantity,
        age_restricted: product.age_restricted,
        reservation_id: held.reservationId,
        answer_by: answerBy,
        answered_at: null,
      });
      await writeOutbox(trx, [
        declaredEvent(SubstitutionEventDefs.PROPOSED, substitutionPayload(s, locked), {
          aggregateId: orderId,
        }),
      ]);
      if (act)
        await deps.audit.record(trx, act, {
          action: 'substitution.propose',
          target: { type: 'order', id: orderId },
          before: null,
          after: proposalAudit(s),
        });
      return s;
    });
    return substitutionView(row);
  } catch (err) {
    await inventory.release(held.reservationId);
    if (sqlState(err) === SqlState.UNIQUE_VIOLATION)
      throw new AppError('CONFLICT', `Line ${p.productId} already has an open substitute`, {
        cause: err,
      });
    throw err;
  }
}

/** The customer's answer; of two at once (two tabs) one wins and the other gets 409. */
async function answer(deps: Deps, by: Principal, orderId: string, id: string, accept: boolean) {
  const { db, clock, inventory } = deps;
  const now = () => new Date(clock.now());
  const seen = await visibleOrder(db, by, orderId);
  if (by.role !== 'customer')
    throw new AppError('FORBIDDEN', 'Only the customer answers a substitute');
  const before = await substitutionsRepository(db).find(orderId, id);
  if (!before) throw new AppError('NOT_FOUND', `No substitution ${id}`);
  // An accepted substitute's stock must outlive the order: extended before the answer commits
  // (a losing answer leaves it to the winner's release or the expiry sweep).
  if (accept && before.status === 'proposed')
    await inventory.extend(before.reservation_id, PAID_ORDER_HOLD_MS);
  const row = await db.transaction().execute(async (trx) => {
    const order = (await substitutionsRepository(trx).lockOrder(orderId)) ?? seen;
    if (accept && !PICKING.includes(order.status))
      throw new AppError(
        'CONFLICT',
        `Order ${orderId} is ${order.status}; a substitute can no longer be added`,
      );
    const s = await substitutionsRepository(trx).answer(
      orderId,
      id,
      accept ? 'accepted' : 'declined',
      now(),
    );
    if (!s) throw new AppError('CONFLICT', `Substitution ${id} was already answered or expired`);
    if (accept) await substitutionsRepository(trx).addSubstituteLine(s);
    await writeOutbox(trx, [
      declaredEvent(SubstitutionEventDefs.ANSWERED, substitutionPayload(s, order), {
        aggregateId: orderId,
      }),
    ]);
    return s;
  });
  if (!accept) await inventory.release(row.reservation_id);
  return substitutionView(row);
}

export function substitutionsService(deps: Deps) {
  const { db, clock, inventory } = deps;
  const now = () => new Date(clock.now());
  return {
    /** `act`: ops' request, for the audit log (`substitution.propose`). */
    propose: (by: Principal, orderId: string, p: Proposal, act?: AuditAct) =>
      propose(deps, by, orderId, p, by.role === 'ops' ? act : undefined),
    answer: (by: Principal, orderId: string, id: string, accept: boolean) =>
      answer(deps, by, orderId, id, accept),

    async list(by: Principal, orderId: string) {
      await visibleOrder(db, by, orderId);
      return (await substitutionsRepository(db).list(orderId)).map(substitutionView);
    },

    /** The order's substitutions (the saga confirms the accepted ones' stock, releases the rest). */
    of: (orderId: string) => substitutionsRepository(db).list(orderId),

    /** Unanswered proposals past their time count as declined: expired, their stock given back. */
    async expireDue(limit = 100): Promise<number> {
      const at = now();
      const expired = await db.transaction().execute(async (trx) => {
        const repo = substitutionsRepository(trx);
        const due = await repo.claimDue(at, limit);
        for (const s of due) {
          await repo.expire(s.id, at);
          const order = await ordersRepository(trx).find(s.order_id);
          if (order)
            await writeOutbox(trx, [
              declaredEvent(
                SubstitutionEventDefs.ANSWERED,
                substitutionPayload({ ...s, status: 'expired', answered_at: at }, order),
                { aggregateId: s.order_id },
              ),
            ]);
        }
        return due;
      });
      for (const s of expired) await inventory.release(s.reservation_id);
      return expired.length;
    },
  };
}

export type SubstitutionsService = ReturnType<typeof substitutionsService>;
