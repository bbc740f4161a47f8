import type { LightMyRequestResponse } from 'fastify';
import { uuidv7 } from 'uuidv7';
import { expect } from 'vitest';
import { DEMO_PASSWORD } from '../../src/cli/demo-seed.ts';
import { identityService } from '../../src/modules/identity/index.ts';
import { inventoryFor } from '../../src/modules/inventory/index.ts';
import type { TestPlatform } from './platform.ts';

export const ALWAYS_OPEN = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]),
);

export interface Shop {
  storeId: string;
  storeToken: string;
  products: Array<{ id: string; sku: string; price: number }>;
  at: { lat: number; lng: number };
}

/**
 * A store with products, stock and a staff account, made through the public API (and the
 * inventory's stock import function for the levels), for tests that need something to sell.
 */
export async function openShop(
  t: TestPlatform,
  opts: { stock: number[]; prices?: number[]; currency?: string; lat?: number; lng?: number },
): Promise<Shop> {
  const ops = await t.tokenFor('ops');
  const at = { lat: opts.lat ?? 52.5, lng: opts.lng ?? 13.4 };
  const tag = uuidv7().slice(-8);
  await t.request({
    method: 'PUT',
    url: '/v1/categories/groceries',
    token: ops,
    payload: { name: 'Groceries' },
  });
  const store = await t.request({
    method: 'POST',
    url: '/v1/stores',
    token: ops,
    payload: {
      name: `Shop ${tag}`,
      lat: at.lat,
      lng: at.lng,
      zone: { radius_m: 5000 },
      opening_hours: ALWAYS_OPEN,
      avg_prep_s: 300,
    },
  });
  if (store.statusCode !== 201) throw new Error(`store: ${store.body}`);
  const storeId = store.json().id as string;
  const products: Shop['products'] = [];
  for (let i = 0; i < opts.stock.length; i++) {
    const price = opts.prices?.[i] ?? 250 + i * 100;
    const sku = `T-${tag}-${i}`;
    const res = await t.request({
      method: 'POST',
      url: '/v1/products',
      token: ops,
      payload: {
        sku,
        name: `Product ${i} ${tag}`,
        category_id: 'groceries',
        price_minor: price,
        currency: opts.currency ?? 'EUR',
      },
    });
    if (res.statusCode !== 201) throw new Error(`product: ${res.body}`);
    products.push({ id: res.json().id, sku, price });
  }
  await inventoryFor(t.platform.ctx).setLevels(
    products.map((p, i) => ({ storeId, productId: p.id, onHand: opts.stock[i] ?? 0 })),
    { kind: 'count', reason: 'test shop', actor: 'test' },
  );
  const email = `staff-${tag}@test.lastmile.dev`;
  await identityService(t.platform.ctx.db, t.platform.ctx.tokens).upsertUser({
    email,
    name: 'Staff',
    role: 'store',
    password: DEMO_PASSWORD,
    storeId,
  });
  const login = await t.request({
    method: 'POST',
    url: '/v1/auth/token',
    payload: { email, password: DEMO_PASSWORD },
  });
  // Without this, a failed sign-in shows up later as a 401 on whatever the store does first.
  if (login.statusCode !== 200) throw new Error(`staff sign-in: ${login.statusCode} ${login.body}`);
  return { storeId, storeToken: login.json().access_token, products, at };
}

export interface OrderAsk {
  /** The customer's bearer token. */
  token: string;
  /** [product index in the shop, quantity] pairs; one of product 0 if not given. */
  lines?: Array<[number, number]>;
  card?: string;
  /** How far north of the store the door is, in degrees (the distance prices the delivery). */
  north?: number;
  address?: string;
}

/** Places an order at the shop; the answer as it comes (a declined card answers 402). */
export function orderAt(
  t: TestPlatform,
  shop: Shop,
  ask: OrderAsk,
): Promise<LightMyRequestResponse> {
  return t.request({
    method: 'POST',
    url: '/v1/orders',
    token: ask.token,
    headers: { 'idempotency-key': uuidv7() },
    payload: {
      store_id: shop.storeId,
      lines: (ask.lines ?? [[0, 1]]).map(([i, quantity]) => ({
        product_id: shop.products[i]?.id,
        quantity,
      })),
      delivery: {
        lat: shop.at.lat + (ask.north ?? 0.01),
        lng: shop.at.lng,
        address: ask.address ?? 'Door 1',
      },
      payment: { card_token: ask.card ?? 'tok_visa' },
    },
  });
}

export interface PaidOrder {
  id: string;
  total: number;
  /** The whole answer to the checkout. */
  body: Record<string, unknown>;
}

/** An order at the shop, paid (the checkout answered 201). */
export async function paidOrderAt(t: TestPlatform, shop: Shop, ask: OrderAsk): Promise<PaidOrder> {
  const res = await orderAt(t, shop, ask);
  expect(res.statusCode).toBe(201);
  const body = res.json();
  return { id: body.id, total: body.totals.total_minor, body };
}

export type StoreStep = 'accept' | 'preparing' | 'ready';

/** The shop's staff moves the order on through `steps` in turn, each answering 200. */
export async function moveOrder(
  t: TestPlatform,
  shop: Shop,
  orderId: string,
  ...steps: StoreStep[]
) {
  for (const step of steps) {
    const res = await t.request({
      method: 'POST',
      url: `/v1/orders/${orderId}/${step}`,
      token: shop.storeToken,
      ...(step === 'ready' ? { payload: { picked: [] } } : {}),
    });
    expect(res.statusCode).toBe(200);
  }
}
