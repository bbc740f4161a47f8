import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allModules } from '../../src/modules/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { sweepClock } from '../support/sweep-builders.ts';
import { buildFixture } from '../support/sweep-fixture.ts';
import { buildRequest, operations, routeRecorder, send } from '../support/sweep-requests.ts';
import {
  DESTRUCTIVE,
  ERASES_NAMED,
  ERASES_OWN,
  type Exchange,
  HIDDEN_PUBLIC,
  type Operation,
  succeeded,
  violations,
} from '../support/sweep-rules.ts';
import { type Caller, type Fixture, other, type Who } from '../support/sweep-tenants.ts';

/**
 * Security sweep: every route the app serves × every kind of caller, each call naming resources
 * of *someone else*. A 2xx is allowed only on a public route, on the caller's own resources, or
 * for ops; a wrong role is 401 (anonymous) or 403, and an ops agent on a route for ops admins 403
 * OPS_ADMIN_REQUIRED. Routes come from the running app (OpenAPI
 * document plus the router itself), never from a list in this file, so a new route that the
 * ownership tables (test/support/sweep-rules.ts) cannot classify fails the sweep instead of
 * slipping past it.
 */

const clock = sweepClock();
const { probe: routeProbe, routesSeen } = routeRecorder();
let t: TestPlatform;
let f: Fixture;
let ops: Operation[];

beforeAll(async () => {
  t = await startTestPlatform({ clock, modules: [...allModules, routeProbe] });
  f = await buildFixture(t, clock);
  ops = await operations(t.app, routesSeen);
});
afterAll(async () => {
  await t?.stop();
});

/** Why a route cannot be swept (a parameter, body field or media type sweep-rules.ts does not know), or null. */
function unclassified(op: Operation): string | null {
  try {
    buildRequest(op, f.callers[0] as Caller, 'A', { f, clock });
    return null;
  } catch (err) {
    return `${op.method} ${op.path}: ${(err as Error).message}`;
  }
}

const world = () => ({ f, clock, app: t.app });
const caller = (who: Who) => f.callers.find((c) => c.who === who) as Caller;
function order(op: Operation): number {
  if (op.method === 'GET') return 0;
  if (op.method === 'DELETE' && ERASES_NAMED.test(op.path)) return 3;
  if (op.method === 'DELETE' && ERASES_OWN.test(op.path)) return 4;
  return op.method === 'DELETE' || DESTRUCTIVE.test(op.path) ? 2 : 1;
}

describe('security sweep', () => {
  it('knows every route: each is documented with the auth it declares, or is a known hidden or WebSocket route', () => {
    const documented = new Set(ops.map((o) => `${o.method} ${o.path}`));
    const stray = routesSeen
      .map((r) => ({ ...r, key: `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}` }))
      .filter(
        (r) =>
          !documented.has(r.key) &&
          !r.websocket &&
          !HIDDEN_PUBLIC.has(r.key) &&
          !r.url.startsWith('/docs'),
      )
      .map((r) => r.key);
    expect(stray, 'routes neither in the OpenAPI document nor known as hidden').toEqual([]);
    const hiddenNotPublic = routesSeen.filter(
      (r) =>
        (HIDDEN_PUBLIC.has(`${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`) ||
          r.url.startsWith('/docs')) &&
        r.auth !== 'public',
    );
    expect(hiddenNotPublic).toEqual([]);
    const misdocumented = ops
      .filter((o) => JSON.stringify(o.auth) !== JSON.stringify(o.documented))
      .map(
        (o) =>
          `${o.method} ${o.path}: declares ${JSON.stringify(o.auth)}, documented ${JSON.stringify(o.documented)}`,
      );
    expect(misdocumented).toEqual([]);
    const levels = ops
      .filter((o) => o.opsLevel !== o.documentedOpsLevel)
      .map(
        (o) => `${o.method} ${o.path}: ops level ${o.opsLevel}, documented ${o.documentedOpsLevel}`,
      );
    expect(levels).toEqual([]);
    // The routes an ops agent may not use, known by name: a route losing its level fails here.
    expect(
      ops
        .filter((o) => o.opsLevel === 'admin')
        .map((o) => `${o.method} ${o.path}`)
        .sort(),
    ).toEqual([
      'DELETE /v1/ops/users/{id}',
      'DELETE /v1/ops/webhooks/{id}',
      'DELETE /v1/partners/api-keys/{id}',
      'POST /v1/ops/webhooks',
      'POST /v1/partners/api-keys',
      'POST /v1/stores/{id}/close',
      'POST /v1/stores/{id}/pause',
      'POST /v1/stores/{id}/resume',
      'PUT /v1/ops/settings/cart-holds',
      'PUT /v1/ops/settings/dispatch-weights',
      'PUT /v1/ops/settings/rate-limits',
    ]);
    expect(ops.filter((o) => o.websocket).length).toBeGreaterThan(0);
    expect(
      ops.map(unclassified).filter((e) => e !== null),
      'routes the sweep cannot classify',
    ).toEqual([]);
  });

  it('refuses client-sent prices, statuses, owners and couriers; the order total comes from the catalog', async () => {
    const shop = f.shops.B;
    const product = shop.products[1]?.id;
    const valid = {
      store_id: shop.storeId,
      lines: [{ product_id: product, quantity: 1 }],
      delivery: { lat: shop.at.lat + 0.01, lng: shop.at.lng, address: 'Sweep Street 1' },
      payment: { card_token: 'tok_visa' },
    };
    const ordersOfB = async () =>
      (
        await t.app.inject({
          method: 'GET',
          url: '/v1/orders?limit=100',
          headers: caller('customerB').headers,
        })
      ).json().items.length as number;
    const before = await ordersOfB();
    const forged = {
      price_minor: 1,
      subtotal_minor: 0,
      total_minor: 1,
      captured_minor: 1,
      status: 'delivered',
      driver_id: f.ids.driver.B,
      customer_id: f.ids.user.A,
    };
    // Unknown fields are refused (never silently applied), each named in the problem.
    const attempts: Array<[Who, 'PATCH' | 'PUT' | 'POST', string, string, object]> = [
      ...Object.entries(forged).map(([field, value]): [Who, 'POST', string, string, object] => [
        'customerB',
        'POST',
        '/v1/orders',
        `body.${field}`,
        { ...valid, [field]: value },
      ]),
      [
        'customerB',
        'POST',
        '/v1/orders',
        'body.lines.0.unit_price_minor',
        { ...valid, lines: [{ product_id: product, quantity: 1, unit_price_minor: 1 }] },
      ],
      [
        'customerB',
        'PUT',
        '/v1/cart/lines',
        'body.price_minor',
        { store_id: shop.storeId, product_id: product, quantity: 1, price_minor: 1 },
      ],
      ['storeS', 'PATCH', `/v1/stores/${f.ids.store.A}`, 'body.status', { status: 'closed' }],
      [
        'driver1',
        'POST',
        '/v1/drivers/me/locations',
        'body.points.0.driver_id',
        {
          points: [
            {
              lat: 52.5,
              lng: 13.4,
              recorded_at: new Date(clock.now()).toISOString(),
              driver_id: f.ids.driver.B,
            },
          ],
        },
      ],
      [
        'customerA',
        'POST',
        '/v1/support/tickets',
        'body.status',
        { subject: 'Hello', message: 'x', status: 'resolved' },
      ],
      [
        'customerA',
        'POST',
        `/v1/orders/${f.ids.order.A}/delivery/rating`,
        'body.driver_id',
        { stars: 5, driver_id: f.ids.driver.B },
      ],
    ];
    for (const [who, method, url, path, payload] of attempts) {
      const res = await t.app.inject({
        method,
        url,
        payload,
        headers: { ...caller(who).headers, 'idempotency-key': uuidv7() },
      });
      expect(res.statusCode, `${who} ${method} ${url} with ${path}`).toBe(400);
      expect(res.json(), `${who} ${method} ${url} with ${path}`).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ path }],
      });
    }
    // A driver cannot declare himself on a delivery: the shift takes only the statuses a driver sets.
    const shift = await t.app.inject({
      method: 'PUT',
      url: '/v1/drivers/me/shift',
      payload: { status: 'on_delivery' },
      headers: { ...caller('driver1').headers, 'idempotency-key': uuidv7() },
    });
    expect(shift.statusCode).toBe(400);
    expect(shift.json().errors[0]).toMatchObject({ path: 'body.status' });
    expect(await ordersOfB()).toBe(before);

    // A's order came from a cart: each line is priced from the catalog and the total adds up.
    const placed = (
      await t.app.inject({
        method: 'GET',
        url: `/v1/orders/${f.ids.order.A}`,
        headers: caller('customerA').headers,
      })
    ).json() as {
      lines: Array<{ product_id: string; unit_price_minor: number; quantity: number }>;
      totals: Record<string, number>;
    };
    let subtotal = 0;
    for (const line of placed.lines) {
      const catalog = (
        await t.app.inject({ method: 'GET', url: `/v1/products/${line.product_id}` })
      ).json() as { price: { amount_minor: number } };
      expect(line.unit_price_minor).toBe(catalog.price.amount_minor);
      subtotal += line.unit_price_minor * line.quantity;
    }
    const {
      subtotal_minor,
      delivery_fee_minor,
      small_order_fee_minor,
      service_fee_minor,
      tax_minor,
      total_minor,
    } = placed.totals;
    expect(subtotal_minor).toBe(subtotal);
    expect(total_minor).toBe(
      Number(subtotal_minor) +
        Number(delivery_fee_minor) +
        Number(small_order_fee_minor) +
        Number(service_fee_minor) +
        Number(tax_minor),
    );
  });

  it('gives no caller a 2xx on anything not its own: every route × every caller', async () => {
    const exchanges: Exchange[] = [];
    const opsCaller = caller('ops');
    const agentCaller = caller('opsAgent');
    const others = f.callers.filter((c) => c.role !== 'ops');
    // Reads, then writes, then the writes that end a fixture, then the erasures of accounts (ops'
    // of a named one, then each caller's own); each group in three phases: everyone
    // but ops names the other side's resources; the sides' own callers name their own (the control:
    // the same requests succeed where they should); then ops. Every read runs on the untouched
    // fixture: a write may legitimately link the sides (customer B may order at store S).
    for (const group of [0, 1, 2, 3, 4]) {
      const batch = ops.filter((op) => order(op) === group);
      for (const op of batch)
        for (const c of others)
          exchanges.push(await send(op, c, c.side ? other(c.side) : 'A', world()));
      for (const op of batch)
        for (const c of others) if (c.side) exchanges.push(await send(op, c, c.side, world()));
      // The ops agent before the admin: what the agent may not do is still there for the admin.
      for (const op of batch) exchanges.push(await send(op, agentCaller, 'A', world()));
      for (const op of batch) exchanges.push(await send(op, opsCaller, 'A', world()));
    }

    const report = exchanges.flatMap((x) =>
      violations(x, f).map((v) => `${x.caller.who.padEnd(9)} ${x.op.method} ${x.url}: ${v}`),
    );
    expect(report, `violations:\n${report.join('\n')}`).toEqual([]);

    // Every route was called by every caller, and every read succeeded for someone entitled to it
    // (so the refusals above were about ownership, not about ids that do not exist).
    for (const op of ops) {
      const mine = exchanges.filter((x) => x.op === op);
      expect(new Set(mine.map((x) => x.caller.who)).size, `${op.method} ${op.path} callers`).toBe(
        f.callers.length,
      );
      if (op.method === 'GET')
        expect(
          mine.some((x) => succeeded(x.status)),
          `${op.method} ${op.path}: no caller got a 2xx`,
        ).toBe(true);
    }
    const statuses = exchanges.reduce<Record<string, number>>(
      (acc, x) => ({ ...acc, [x.status]: (acc[x.status] ?? 0) + 1 }),
      {},
    );
    console.log(
      `security sweep: ${exchanges.length} calls on ${ops.length} routes × ${f.callers.length} callers; statuses ${JSON.stringify(statuses)}`,
    );
  });
});
