import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAs, startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { openShop } from '../../../test/support/shop.ts';
import { MAX_ADDRESSES } from './addresses.service.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ workflows: false });
});
afterAll(async () => {
  await t?.stop();
});

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const call = (method: Method, url: string, token: string | undefined, payload?: object) =>
  callAs(t, token, method, url, payload);

/** A new customer account (its own addresses, nobody else's). */
async function signUp(): Promise<{ id: string; token: string }> {
  const res = await t.request({
    method: 'POST',
    url: '/v1/auth/signup',
    payload: {
      email: `addr-${uuidv7().slice(-12)}@example.com`,
      name: 'Addressee',
      password: 'a-long-enough-password',
    },
  });
  expect(res.statusCode).toBe(201);
  return { id: res.json().user.id, token: res.json().access_token };
}

const home = { label: 'Home', address: 'Torstraße 1, Berlin', lat: 52.529, lng: 13.401 };
const save = (token: string, body: object = home) => call('POST', '/v1/me/addresses', token, body);
const list = async (token: string) =>
  (await call('GET', '/v1/me/addresses', token)).json().items as Array<{
    id: string;
    label: string;
    is_default: boolean;
  }>;

describe('saved addresses', () => {
  it('saves, lists (default first), changes and deletes; one default at a time', async () => {
    const me = await signUp();
    const first = await save(me.token, { ...home, driver_notes: 'Ring twice' });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ ...home, driver_notes: 'Ring twice', is_default: false });
    const work = await save(me.token, {
      label: 'Work',
      address: 'Alexanderplatz 5',
      lat: 52.52,
      lng: 13.41,
      is_default: true,
    });
    expect(work.json().is_default).toBe(true);
    expect((await list(me.token)).map((a) => a.label)).toEqual(['Work', 'Home']);

    const id = first.json().id as string;
    const changed = await call('PATCH', `/v1/me/addresses/${id}`, me.token, {
      is_default: true,
      driver_notes: null,
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ label: 'Home', driver_notes: null, is_default: true });
    expect((await list(me.token)).map((a) => [a.label, a.is_default])).toEqual([
      ['Home', true],
      ['Work', false],
    ]);
    expect((await call('GET', `/v1/me/addresses/${id}`, me.token)).json().is_default).toBe(true);

    expect((await call('DELETE', `/v1/me/addresses/${id}`, me.token)).statusCode).toBe(204);
    expect((await call('GET', `/v1/me/addresses/${id}`, me.token)).statusCode).toBe(404);
    expect((await list(me.token)).map((a) => a.label)).toEqual(['Work']);
  });

  it('refuses points out of range and unknown fields; an empty change changes nothing', async () => {
    const me = await signUp();
    for (const body of [
      { ...home, lat: 90.5 },
      { ...home, lng: -181 },
      { ...home, label: '' },
      { ...home, floor: 3 },
    ]) {
      const res = await save(me.token, body);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
    const saved = (await save(me.token)).json();
    const id = saved.id as string;
    const empty = await call('PATCH', `/v1/me/addresses/${id}`, me.token, {});
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toEqual(saved);
    expect((await call('PATCH', `/v1/me/addresses/${id}`, me.token, { lat: -91 })).statusCode).toBe(
      400,
    );
  });

  it(`keeps at most ${MAX_ADDRESSES} per account and one default, also when requests race`, async () => {
    const me = await signUp();
    const answers = await Promise.all(
      Array.from({ length: MAX_ADDRESSES + 5 }, (_, i) =>
        save(me.token, { ...home, label: `Place ${i}`, is_default: true }),
      ),
    );
    const codes = answers.map((a) => a.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(MAX_ADDRESSES);
    const refused = answers.filter((a) => a.statusCode !== 201);
    expect(refused.map((a) => [a.statusCode, a.json().code])).toEqual(
      Array.from({ length: 5 }, () => [409, 'ADDRESS_LIMIT']),
    );
    const saved = await list(me.token);
    expect(saved).toHaveLength(MAX_ADDRESSES);
    expect(saved.filter((a) => a.is_default)).toHaveLength(1);
    await Promise.all(
      saved.map((a) => call('PATCH', `/v1/me/addresses/${a.id}`, me.token, { is_default: true })),
    );
    expect((await list(me.token)).filter((a) => a.is_default)).toHaveLength(1);
    // Room again after a delete.
    expect((await call('DELETE', `/v1/me/addresses/${saved[0]?.id}`, me.token)).statusCode).toBe(
      204,
    );
    expect((await save(me.token)).statusCode).toBe(201);
  });

  it("answers another customer's address 404 and other roles 403, changing nothing", async () => {
    const [owner, stranger] = [await signUp(), await signUp()];
    const id = (await save(owner.token)).json().id as string;
    for (const [method, payload] of [
      ['GET', undefined],
      ['PATCH', { label: 'Mine now' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await call(method, `/v1/me/addresses/${id}`, stranger.token, payload);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
    }
    expect(await list(stranger.token)).toEqual([]);
    for (const role of ['driver', 'store', 'ops'] as const) {
      const token = await t.tokenFor(role);
      expect((await call('GET', '/v1/me/addresses', token)).statusCode).toBe(403);
      expect((await call('GET', `/v1/me/addresses/${id}`, token)).statusCode).toBe(403);
    }
    expect((await call('GET', '/v1/me/addresses', undefined)).statusCode).toBe(401);
    expect((await list(owner.token)).map((a) => a.label)).toEqual(['Home']);
  });

  it('is in the export and deleted with the account', async () => {
    const me = await signUp();
    const id = (await save(me.token, { ...home, driver_notes: 'Gate code 1234' })).json().id;
    const exported = await call('GET', '/v1/me/export', me.token);
    expect(exported.statusCode).toBe(200);
    expect(exported.json().addresses.addresses).toEqual([
      expect.objectContaining({ id, label: 'Home', driver_notes: 'Gate code 1234' }),
    ]);
    expect((await call('DELETE', '/v1/me', me.token)).statusCode).toBe(204);
    const left = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM saved_addresses WHERE user_id = ${me.id}`.execute(
      t.platform.ctx.db,
    );
    expect(left.rows[0]?.n).toBe(0);
  });

  it("delivers a checkout to a saved address, and to nobody else's", async () => {
    const shop = await openShop(t, { stock: [5] });
    const [me, stranger] = [await signUp(), await signUp()];
    const at = { lat: shop.at.lat + 0.01, lng: shop.at.lng };
    const mine = (await save(me.token, { ...home, ...at, label: 'Flat' })).json();
    const order = (token: string, addressId: string) =>
      call('POST', '/v1/orders', token, {
        store_id: shop.storeId,
        lines: [{ product_id: shop.products[0]?.id, quantity: 1 }],
        delivery: { address_id: addressId },
        payment: { card_token: 'tok_visa' },
      });
    const placed = await order(me.token, mine.id);
    expect(placed.statusCode).toBe(201);
    expect(placed.json().delivery).toEqual({ ...at, address: home.address });
    const refused = await order(stranger.token, mine.id);
    expect(refused.statusCode).toBe(404);
    expect(refused.json().code).toBe('NOT_FOUND');
    const strangerOrders = await call('GET', '/v1/orders?limit=10', stranger.token);
    expect(strangerOrders.json().items).toEqual([]);
  });
});
