import type { Principal } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import type { CatalogServices, StoreView } from '../catalog/index.ts';
import { cartsRepository } from './carts.repository.ts';
import type { NewOrder, OrderLineRow } from './orders.repository.ts';
import type { PromiseMade } from './orders-tables.ts';
import { type FeeSchedule, priceOrder, type Totals } from './pricing.ts';

/** The body of `POST /v1/orders`. */
export interface CheckoutInput {
  /** Lines to buy; without them the customer's open cart is checked out. */
  store_id?: string;
  lines?: Array<{ product_id?: string; sku?: string; quantity: number }>;
  delivery: { lat: number; lng: number; address: string };
  payment: { card_token: string };
}

/** An order and its lines as checkout writes them (its reservation is filled in when placed). */
export interface OrderDraft {
  order: NewOrder;
  lines: OrderLineRow[];
}

type ProductPrice =
  Awaited<ReturnType<CatalogServices['products']['pricesFor']>> extends Map<string, infer P>
    ? P
    : never;
type Line = { productId: string; quantity: number };

const bad = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', `${path}: ${message}`, {
    details: { errors: [{ path: `body.${path}`, message }] },
  });

/** The lines to place: the given ones (SKUs resolved, each product once) or the open cart's. */
export async function resolveLines(
  deps: { db: Db; catalog: CatalogServices },
  by: Principal,
  input: CheckoutInput,
): Promise<{ storeId: string; cartId: string | null; lines: Line[] }> {
  const resolved = input.lines
    ? await givenLines(deps.catalog, input)
    : await cartLines(deps.db, by.id);
  if (resolved.lines.length === 0) throw new AppError('UNPROCESSABLE', 'The order has no lines');
  return resolved;
}

async function givenLines(catalog: CatalogServices, input: CheckoutInput) {
  const given = input.lines ?? [];
  if (!input.store_id) throw bad('store_id', 'required with lines');
  // Every SKU is resolved, also beside a product_id: the two must name the same product.
  const skus = given.flatMap((l) => (l.sku ? [l.sku] : []));
  const bySku =
    skus.length > 0 ? await catalog.products.idsForSkus(skus) : new Map<string, string>();
  const seen = new Set<string>();
  const lines = given.map((l, i) => {
    const skuId = l.sku ? bySku.get(l.sku) : undefined;
    if (l.sku && !skuId) throw bad(`lines.${i}`, `unknown SKU ${l.sku}`);
    if (l.product_id && skuId && skuId !== l.product_id)
      throw bad(`lines.${i}`, `SKU ${l.sku} is not the product ${l.product_id}`);
    const productId = l.product_id ?? skuId;
    if (!productId) throw bad(`lines.${i}`, 'give product_id or sku');
    if (seen.has(productId))
      throw bad(
        `lines.${i}`,
        'this product is already in an earlier line; send one line per product',
      );
    seen.add(productId);
    return { productId, quantity: l.quantity };
  });
  return { storeId: input.store_id, cartId: null, lines };
}

async function cartLines(db: Db, customerId: string) {
  const cart = await cartsRepository(db).openCartOf(customerId);
  if (!cart || cart.lines.length === 0) throw new AppError('UNPROCESSABLE', 'The cart is empty');
  return {
    storeId: cart.store_id,
    cartId: cart.id,
    lines: cart.lines.map((l) => ({ productId: l.product_id, quantity: l.quantity })),
  };
}

/** The store exists, takes orders now and delivers to the address. */
export async function checkStore(
  catalog: CatalogServices,
  storeId: string,
  delivery: { lat: number; lng: number },
): Promise<StoreView> {
  const check = await catalog.stores.deliveryCheck(storeId, delivery.lat, delivery.lng);
  if (!check) throw bad('store_id', 'unknown store');
  if (!check.open)
    throw new AppError('STORE_CLOSED', `${check.store.name} is not taking orders now`, {
      details: { store_id: storeId },
    });
  if (!check.covers)
    throw new AppError(
      'OUTSIDE_DELIVERY_AREA',
      `${check.store.name} does not deliver to this address`,
      { details: { store_id: storeId } },
    );
  return check.store;
}

/** Every line priced from the catalog (never the client), all in one currency, and the totals. */
export async function priceLines(catalog: CatalogServices, fees: FeeSchedule, lines: Line[]) {
  const products = await catalog.products.pricesFor(lines.map((l) => l.productId));
  const priced = lines.map((l, i) => {
    const p = products.get(l.productId);
    if (!p) throw bad(`lines.${i}`, 'unknown product');
    return { ...l, p };
  });
  const currency = priced[0]?.p.currency ?? '';
  const foreign = priced.findIndex((x) => x.p.currency !== currency);
  if (foreign >= 0)
    throw bad(
      `lines.${foreign}`,
      `priced in ${priced[foreign]?.p.currency}, the order is in ${currency}`,
    );
  const totals = priceOrder(
    priced.map((x) => ({ unitPriceMinor: x.p.price_minor, quantity: x.quantity })),
    fees,
  );
  return { priced, currency, totals };
}

/** The order to place, status `placed`, with its lines at the prices just read. */
export function draftOrder(p: {
  id: string;
  by: Principal;
  storeId: string;
  input: CheckoutInput;
  clientKey: string | null;
  priced: Array<Line & { p: ProductPrice }>;
  currency: string;
  totals: Totals;
  promise: PromiseMade;
  /** The store's orders not yet picked up as this one is placed (what the promise saw). */
  backlog: number;
}): OrderDraft {
  const order: NewOrder = {
    id: p.id,
    customer_id: p.by.id,
    store_id: p.storeId,
    status: 'placed',
    currency: p.currency,
    ...p.totals,
    delivery_lat: p.input.delivery.lat,
    delivery_lng: p.input.delivery.lng,
    delivery_address: p.input.delivery.address,
    reservation_id: '',
    payment_method: p.input.payment.card_token,
    client_key: p.clientKey,
    promise_from: new Date(p.promise.from),
    promise_to: new Date(p.promise.to),
    promise_at: new Date(p.promise.at),
    promise_backlog: p.backlog,
    promise_parts: p.promise.parts,
  };
  const lines: OrderLineRow[] = p.priced.map((x) => ({
    order_id: p.id,
    product_id: x.productId,
    sku: x.p.sku,
    name: x.p.name,
    unit_price_minor: x.p.price_minor,
    quantity: x.quantity,
    picked_quantity: null,
    age_restricted: x.p.age_restricted,
    substitute_for: null,
    replaced: 0,
  }));
  return { order, lines };
}
