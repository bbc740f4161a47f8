import { describe, expect, it } from 'vitest';
import { catalogFixture, north } from '../../../test/support/catalog-fixture.ts';
import { inventoryFor } from '../inventory/index.ts';

const fx = catalogFixture({ categories: true });
const { api, store } = fx;

interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** Every page of a list, walked with its cursor from the first page to the last. */
async function walk<T>(url: string, token?: string): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | null = null;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const res = await api(
      'GET',
      cursor ? `${url}${sep}cursor=${encodeURIComponent(cursor)}` : url,
      undefined,
      token,
    );
    expect(res.statusCode, url).toBe(200);
    const page = res.json() as Page<T>;
    pages.push(page.items);
    cursor = page.next_cursor;
    expect(pages.length).toBeLessThan(50);
  } while (cursor);
  return pages;
}

const idsOf = (pages: Array<Array<{ id: string }>>) => pages.flat().map((i) => i.id);

describe('lists answered a page at a time', () => {
  it('pages through the stores near a point in arrival order, and refuses a cursor of another list', async () => {
    const made = [
      await store('Near 1', north(200_000)),
      await store('Near 2', north(200_600)),
      await store('Near 3', north(201_200)),
    ];
    const at = north(200_100);
    const url = `/v1/stores/nearby?lat=${at.lat}&lng=${at.lng}`;
    const whole = (await api('GET', url, undefined, undefined)).json() as Page<{ id: string }>;
    expect(whole.next_cursor).toBeNull();
    expect(whole.items.map((s) => s.id)).toEqual(made.map((s) => s.id));
    const pages = await walk<{ id: string }>(`${url}&limit=1`, undefined);
    expect(pages.map((p) => p.length)).toEqual([1, 1, 1]);
    expect(idsOf(pages)).toEqual(made.map((s) => s.id));

    const first = (await api('GET', `${url}&limit=1`, undefined, undefined)).json() as Page<{
      id: string;
    }>;
    const misplaced = await api(
      'GET',
      `/v1/stores?cursor=${encodeURIComponent(first.next_cursor as string)}`,
    );
    expect(misplaced.statusCode).toBe(400);
    expect(misplaced.json().errors[0].path).toBe('querystring.cursor');
  });

  it('pages through every store (ops) in id order, filtered by status', async () => {
    const paused = await store('Paused', north(210_000));
    expect((await api('POST', `/v1/stores/${paused.id}/pause`)).statusCode).toBe(200);
    const pages = await walk<{ id: string; status: string }>('/v1/stores?limit=2');
    const ids = idsOf(pages);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(paused.id);
    expect(pages.slice(0, -1).every((p) => p.length === 2)).toBe(true);
    const onlyPaused = await walk<{ id: string; status: string }>('/v1/stores?status=paused');
    expect(idsOf(onlyPaused)).toEqual([paused.id]);
  });

  it('pages through the category tree with each parent before its children', async () => {
    const pages = await walk<{ id: string; path: string[] }>('/v1/categories?limit=1');
    expect(pages.flat().map((c) => c.path.join('/'))).toEqual(['bakery', 'dairy', 'dairy/milk']);
    const all = await api('GET', '/v1/categories', undefined, undefined);
    expect(all.json()).toMatchObject({ next_cursor: null });
    expect(all.headers.etag).toBeTruthy();
    const again = await fx.t.request({
      method: 'GET',
      url: '/v1/categories',
      headers: { 'if-none-match': all.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
  });

  it('pages through search hits without repeating or losing one', async () => {
    const shop = await store('Pasta shop', north(220_000));
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const res = await api('POST', '/v1/products', {
        sku: `PASTA-${i}`,
        name: `Pasta shells ${i}`,
        category_id: 'dairy',
        price_minor: 100 + i,
        currency: 'EUR',
      });
      expect(res.statusCode).toBe(201);
      expect(res.headers.location).toBe(`/v1/products/${res.json().id}`);
      ids.push(res.json().id);
    }
    await inventoryFor(fx.t.platform.ctx).setLevels(
      ids.map((productId) => ({ storeId: shop.id, productId, onHand: 3 })),
      { kind: 'count', reason: 'pasta', actor: 'test' },
    );
    const at = north(220_100);
    const url = `/v1/search?lat=${at.lat}&lng=${at.lng}&q=pasta%20shells`;
    type Hit = { product: { sku: string }; store: { id: string }; available: number };
    const whole = (await api('GET', url, undefined, undefined)).json() as Page<Hit>;
    expect(whole.next_cursor).toBeNull();
    expect(whole.items).toHaveLength(5);
    expect(whole.items.every((h) => h.store.id === shop.id && h.available === 3)).toBe(true);
    const pages = await walk<Hit>(`${url}&limit=2`, undefined);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((h) => h.product.sku)).toEqual(whole.items.map((h) => h.product.sku));
  });

  it("pages through a store's staff accounts, oldest first", async () => {
    const shop = await store('Staffed', north(230_000));
    const emails: string[] = [];
    for (let i = 0; i < 3; i++) {
      const email = `pages-staff-${i}@test.lastmile.dev`;
      const res = await api('POST', `/v1/stores/${shop.id}/staff`, {
        email,
        name: `Staff ${i}`,
        password: 'staff-password-1',
      });
      expect(res.statusCode).toBe(201);
      emails.push(email);
    }
    const pages = await walk<{ email: string }>(`/v1/stores/${shop.id}/staff?limit=2`);
    expect(pages.map((p) => p.length)).toEqual([2, 1]);
    expect(pages.flat().map((s) => s.email)).toEqual(emails);
  });
});
