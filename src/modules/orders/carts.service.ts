import { uuidv7 } from 'uuidv7';
import type { Principal } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import type { CatalogServices } from '../catalog/index.ts';
import type { InventoryService } from '../inventory/index.ts';
import { cartsRepository } from './carts.repository.ts';
import { type FeeSchedule, priceOrder } from './pricing.ts';

interface CartDeps {
  db: Db;
  catalog: CatalogServices;
  inventory: InventoryService;
  fees: FeeSchedule;
  /** Whether a cart holds its stock (a reservation owned by `cart:<id>`). */
  holds: boolean;
  holdTtlMs: number;
}

/** The open cart priced at the catalog's current prices (an empty one when there is none). */
async function viewCart(deps: CartDeps, customerId: string) {
  const cart = await cartsRepository(deps.db).openCartOf(customerId);
  if (!cart)
    return {
      id: null,
      store_id: null,
      version: null,
      lines: [],
      totals: priceOrder([], deps.fees),
      currency: null,
    };
  const prices = await deps.catalog.products.pricesFor(cart.lines.map((l) => l.product_id));
  const lines = cart.lines.flatMap((l) => {
    const p = prices.get(l.product_id);
    return p
      ? [
          {
            product_id: l.product_id,
            sku: p.sku,
            name: p.name,
            unit_price_minor: p.price_minor,
            quantity: l.quantity,
            line_total_minor: p.price_minor * l.quantity,
          },
        ]
      : [];
  });
  const currency = prices.values().next().value?.currency ?? null;
  return {
    id: cart.id,
    store_id: cart.store_id,
    version: cart.version,
    currency,
    lines,
    totals: priceOrder(
      lines.map((l) => ({ unitPriceMinor: l.unit_price_minor, quantity: l.quantity })),
      deps.fees,
    ),
  };
}

/** Sets one line; with holds on, the whole cart is held again in the same transaction. */
async function setCartLine(
  deps: CartDeps,
  by: Principal,
  input: { store_id: string; product_id: string; quantity: number },
) {
  const { db, catalog, inventory } = deps;
  await catalog.stores.mustExist(input.store_id);
  const prices = await catalog.products.pricesFor([input.product_id]);
  if (!prices.has(input.product_id))
    throw new AppError('VALIDATION_FAILED', 'product_id: unknown product');
  const touched = await db.transaction().execute(async (trx) => {
    const carts = cartsRepository(trx);
    const cart = await carts.openAt(by.id, input.store_id, uuidv7());
    if (!cart)
      throw new AppError(
        'CONFLICT',
        'Your cart is at another store; empty it (DELETE /v1/cart) to shop here',
      );
    await carts.setLine(cart.id, input.product_id, input.quantity);
    if (deps.holds) {
      const current = await carts.openCartOf(by.id);
      const lines = (current?.lines ?? []).map((l) => ({
        productId: l.product_id,
        quantity: l.quantity,
      }));
      if (lines.length > 0) {
        return (
          await inventory.reserve(
            {
              storeId: cart.store_id,
              owner: `cart:${cart.id}`,
              lines,
              ttlMs: deps.holdTtlMs,
              replacingHoldOf: `cart:${cart.id}`,
            },
            trx,
          )
        ).stores;
      }
    }
    return [];
  });
  inventory.stockChanged(touched);
  if (deps.holds && input.quantity === 0) {
    const cart = await cartsRepository(db).openCartOf(by.id);
    if (cart && cart.lines.length === 0) await inventory.releaseHoldOf(`cart:${cart.id}`);
  }
  return viewCart(deps, by.id);
}

/**
 * The customer's cart at one store. Prices shown are the catalog's current ones; with cart holds
 * on, every change re-holds the whole cart in one transaction (release + reserve), so the hold
 * always matches the cart and expires with it.
 */
export function cartsService(deps: CartDeps) {
  return {
    view: (by: Principal) => viewCart(deps, by.id),
    setLine: (by: Principal, input: { store_id: string; product_id: string; quantity: number }) =>
      setCartLine(deps, by, input),
    async clear(by: Principal) {
      const cart = await cartsRepository(deps.db).openCartOf(by.id);
      if (!cart) return;
      await cartsRepository(deps.db).close(cart.id, 'abandoned');
      if (deps.holds) await deps.inventory.releaseHoldOf(`cart:${cart.id}`);
    },
  };
}

export type CartsService = ReturnType<typeof cartsService>;
