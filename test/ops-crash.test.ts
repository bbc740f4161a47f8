import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEMO_USERS, seedDemo } from '../src/cli/demo-seed.ts';
import { DispatchEventDefs } from '../src/modules/dispatch/index.ts';
import { createTokenIssuer } from '../src/platform/auth/tokens.ts';
import { loadConfig } from '../src/platform/config.ts';
import { crashFixture, openCrashStore } from './support/crash-fixture.ts';
import { waitFor } from './support/platform.ts';
import { freePort, httpClient, processEnv, spawnLastmile } from './support/processes.ts';
import { testNamespace } from './support/services.ts';

/**
 * kill -9 the process while an ops action is half done: ops mark a delivery delivered (the
 * courier's app died at the door) and the process dies while the request's transaction waits for
 * the delivery's row. After the restart the same request, with the same Idempotency-Key, is
 * sent again: it delivers once (one hand-over, one earning, one audit row, one capture), a repeat
 * with that key gets the same answer, and one with a new key is refused.
 */
const world = crashFixture();
const AT = { lat: 52.5, lng: 13.4 };

const count = async (q: ReturnType<typeof sql<{ n: number }>>) =>
  (await q.execute(world.database.db)).rows[0]?.n ?? -1;

type Client = ReturnType<typeof httpClient>;

/** An order the driver has picked up at the store: its id and its delivery's. */
async function pickedUpOrder(client: Client, ops: string) {
  const { call, login } = client;
  const emailOf = (role: string) =>
    (DEMO_USERS.find((u) => u.role === role) as { email: string }).email;
  const [customer, driver] = [await login(emailOf('customer')), await login(emailOf('driver'))];
  const shop = await openCrashStore(world, client, ops, { tag: 'oc', at: AT });
  expect((await call('PUT', '/v1/drivers/me/shift', driver, { status: 'available' })).status).toBe(
    200,
  );
  const here = { points: [{ ...AT, recorded_at: new Date().toISOString() }] };
  expect((await call('POST', '/v1/drivers/me/locations', driver, here)).status).toBe(200);
  const placed = await call(
    'POST',
    '/v1/orders',
    customer,
    {
      store_id: shop.storeId,
      lines: [{ product_id: shop.productId, quantity: 1 }],
      delivery: { lat: AT.lat + 0.01, lng: AT.lng, address: 'Door 1' },
      payment: { card_token: 'tok_visa' },
    },
    'oc-order',
  );
  expect(placed.status).toBe(201);
  const orderId = (placed.body as { id: string }).id;
  for (const move of ['accept', 'preparing', 'ready'])
    expect((await call('POST', `/v1/orders/${orderId}/${move}`, shop.staff, {})).status).toBe(200);
  const offer = await waitFor(
    async () =>
      ((await call('GET', '/v1/dispatch/offers', driver)).body as { items: Array<{ id: string }> })
        .items[0],
    30_000,
    'an offer to the driver',
  );
  const trip = await call('POST', `/v1/dispatch/offers/${offer.id}/accept`, driver);
  expect(trip.status).toBe(200);
  const deliveryId = (trip.body as { deliveries: Array<{ id: string }> }).deliveries[0]?.id ?? '';
  for (const step of ['arrived-at-store', 'picked-up']) {
    const res = await call('POST', `/v1/deliveries/${deliveryId}/${step}`, driver, AT);
    expect(res.status, `${step}: ${JSON.stringify(res.body)}`).toBe(200);
  }
  return { orderId, deliveryId };
}

describe('an ops action cut by kill -9', () => {
  it('marks a delivery delivered once when the same request is sent again after the restart', async () => {
    const port = await freePort();
    const env = processEnv(world.tdb.url, {
      PORT: String(port),
      LASTMILE_INSTANCE_ID: 'ops-crash',
      LASTMILE_NAMESPACE: testNamespace('opc'),
      LASTMILE_DISPATCH_RADII_M: '3000',
      // The request waits for the held row until the test kills its process.
      LASTMILE_DB_LOCK_TIMEOUT_MS: '120000',
    });
    const tokens = createTokenIssuer(loadConfig({}).jwtSecret, 3600);
    await seedDemo({ db: world.database.db, tokens });
    world.proc = await spawnLastmile(['--port', String(port)], env);
    const client = httpClient(`http://127.0.0.1:${port}`);
    const ops = await client.login(
      (DEMO_USERS.find((u) => u.role === 'ops') as { email: string }).email,
    );
    const { orderId, deliveryId } = await pickedUpOrder(client, ops);

    const url = `/v1/deliveries/${deliveryId}/ops-delivered`;
    const body = {
      reason: 'the customer confirmed on the phone',
      proof: { confirmed_by: 'customer', method: 'phone_call' },
    };
    const markDelivered = (key: string) => client.call('POST', url, ops, body, key);

    // The delivery's row is held: the request claims its key, then waits in its transaction.
    let release = () => {};
    const released = new Promise<void>((r) => {
      release = r;
    });
    const holder = world.database.db.transaction().execute(async (trx) => {
      await sql`SELECT 1 FROM deliveries WHERE id = ${deliveryId} FOR UPDATE`.execute(trx);
      await released;
    });
    const cut = markDelivered('oc-mark').catch((err: unknown) => err);
    await waitFor(
      async () =>
        (await count(sql`SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`)) > 0,
      10_000,
      'the ops request waiting for the delivery row',
    );
    await world.proc.crash();
    expect(await cut).toBeInstanceOf(Error);
    world.proc = await spawnLastmile(['--port', String(port)], env);
    release();
    await holder;

    // Sent again with its key: once the dead process's claim is free, it runs, once.
    const done = await waitFor(
      async () => {
        const res = await markDelivered('oc-mark');
        return res.status === 409 && res.body?.code === 'IDEMPOTENCY_IN_FLIGHT' ? null : res;
      },
      40_000,
      'the retried request to run',
    );
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ id: deliveryId, status: 'delivered' });
    expect((await markDelivered('oc-mark')).body).toEqual(done.body);
    const fresh = await markDelivered('oc-mark-again');
    expect(fresh.status).toBe(409);
    expect(fresh.body?.code).toBe('CONFLICT');

    const steps = await sql<{ status: string }>`SELECT status FROM delivery_steps
      WHERE delivery_id = ${deliveryId} ORDER BY id`.execute(world.database.db);
    expect(steps.rows.map((s) => s.status)).toEqual([
      'assigned',
      'at_store',
      'picked_up',
      'at_dropoff',
      'delivered',
    ]);
    expect(
      await count(sql`SELECT count(*)::int AS n FROM driver_earnings
        WHERE delivery_id = ${deliveryId}`),
    ).toBe(1);
    expect(
      await count(sql`SELECT count(*)::int AS n FROM audit_log
        WHERE action = 'delivery.mark_delivered' AND target_id = ${deliveryId}`),
    ).toBe(1);
    expect(
      await count(sql`SELECT count(*)::int AS n FROM outbox
        WHERE type = ${DispatchEventDefs.DELIVERY_DELIVERED.type} AND aggregate_id = ${orderId}`),
    ).toBe(1);
    // The order follows and its saga captures, once.
    await waitFor(
      async () =>
        (await count(sql`SELECT count(*)::int AS n FROM payment_ledger
          WHERE order_id = ${orderId} AND kind = 'capture'`)) === 1,
      30_000,
      'the capture',
    );
    const order = await client.call('GET', `/v1/orders/${orderId}`, ops);
    expect(order.body?.status).toBe('delivered');
  }, 180_000);
});
