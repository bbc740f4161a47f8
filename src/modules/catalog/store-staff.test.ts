import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { openShop, paidOrderAt, type Shop } from '../../../test/support/shop.ts';

let t: TestPlatform;
let ops: string;
let customer: string;
let driver: string;
let a: Shop;
let b: Shop;

beforeAll(async () => {
  t = await startTestPlatform();
  [ops, customer, driver] = [
    await t.tokenFor('ops'),
    await t.tokenFor('customer'),
    await t.tokenFor('driver'),
  ];
  a = await openShop(t, { stock: [20], lat: 52.5, lng: 13.4 });
  b = await openShop(t, { stock: [20], lat: 52.6, lng: 13.5 });
});
afterAll(async () => {
  await t?.stop();
});

let n = 0;
const staffEmail = () => `staff-${Date.now()}-${n++}@test.lastmile.dev`;
const PASSWORD = 'store-staff-password';
const addStaff = (storeId: string, token: string | undefined, payload: object) =>
  t.request({ method: 'POST', url: `/v1/stores/${storeId}/staff`, token, payload });
const staffOf = (storeId: string, token: string) =>
  t.request({ method: 'GET', url: `/v1/stores/${storeId}/staff`, token });

async function placeOrder(shop: Shop): Promise<string> {
  return (await paidOrderAt(t, shop, { token: customer, north: 0.005 })).id;
}

describe('store staff accounts', () => {
  it('ops creates a staff account that signs in as the store and works on that store only', async () => {
    const email = staffEmail();
    const created = await addStaff(a.storeId, ops, {
      email,
      name: 'Ana Packer',
      password: PASSWORD,
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      id: expect.any(String),
      email,
      name: 'Ana Packer',
      store_id: a.storeId,
    });

    const login = await t.request({
      method: 'POST',
      url: '/v1/auth/token',
      payload: { email, password: PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().user).toMatchObject({ id: created.json().id, role: 'store' });
    const staff = login.json().access_token as string;
    expect((await t.request({ method: 'GET', url: '/v1/me', token: staff })).json()).toMatchObject({
      role: 'store',
      store_id: a.storeId,
    });

    const [mine, theirs] = [await placeOrder(a), await placeOrder(b)];
    const list = await t.request({ method: 'GET', url: '/v1/orders?limit=100', token: staff });
    expect(list.statusCode).toBe(200);
    const items = list.json().items as Array<{ id: string; store_id: string }>;
    expect(items.map((o) => o.id)).toContain(mine);
    expect(items.every((o) => o.store_id === a.storeId)).toBe(true);
    expect(
      (await t.request({ method: 'GET', url: `/v1/orders/${theirs}`, token: staff })).statusCode,
    ).toBe(404);
    expect(
      (await t.request({ method: 'POST', url: `/v1/orders/${theirs}/accept`, token: staff }))
        .statusCode,
    ).toBe(404);
    expect(
      (await t.request({ method: 'POST', url: `/v1/orders/${mine}/accept`, token: staff }))
        .statusCode,
    ).toBe(200);

    // Store routes: its own store yes, another store no.
    expect(
      (
        await t.request({
          method: 'PATCH',
          url: `/v1/stores/${a.storeId}`,
          token: staff,
          payload: { avg_prep_s: 240 },
        })
      ).json().avg_prep_s,
    ).toBe(240);
    expect(
      (
        await t.request({
          method: 'PATCH',
          url: `/v1/stores/${b.storeId}`,
          token: staff,
          payload: { avg_prep_s: 240 },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await t.request({ method: 'POST', url: `/v1/stores/${b.storeId}/pause`, token: staff }))
        .statusCode,
    ).toBe(403);

    // It sees its colleagues (the shop's first account too), never a password hash; not another store's.
    const colleagues = await staffOf(a.storeId, staff);
    expect(colleagues.statusCode).toBe(200);
    const people = colleagues.json().items as Array<Record<string, unknown>>;
    expect(people.map((p) => p.email)).toContain(email);
    expect(people.length).toBeGreaterThanOrEqual(2);
    for (const p of people)
      expect(Object.keys(p).sort()).toEqual(['email', 'id', 'name', 'store_id']);
    expect(people.every((p) => p.store_id === a.storeId)).toBe(true);
    expect(colleagues.body).not.toMatch(/argon2|password/);
    expect((await staffOf(b.storeId, staff)).statusCode).toBe(403);
    expect((await staffOf(a.storeId, ops)).json().items).toEqual(people);
  });

  it('lets only ops create staff, and only ops or the store itself list them', async () => {
    const payload = { email: staffEmail(), name: 'Not Allowed', password: PASSWORD };
    for (const token of [customer, driver, a.storeToken, b.storeToken]) {
      const res = await addStaff(a.storeId, token, payload);
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
    }
    expect((await addStaff(a.storeId, undefined, payload)).statusCode).toBe(401);
    for (const token of [customer, driver, b.storeToken])
      expect((await staffOf(a.storeId, token)).statusCode).toBe(403);
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/v1/auth/token',
          payload: { email: payload.email, password: PASSWORD },
        })
      ).statusCode,
    ).toBe(401);
  });

  it('answers 404 for an unknown store, 409 for an email already taken and 400 for a bad body', async () => {
    const ghost = uuidv7();
    expect(
      (
        await addStaff(ghost, ops, { email: staffEmail(), name: 'Ghost', password: PASSWORD })
      ).json().code,
    ).toBe('NOT_FOUND');
    expect((await staffOf(ghost, ops)).statusCode).toBe(404);

    const email = staffEmail();
    expect(
      (await addStaff(a.storeId, ops, { email, name: 'First', password: PASSWORD })).statusCode,
    ).toBe(201);
    for (const storeId of [a.storeId, b.storeId]) {
      const again = await addStaff(storeId, ops, {
        email: email.toUpperCase(),
        name: 'Second',
        password: 'another-password',
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('CONFLICT');
    }
    // Nor can staff take over a customer's email (the account stays a customer's).
    expect(
      (
        await addStaff(a.storeId, ops, {
          email: 'customer@demo.lastmile.dev',
          name: 'X',
          password: PASSWORD,
        })
      ).statusCode,
    ).toBe(409);
    const kept = await t.request({
      method: 'POST',
      url: '/v1/auth/token',
      payload: { email, password: PASSWORD },
    });
    expect(kept.json().user).toMatchObject({ name: 'First', role: 'store' });
    expect(
      (await t.request({ method: 'GET', url: '/v1/me', token: kept.json().access_token })).json()
        .store_id,
    ).toBe(a.storeId);

    expect(
      (await addStaff(a.storeId, ops, { email: staffEmail(), name: 'Short', password: 'short' }))
        .statusCode,
    ).toBe(400);
    expect(
      (
        await addStaff(a.storeId, ops, {
          email: staffEmail(),
          name: 'Ops?',
          password: PASSWORD,
          role: 'ops',
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (await addStaff('not-a-uuid', ops, { email: staffEmail(), name: 'X', password: PASSWORD }))
        .statusCode,
    ).toBe(400);
  });
});
