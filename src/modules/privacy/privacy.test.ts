import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform, waitFor } from '../../../test/support/platform.ts';
import { openShop, type Shop } from '../../../test/support/shop.ts';
import { auditEntries } from '../../../test/support/audit.ts';
import { closedAccounts } from '../identity/index.ts';

let t: TestPlatform;
let ops: string;
let shop: Shop;
beforeAll(async () => {
  t = await startTestPlatform();
  ops = await t.tokenFor('ops');
  shop = await openShop(t, { stock: [50, 50] });
});
afterAll(async () => {
  await t?.stop();
});

const PASSWORD = 'a-long-enough-password';
const rows = async <R>(query: ReturnType<typeof sql<R>>) =>
  (await query.execute(t.platform.ctx.db)).rows;

interface Person {
  id: string;
  email: string;
  token: string;
}

async function signUp(tag: string): Promise<Person> {
  const email = `${tag}-${uuidv7().slice(-8)}@example.com`;
  const res = await t.request({
    method: 'POST',
    url: '/v1/auth/signup',
    payload: { email, name: `Person ${tag}`, password: PASSWORD },
  });
  expect(res.statusCode).toBe(201);
  return { id: res.json().user.id, email, token: res.json().access_token };
}

const call = (method: 'GET' | 'POST' | 'DELETE', url: string, token: string, payload?: object) =>
  t.request({
    method,
    url,
    token,
    ...(payload ? { payload } : {}),
    headers: { 'idempotency-key': uuidv7() },
  });

/** An order of `who` to `address`, accepted by the store so that dispatch plans its delivery. */
async function acceptedOrder(who: Person, address: string): Promise<string> {
  const placed = await call('POST', '/v1/orders', who.token, {
    store_id: shop.storeId,
    lines: [{ product_id: shop.products[0]?.id, quantity: 2 }],
    delivery: { lat: shop.at.lat + 0.005, lng: shop.at.lng, address },
    payment: { card_token: 'tok_visa' },
  });
  expect(placed.statusCode).toBe(201);
  const id = placed.json().id as string;
  expect((await call('POST', `/v1/orders/${id}/accept`, shop.storeToken)).statusCode).toBe(200);
  await waitFor(
    async () => (await call('GET', `/v1/orders/${id}/delivery`, who.token)).statusCode === 200,
    10_000,
    'delivery planned',
  );
  return id;
}

async function cancel(who: Person, orderId: string): Promise<void> {
  const res = await call('POST', `/v1/orders/${orderId}/cancel`, who.token, { reason: 'changed' });
  expect(res.statusCode).toBe(200);
  await waitFor(
    async () =>
      (
        await rows(
          sql<{ status: string }>`SELECT status FROM deliveries WHERE order_id = ${orderId}`,
        )
      )[0]?.status === 'canceled',
    10_000,
    'delivery canceled',
  );
}

async function notifyAndTicket(who: Person, text: string): Promise<void> {
  const opened = await call('POST', '/v1/support/tickets', who.token, {
    subject: `About ${text}`,
    message: `My secret ${text}`,
  });
  expect(opened.statusCode).toBe(201);
  await sql`INSERT INTO notifications (id, recipient_user_id, kind, title, body, event_id)
    VALUES (${uuidv7()}, ${who.id}, 'test', ${`For ${text}`}, ${`Body ${text}`}, ${uuidv7()})`.execute(
    t.platform.ctx.db,
  );
}

describe('a customer’s data', () => {
  let alice: Person;
  let bob: Person;
  let aliceOrder: string;
  let bobOrder: string;
  beforeAll(async () => {
    alice = await signUp('alice');
    bob = await signUp('bob');
    aliceOrder = await acceptedOrder(alice, 'Alice Lane 1');
    bobOrder = await acceptedOrder(bob, 'Bob Road 2');
    await notifyAndTicket(alice, 'alice-text');
    await notifyAndTicket(bob, 'bob-text');
  });

  it('exports everything about the customer and nothing about anyone else', async () => {
    const res = await call('GET', '/v1/me/export', alice.token);
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc).toMatchObject({ format: 'lastmile.personal-data/1', user_id: alice.id });
    expect(doc.identity.account).toMatchObject({ id: alice.id, email: alice.email });
    expect(doc.orders.orders).toHaveLength(1);
    expect(doc.orders.orders[0]).toMatchObject({
      id: aliceOrder,
      delivery: { address: 'Alice Lane 1' },
      lines: [{ quantity: 2 }],
    });
    expect(doc.payments.payments[0]).toMatchObject({ order_id: aliceOrder });
    expect(doc.payments.ledger.length).toBeGreaterThan(0);
    expect(doc.dispatch.deliveries[0]).toMatchObject({ order_id: aliceOrder });
    expect(doc.tracking.orders.map((o: { order_id: string }) => o.order_id)).toEqual([aliceOrder]);
    expect(doc.notifications.notifications[0]).toMatchObject({ title: 'For alice-text' });
    expect(doc.support.tickets[0]).toMatchObject({ message: 'My secret alice-text' });
    for (const other of [bob.id, bob.email, bobOrder, 'Bob Road 2', 'bob-text'])
      expect(res.body).not.toContain(other);
  });

  it('refuses to erase while an order is in flight, then erases every personal field', async () => {
    const refused = await call('DELETE', '/v1/me', alice.token);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'ORDER_IN_FLIGHT' });
    expect((await call('GET', '/v1/me', alice.token)).statusCode).toBe(200);

    await cancel(alice, aliceOrder);
    const total = (
      await rows(
        sql<{ total_minor: number }>`SELECT total_minor FROM orders WHERE id = ${aliceOrder}`,
      )
    )[0]?.total_minor;
    expect((await call('DELETE', '/v1/me', alice.token)).statusCode).toBe(204);

    const [user] = await rows(
      sql<{
        email: string;
        name: string;
        erased_at: Date | null;
      }>`SELECT email, name, erased_at FROM users WHERE id = ${alice.id}`,
    );
    expect(user).toMatchObject({
      email: `erased-${alice.id}@erased.invalid`,
      name: 'Erased account',
    });
    expect(user?.erased_at).not.toBeNull();
    // The order and its payment stay for the accounts, with their totals, without the address.
    const [order] = await rows(
      sql<
        Record<string, unknown>
      >`SELECT total_minor, delivery_address, delivery_lat, delivery_lng FROM orders WHERE id = ${aliceOrder}`,
    );
    expect(order).toEqual({
      total_minor: total,
      delivery_address: '',
      delivery_lat: 0,
      delivery_lng: 0,
    });
    const ledger = await rows(
      sql<{ kind: string; amount_minor: number }>`SELECT l.kind, l.amount_minor FROM payments p
        JOIN payment_ledger l ON l.payment_id = p.id WHERE p.order_id = ${aliceOrder} AND l.kind = 'authorize'`,
    );
    expect(ledger).toEqual([{ kind: 'authorize', amount_minor: total }]);
    const leftovers = await rows(sql<{ n: number }>`SELECT
        (SELECT count(*) FROM users WHERE email = ${alice.email} OR name = 'Person alice')
      + (SELECT count(*) FROM orders WHERE delivery_address = 'Alice Lane 1')
      + (SELECT count(*) FROM deliveries WHERE dropoff_address = 'Alice Lane 1' OR (customer_id = ${alice.id} AND dropoff_lat <> 0))
      + (SELECT count(*) FROM delivery_steps s JOIN deliveries d ON d.id = s.delivery_id WHERE d.customer_id = ${alice.id} AND (s.lat IS NOT NULL OR s.note IS NOT NULL))
      + (SELECT count(*) FROM tracking_orders WHERE customer_id = ${alice.id} AND dropoff_lat <> 0)
      + (SELECT count(*) FROM tracking_messages WHERE order_id = ${aliceOrder})
      + (SELECT count(*) FROM notifications WHERE recipient_user_id = ${alice.id})
      + (SELECT count(*) FROM support_tickets WHERE message LIKE '%alice-text%' OR subject LIKE '%alice-text%')
      + (SELECT count(*) FROM carts WHERE customer_id = ${alice.id})
      + (SELECT count(*) FROM idempotency_keys WHERE scope = ${`user:${alice.id}`})
      + (SELECT count(*) FROM sign_in_failures WHERE email = ${alice.email}) AS n`);
    expect(leftovers[0]?.n).toBe(0);
    const erased = await rows(
      sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM outbox WHERE type = 'identity.account_erased' AND aggregate_id = ${alice.id}`,
    );
    expect(erased[0]?.n).toBe(1);

    // Bob is untouched.
    const bobs = await rows(
      sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM orders WHERE customer_id = ${bob.id} AND delivery_address = 'Bob Road 2'`,
    );
    expect(bobs[0]?.n).toBe(1);
    expect((await call('GET', '/v1/me/export', bob.token)).json().support.tickets).toHaveLength(1);
  });

  it('closes the erased account: its sign-in and its old token are refused', async () => {
    const signIn = await t.request({
      method: 'POST',
      url: '/v1/auth/token',
      payload: { email: alice.email, password: PASSWORD },
    });
    expect(signIn.statusCode).toBe(401);
    for (const url of ['/v1/me', '/v1/me/export', '/v1/orders']) {
      const res = await call('GET', url, alice.token);
      expect(res.statusCode, url).toBe(401);
      expect(res.json().code).toBe('UNAUTHENTICATED');
    }
    // A process that did not erase it learns of it from the table (other API processes).
    const fresh = closedAccounts({
      db: t.platform.ctx.db,
      clock: t.platform.ctx.clock,
      tokenTtlS: 3600,
      logger: t.platform.ctx.logger,
    });
    expect(await fresh.isOpen({ kind: 'user', id: alice.id, role: 'customer' })).toBe(false);
    expect(await fresh.isOpen({ kind: 'user', id: bob.id, role: 'customer' })).toBe(true);
  });

  it('lets ops export (any level) and erase (an admin) on request, each audited; nobody else, never an ops account', async () => {
    const agent = await t.tokenFor('ops', 1);
    const why = { reason: 'subject request #7' };
    const exportOf = (id: string) => `/v1/ops/users/${id}/export?reason=subject%20request%20%237`;
    expect((await call('GET', exportOf(bob.id), alice.token)).statusCode).toBe(401);
    for (const [method, url] of [
      ['GET', exportOf(alice.id)],
      ['DELETE', `/v1/ops/users/${alice.id}`],
    ] as const) {
      const res = await call(method, url, bob.token, method === 'DELETE' ? why : undefined);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
    const exported = await call('GET', exportOf(bob.id), agent);
    expect(exported.statusCode).toBe(200);
    expect(exported.json().identity.account.email).toBe(bob.email);
    expect((await call('GET', exportOf(uuidv7()), ops)).statusCode).toBe(404);
    expect((await call('DELETE', `/v1/ops/users/${uuidv7()}`, ops, why)).statusCode).toBe(404);

    const byAgent = await call('DELETE', `/v1/ops/users/${bob.id}`, agent, why);
    expect(byAgent.json()).toMatchObject({ status: 403, code: 'OPS_ADMIN_REQUIRED' });
    const refused = await call('DELETE', `/v1/ops/users/${bob.id}`, ops, why);
    expect(refused.json()).toMatchObject({ code: 'ORDER_IN_FLIGHT' });
    await cancel(bob, bobOrder);
    expect((await call('DELETE', `/v1/ops/users/${bob.id}`, ops, why)).statusCode).toBe(204);
    // A repeat changes nothing.
    expect((await call('DELETE', `/v1/ops/users/${bob.id}`, ops, why)).statusCode).toBe(204);
    expect((await call('GET', '/v1/me', bob.token)).statusCode).toBe(401);
    // Who read and erased, when and why; the refusals wrote nothing, and nothing personal is kept.
    const audit = await auditEntries(t, agent, `target_type=user&target_id=${bob.id}`);
    expect(audit.map((a) => [a.action, a.actor.level, a.reason])).toEqual([
      ['privacy.erase', 'admin', why.reason],
      ['privacy.erase', 'admin', why.reason],
      ['privacy.export', 'agent', why.reason],
    ]);
    expect(audit[1]).toMatchObject({
      before: { role: 'customer', erased: false },
      after: { role: 'customer', erased: true },
    });
    expect(JSON.stringify(audit)).not.toContain(bob.email);

    const me = (await call('GET', '/v1/me', ops)).json();
    const self = await call('DELETE', `/v1/ops/users/${me.id}`, ops, why);
    expect(self.json()).toMatchObject({ code: 'ACCOUNT_NOT_ERASABLE' });
  });
});

describe('a driver’s data', () => {
  let driverId: string;
  let userId: string;
  let token: string;
  const email = `driver-${uuidv7().slice(-8)}@example.com`;
  const customerId = uuidv7();
  beforeAll(async () => {
    const made = await call('POST', '/v1/drivers', ops, {
      email,
      name: 'Dora Driver',
      password: PASSWORD,
      vehicle: 'car',
      phone: '+49 30 1234567',
    });
    expect(made.statusCode).toBe(201);
    driverId = made.json().id;
    const signIn = await t.request({
      method: 'POST',
      url: '/v1/auth/token',
      payload: { email, password: PASSWORD },
    });
    token = signIn.json().access_token;
    userId = signIn.json().user.id;
    const now = Date.now();
    const points = [0, 1, 2].map((i) => ({
      lat: 52.5 + i * 0.001,
      lng: 13.4,
      recorded_at: new Date(now - 120_000 + i * 40_000).toISOString(),
    }));
    expect((await call('POST', '/v1/drivers/me/locations', token, { points })).statusCode).toBe(
      200,
    );
    await waitFor(
      async () =>
        (
          await rows(
            sql<{
              n: number;
            }>`SELECT count(*)::int AS n FROM driver_locations WHERE driver_id = ${driverId}`,
          )
        )[0]?.n === 3,
      10_000,
      'history written',
    );
    // A delivery the driver made for someone else: the history names it, never the customer.
    const trip = uuidv7();
    const delivery = uuidv7();
    await sql`INSERT INTO trips (id, store_id, pickup_lat, pickup_lng, status, driver_id, items,
        dispatch_at, created_at, status_at)
      VALUES (${trip}, ${shop.storeId}, 52.5, 13.4, 'done', ${driverId}, 1, now(), now(), now())`.execute(
      t.platform.ctx.db,
    );
    await sql`INSERT INTO deliveries (id, order_id, trip_id, store_id, customer_id, dropoff_lat,
        dropoff_lng, dropoff_address, items, age_restricted, status, driver_id, pin,
        ready_estimate_at, promised_at, created_at, status_at)
      VALUES (${delivery}, ${uuidv7()}, ${trip}, ${shop.storeId}, ${customerId}, 52.51, 13.41,
        'Secret Door 9', 1, false, 'delivered', ${driverId}, '4321', now(), now(), now(), now())`.execute(
      t.platform.ctx.db,
    );
    await sql`INSERT INTO delivery_steps (delivery_id, status, driver_id, lat, lng, at, note)
      VALUES (${delivery}, 'delivered', ${driverId}, 52.51, 13.41, now(), 'left at the door')`.execute(
      t.platform.ctx.db,
    );
  });

  it('exports the profile, the location history and the deliveries, without the customers', async () => {
    const res = await call('GET', '/v1/me/export', token);
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.drivers.profile).toMatchObject({ id: driverId, name: 'Dora Driver' });
    expect(doc.drivers.locations).toHaveLength(3);
    expect(doc.dispatch.driver_history.deliveries).toHaveLength(1);
    expect(doc.dispatch.driver_history.steps[0]).toMatchObject({ note: 'left at the door' });
    for (const other of [customerId, 'Secret Door 9', '4321'])
      expect(res.body).not.toContain(other);
  });

  it('refuses while the driver is on a delivery, then erases name, phone and whereabouts', async () => {
    await sql`UPDATE drivers SET status = 'on_delivery' WHERE id = ${driverId}`.execute(
      t.platform.ctx.db,
    );
    const refused = await call('DELETE', '/v1/me', token);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'DRIVER_ON_JOB' });
    await sql`UPDATE drivers SET status = 'available' WHERE id = ${driverId}`.execute(
      t.platform.ctx.db,
    );

    expect((await call('DELETE', '/v1/me', token)).statusCode).toBe(204);
    const [profile] = await rows(
      sql<
        Record<string, unknown>
      >`SELECT name, phone, status, last_lat FROM drivers WHERE id = ${driverId}`,
    );
    expect(profile).toEqual({
      name: 'Erased driver',
      phone: null,
      status: 'offline',
      last_lat: null,
    });
    const left = await rows(sql<{ n: number }>`SELECT
        (SELECT count(*) FROM driver_locations WHERE driver_id = ${driverId})
      + (SELECT count(*) FROM delivery_steps WHERE driver_id = ${driverId} AND (lat IS NOT NULL OR note IS NOT NULL))
      + (SELECT count(*) FROM users WHERE id = ${userId} AND (email = ${email} OR name = 'Dora Driver'))
      AS n`);
    expect(left[0]?.n).toBe(0);
    // The delivery itself stays (the store's and the customer's record).
    const kept = await rows(
      sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM deliveries WHERE driver_id = ${driverId} AND dropoff_address = 'Secret Door 9'`,
    );
    expect(kept[0]?.n).toBe(1);
    expect((await call('GET', '/v1/drivers/me', token)).statusCode).toBe(401);
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/v1/auth/token',
          payload: { email, password: PASSWORD },
        })
      ).statusCode,
    ).toBe(401);
  });
});
