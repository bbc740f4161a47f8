import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogFixture, north } from '../../../test/support/catalog-fixture.ts';
import { waitFor } from '../../../test/support/platform.ts';
import { inventoryFor } from '../inventory/index.ts';
import { PAGE_MAX_AGE_MS, PAGE_REFRESH_AHEAD_MS } from './http-cache.ts';

/**
 * The deadline for a change to show on a cached page: before the page's age could refresh it
 * (8 s after it was cached at the earliest), so a change seen by then is the notice's doing. The
 * second less covers the time between caching the page and the change.
 */
const SOON_MS = PAGE_MAX_AGE_MS - PAGE_REFRESH_AHEAD_MS - 1000;

const fx = catalogFixture();

/** An item of a store's product page. */
type ShelfItem = { product: { sku: string; price: { amount_minor: number } }; available: number };

const { api, store } = fx;

describe('store products and search', () => {
  let shop: { id: string };
  let far: { id: string };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    await api('PUT', '/v1/categories/dairy', { name: 'Dairy' });
    await api('PUT', '/v1/categories/milk', { name: 'Milk', parent_id: 'dairy' });
    await api('PUT', '/v1/categories/bakery', { name: 'Bakery' });
    const items = [
      ['MILK-1', 'Oat milk', 'milk'],
      ['MILK-2', 'Whole milk', 'milk'],
      ['YOG-1', 'Greek yoghurt', 'dairy'],
      ['BREAD-1', 'Rye bread', 'bakery'],
      ['BREAD-2', 'Sourdough bread', 'bakery'],
    ] as const;
    for (const [sku, name, category] of items) {
      const res = await api('POST', '/v1/products', {
        sku,
        name,
        brand: 'Farm',
        category_id: category,
        price_minor: 199,
        currency: 'EUR',
      });
      expect(res.statusCode).toBe(201);
      ids[sku] = res.json().id;
    }
    shop = await store('Shop', north(100_000));
    far = await store('Far shop', north(101_500));
    await inventoryFor(fx.t.platform.ctx).setLevels(
      [
        ...Object.values(ids).map((productId) => ({ storeId: shop.id, productId, onHand: 5 })),
        { storeId: far.id, productId: ids['MILK-1'] as string, onHand: 9 },
        { storeId: far.id, productId: ids['BREAD-1'] as string, onHand: 9 },
      ],
      { kind: 'count', reason: 'test stock', actor: 'test' },
    );
    await inventoryFor(fx.t.platform.ctx).setLevels(
      [{ storeId: shop.id, productId: ids['BREAD-1'] as string, onHand: 0 }],
      { kind: 'count', reason: 'sold out', actor: 'test' },
    );
  });

  const page = (storeId: string, qs = '') =>
    api('GET', `/v1/stores/${storeId}/products?${qs}`, undefined, undefined);

  it('lists only in-stock products with on hand minus reserved', async () => {
    await sql`UPDATE stock SET reserved = 2 WHERE store_id = ${shop.id} AND product_id = ${ids['MILK-2']}`.execute(
      fx.t.platform.ctx.db,
    );
    const res = await page(shop.id, 'limit=50');
    const items = res.json().items as ShelfItem[];
    expect(items.map((i) => i.product.sku)).toEqual(['YOG-1', 'MILK-1', 'BREAD-2', 'MILK-2']);
    expect(items.find((i) => i.product.sku === 'MILK-2')?.available).toBe(3);
  });

  it('answers one product at a store with its stock there, sold out as 0, else 404', async () => {
    const one = (storeId: string, productId: string) =>
      api('GET', `/v1/stores/${storeId}/products/${productId}`, undefined, undefined);
    const milk = await one(shop.id, ids['MILK-1'] as string);
    expect(milk.statusCode).toBe(200);
    expect(milk.json()).toMatchObject({
      product: { id: ids['MILK-1'], sku: 'MILK-1', name: 'Oat milk', brand: 'Farm' },
      available: 5,
    });
    expect(milk.headers['cache-control']).toMatch(/max-age=\d/);
    // Counted out, and never stocked at this store: both sold out there, not missing.
    expect((await one(shop.id, ids['BREAD-1'] as string)).json().available).toBe(0);
    expect((await one(far.id, ids['YOG-1'] as string)).json().available).toBe(0);
    const unknown = '01a20959-0000-7000-8000-000000000000';
    expect((await one(unknown, ids['MILK-1'] as string)).statusCode).toBe(404);
    expect((await one(shop.id, unknown)).json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('paginates with a stable cursor and filters by category including subcategories', async () => {
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const res = await page(shop.id, `limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      seen.push(...(res.json().items as ShelfItem[]).map((i) => i.product.sku));
      cursor = res.json().next_cursor;
    }
    expect(seen).toEqual(['YOG-1', 'MILK-1', 'BREAD-2', 'MILK-2']);
    const dairy = ((await page(shop.id, 'category=dairy')).json().items as ShelfItem[]).map(
      (i) => i.product.sku,
    );
    expect(dairy.sort()).toEqual(['MILK-1', 'MILK-2', 'YOG-1']);
    const q = ((await page(shop.id, 'q=bread')).json().items as ShelfItem[]).map(
      (i) => i.product.sku,
    );
    expect(q).toEqual(['BREAD-2']);
  });

  it('drops a product counted out of stock from a cached page at once and answers 304 to a matching ETag', async () => {
    const first = await page(shop.id, 'category=bakery');
    expect(first.json().items).toHaveLength(1);
    const etag = first.headers.etag as string;
    expect(first.headers['cache-control']).toContain('max-age=2');
    const again = await fx.t.request({
      method: 'GET',
      url: `/v1/stores/${shop.id}/products?category=bakery`,
      headers: { 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);
    const counted = await api('PUT', `/v1/stores/${shop.id}/stock/${ids['BREAD-2']}`, {
      on_hand: 0,
      reason: 'sold out',
    });
    expect(counted.statusCode).toBe(200);
    // The count's notice marks the store's pages: well within the page grace, far below the maximum age.
    await waitFor(
      async () => (await page(shop.id, 'category=bakery')).json().items.length === 0,
      SOON_MS,
      'sold-out product to disappear',
    );
    const after = await fx.t.request({
      method: 'GET',
      url: `/v1/stores/${shop.id}/products?category=bakery`,
      headers: { 'if-none-match': etag },
    });
    expect(after.statusCode).toBe(200);
  });

  it('shows a reservation and its release on a cached page at once, and keeps other stores cached', async () => {
    const available = async (storeId: string, sku: string) => {
      const items = (await page(storeId, 'category=dairy')).json().items as ShelfItem[];
      return items.find((i) => i.product.sku === sku)?.available;
    };
    const before = await available(shop.id, 'MILK-2');
    expect(before).toBeGreaterThan(2);
    // The far store's page is cached; a change written around the inventory (no notice) stays
    // unseen there while the shop's notices come and go: only the shop's pages are re-read.
    const farPage = (await page(far.id, 'category=dairy')).body;
    await sql`UPDATE stock SET on_hand = on_hand + 1 WHERE store_id = ${far.id} AND product_id = ${ids['MILK-1']}`.execute(
      fx.t.platform.ctx.db,
    );
    const inventory = inventoryFor(fx.t.platform.ctx);
    const held = await inventory.reserve({
      storeId: shop.id,
      owner: `test:${shop.id}`,
      lines: [{ productId: ids['MILK-2'] as string, quantity: 2 }],
      ttlMs: 60_000,
    });
    await waitFor(
      async () => (await available(shop.id, 'MILK-2')) === (before as number) - 2,
      SOON_MS,
      'reserved units to show',
    );
    await inventory.release(held.reservationId);
    await waitFor(
      async () => (await available(shop.id, 'MILK-2')) === before,
      SOON_MS,
      'released units to show',
    );
    expect((await page(far.id, 'category=dairy')).body).toBe(farPage);
  });

  it('refreshes a page asked for with an upper-case store id, and takes a count sent with one', async () => {
    const upper = shop.id.toUpperCase();
    const milk1 = async (storeId: string) =>
      ((await page(storeId, 'category=milk')).json().items as ShelfItem[]).find(
        (i) => i.product.sku === 'MILK-1',
      )?.available;
    const was = (await milk1(upper)) as number;
    expect(await milk1(shop.id)).toBe(was);
    expect(
      (
        await api('PUT', `/v1/stores/${upper}/stock/${ids['MILK-1']}`, {
          on_hand: was + 3,
          reason: 'upper-case count',
        })
      ).statusCode,
    ).toBe(200);
    await waitFor(
      async () => (await milk1(upper)) === was + 3 && (await milk1(shop.id)) === was + 3,
      SOON_MS,
      'both pages to show the count',
    );
  });

  it('finds a renamed product under its new name at once, though the old search was cached', async () => {
    const here = north(100_000);
    const search = async (q: string) =>
      (
        (
          await api(
            'GET',
            `/v1/search?lat=${here.lat}&lng=${here.lng}&q=${encodeURIComponent(q)}`,
            undefined,
            undefined,
          )
        ).json().items as Array<{ product: { sku: string } }>
      ).map((i) => i.product.sku);
    expect(await search('kefir')).not.toContain('YOG-1');
    expect(await search('  KEFIR ')).not.toContain('YOG-1');
    expect(
      (await api('PATCH', `/v1/products/${ids['YOG-1']}`, { name: 'Greek kefir' })).statusCode,
    ).toBe(200);
    await waitFor(
      async () => (await search('kefir')).includes('YOG-1'),
      SOON_MS,
      'the renamed product in search',
    );
    expect(
      (
        await api(
          'GET',
          `/v1/search?lat=${here.lat}&lng=${here.lng}&q=%20%20`,
          undefined,
          undefined,
        )
      ).json().items,
    ).toEqual([]);
  });

  it('re-reads pages when a product is repriced', async () => {
    const price = async () =>
      ((await page(shop.id, 'category=dairy')).json().items as ShelfItem[]).find(
        (i) => i.product.sku === 'YOG-1',
      )?.product.price.amount_minor;
    const was = await price();
    const res = await api('PATCH', `/v1/products/${ids['YOG-1']}`, {
      price_minor: (was as number) + 10,
    });
    expect(res.statusCode).toBe(200);
    await waitFor(
      async () => (await price()) === (was as number) + 10,
      SOON_MS,
      'new price on the page',
    );
  });

  it('answers 404 for an unknown store and 400 for a bad cursor', async () => {
    expect((await page('01a20959-0000-7000-8000-000000000000')).statusCode).toBe(404);
    const bad = await page(shop.id, 'cursor=not-a-cursor');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('querystring.cursor');
    expect((await page('nope')).statusCode).toBe(400);
  });

  it('searches across delivering stores and picks the nearest store that has the product', async () => {
    const here = north(101_400);
    const res = await api(
      'GET',
      `/v1/search?lat=${here.lat}&lng=${here.lng}&q=milk`,
      undefined,
      undefined,
    );
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<{ product: { sku: string }; store: { id: string } }>;
    expect(items.map((i) => i.product.sku).sort()).toEqual(['MILK-1', 'MILK-2']);
    expect(items.find((i) => i.product.sku === 'MILK-1')?.store.id).toBe(far.id);
    expect(items.find((i) => i.product.sku === 'MILK-2')?.store.id).toBe(shop.id);
    const typo = await api(
      'GET',
      `/v1/search?lat=${here.lat}&lng=${here.lng}&q=rye%20bred`,
      undefined,
      undefined,
    );
    expect(typo.json().items[0]?.product.sku).toBe('BREAD-1');
    const nowhere = await api('GET', '/v1/search?lat=0&lng=0&q=milk', undefined, undefined);
    expect(nowhere.json().items).toEqual([]);
  });

  it('rejects a product with an unknown category, a duplicate SKU, a bad currency or a client-chosen field', async () => {
    expect(
      (
        await api('POST', '/v1/products', {
          sku: 'X-1',
          name: 'x',
          category_id: 'nope',
          price_minor: 1,
          currency: 'EUR',
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await api('POST', '/v1/products', {
          sku: 'MILK-1',
          name: 'x',
          category_id: 'milk',
          price_minor: 1,
          currency: 'EUR',
        })
      ).statusCode,
    ).toBe(409);
    expect(
      (
        await api('POST', '/v1/products', {
          sku: 'X-2',
          name: 'x',
          category_id: 'milk',
          price_minor: 1,
          currency: 'eur',
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await api('POST', '/v1/products', {
          sku: 'X-3',
          name: 'x',
          category_id: 'milk',
          price_minor: -1,
          currency: 'EUR',
        })
      ).statusCode,
    ).toBe(400);
    expect((await api('PATCH', `/v1/products/${ids['MILK-1']}`, { version: 99 })).statusCode).toBe(
      400,
    );
  });
});
