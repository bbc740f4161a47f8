import { uuidv7 } from 'uuidv7';
import type { Principal } from '../../platform/auth/principal.ts';
import type { CartHoldLimits } from '../../platform/config.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import type { CatalogServices } from '../catalog/index.ts';
import type { InventoryService } from '../inventory/index.ts';
import { blocksCheckout, lineStockStatus } from './cart-stock.ts';
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
  /** Units per product and in all one cart may hold, and how long after its opening: in force now. */
  limits: () => CartHoldLimits;
  clock: Clock;
}

type CartLineInput = { store_id: string; product_id: string; quantity: number };

/** The most units of one product a cart line may ask for (the line's schema says the same). */
export const MAX_LINE_QUANTITY = 99;

/** How much the cart may take: of one product, and in all (null: no bound but the lines'). */
const limitsOf = (deps: CartDeps) => ({
  units_per_product: deps.holds
    ? Math.min(MAX_LINE_QUANTITY, deps.limits().maxUnits)
    : MAX_LINE_QUANTITY,
  units_in_all: deps.holds ? deps.limits().maxTotal : null,
});

/**
 * The open cart priced at the catalog's current prices, each line with the stock the cart can have
 * of it at its store (its own hold counted as its own), read in one statement beside the prices.
 * An empty cart when there is none.
 */
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
      limits: limitsOf(deps),
      short_product_ids: [],
    };
  const ids = cart.lines.map((l) => l.product_id);
  const [prices, stock] = await Promise.all([
    deps.catalog.products.pricesFor(ids),
    deps.inventory.availableTo(`cart:${cart.id}`, cart.store_id, ids),
  ]);
  const lines = cart.lines.flatMap((l) => {
    const p = prices.get(l.product_id);
    const available = stock.get(l.product_id) ?? 0;
    return p
      ? [
          {
            product_id: l.product_id,
            sku: p.sku,
            name: p.name,
            unit_price_minor: p.price_minor,
            quantity: l.quantity,
            line_total_minor: p.price_minor * l.quantity,
            available,
            status: lineStockStatus(available, l.quantity),
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
    limits: limitsOf(deps),
    short_product_ids: lines.filter((l) => blocksCheckout(l.status)).map((l) => l.product_id),
  };
}

type HoldLine = { productId: string; quantity: number };

/**
 * A change that adds units is refused (HOLD_LIMIT) when the cart would hold more of the product, or
 * more in all, than one customer may: thrown inside the change's transaction, so nothing of it stays.
 * A change that takes units away always passes (caps may have been lowered since).
 */
function checkHoldLimits(limits: CartHoldLimits, lines: readonly HoldLine[], changed: HoldLine) {
  if (changed.quantity > limits.maxUnits)
    throw new AppError(
      'HOLD_LIMIT',
      `A cart holds at most ${limits.maxUnits} unit(s) of one product; ${changed.quantity} asked`,
      { details: { product_id: changed.productId, limit: limits.maxUnits } },
    );
  const total = lines.reduce((n, l) => n + l.quantity, 0);
  if (total > limits.maxTotal)
    throw new AppError(
      'HOLD_LIMIT',
      `A cart holds at most ${limits.maxTotal} unit(s) in all; this change would hold ${total}`,
      { details: { limit: limits.maxTotal, total } },
    );
}

/**
 * The cart's lines it can hold in full now (its own hold counted as its own). A line the store can
 * no longer fill (the hold lapsed and others bought) stays in the cart unheld, shown short or sold
 * out and refused by checkout, so the customer can still lower or remove it and change the others.
 * A change that adds units (`added.quantity` above 0) to a line the store cannot fill is refused.
 */
async function holdableLines(
  deps: CartDeps,
  trx: Db,
  owner: string,
  storeId: string,
  lines: readonly HoldLine[],
  added: HoldLine,
): Promise<HoldLine[]> {
  const ids = lines.map((l) => l.productId);
  const can = await deps.inventory.availableTo(owner, storeId, ids, trx);
  if (added.quantity > (can.get(added.productId) ?? 0))
    throw new AppError('OUT_OF_STOCK', 'Not enough stock for 1 item(s)', {
      details: { product_ids: [added.productId] },
    });
  return lines.filter((l) => l.quantity <= (can.get(l.productId) ?? 0));
}

/**
 * Sets one line; with holds on, the cart is held again in the same transaction (the lines it can
 * hold in full, see `holdableLines`), until the TTL from now but never past the cart's maximum age
 * (after it the cart holds nothing). Returns the stores whose stock changed (once committed) and
 * whether the cart's hold is to be released.
 */
async function writeCartLine(deps: CartDeps, by: Principal, input: CartLineInput) {
  return deps.db.transaction().execute(async (trx) => {
    const carts = cartsRepository(trx);
    const cart = await carts.openAt(by.id, input.store_id, uuidv7(), new Date(deps.clock.now()));
    if (!cart)
      throw new AppError(
        'CONFLICT',
        'Your cart is at another store; empty it (DELETE /v1/cart) to shop here',
      );
    const before = deps.holds ? await carts.openCartOf(by.id) : undefined;
    await carts.setLine(cart.id, input.product_id, input.quantity);
    if (!deps.holds) return { touched: [], release: false };
    const lines = ((await carts.openCartOf(by.id))?.lines ?? []).map((l) => ({
      productId: l.product_id,
      quantity: l.quantity,
    }));
    const notAfterMs = cart.created_at.getTime() + deps.limits().maxAgeS * 1000;
    const ttlMs = Math.min(deps.holdTtlMs, notAfterMs - deps.clock.now());
    if (lines.length === 0 || ttlMs <= 0) return { touched: [], release: true };
    const was = before?.lines.find((l) => l.product_id === input.product_id)?.quantity ?? 0;
    if (input.quantity > was)
      checkHoldLimits(deps.limits(), lines, {
        productId: input.product_id,
        quantity: input.quantity,
      });
    const owner = `cart:${cart.id}`;
    const holdable = await holdableLines(deps, trx, owner, cart.store_id, lines, {
      productId: input.product_id,
      quantity: input.quantity > was ? input.quantity : 0,
    });
    if (holdable.length === 0) return { touched: [], release: true };
    const held = await deps.inventory.reserve(
      {
        storeId: cart.store_id,
        owner,
        lines: holdable,
        ttlMs,
        notAfterMs,
        replacingHoldOf: owner,
      },
      trx,
    );
    return { touched: held.stores, release: false };
  });
}

async function setCartLine(deps: CartDeps, by: Principal, input: CartLineInput) {
  const { catalog, inventory } = deps;
  await catalog.stores.mustExist(input.store_id);
  const prices = await catalog.products.pricesFor([input.product_id]);
  if (!prices.has(input.product_id))
    throw new AppError('VALIDATION_FAILED', 'product_id: unknown product');
  const { touched, release } = await writeCartLine(deps, by, input);
  inventory.stockChanged(touched);
  if (release) {
    const cart = await cartsRepository(deps.db).openCartOf(by.id);
    if (cart) await inventory.releaseHoldOf(`cart:${cart.id}`);
  }
  return viewCart(deps, by.id);
}

/**
 * The customer's cart at one store. Prices shown are the catalog's current ones, and each line's
 * stock; with cart holds on, every change re-holds the cart in one transaction (release + reserve):
 * every line the store can fill, so the hold matches the cart but for lines shown short or sold
 * out, and expires with it.
 */
export function cartsService(deps: CartDeps) {
  return {
    view: (by: Principal) => viewCart(deps, by.id),
    setLine: (by: Principal, input: CartLineInput) => setCartLine(deps, by, input),
    async clear(by: Principal) {
      const cart = await cartsRepository(deps.db).openCartOf(by.id);
      if (!cart) return;
      await cartsRepository(deps.db).close(cart.id, 'abandoned');
      if (deps.holds) await deps.inventory.releaseHoldOf(`cart:${cart.id}`);
    },
  };
}

export type CartsService = ReturnType<typeof cartsService>;
