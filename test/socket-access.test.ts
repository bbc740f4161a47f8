import { uuidv7 } from 'uuidv7';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { offerPush } from './support/driver-push.ts';
import { driversFor, seedDriverProfile } from '../src/modules/drivers/index.ts';
import { startTestPlatform, type TestPlatform, waitFor } from './support/platform.ts';
import { openShop, paidOrderAt, type Shop } from './support/shop.ts';
import { closeSockets, type Opened, openSocket, type Refused } from './support/socket-client.ts';

// Who may open which WebSocket, by each way of signing in (Authorization, the bearer subprotocol,
// a ticket), against a listening app as a real client sees it.

let t: TestPlatform;
let base: string;
/** Moves the platform's clock (ticket expiry reads it). */
let skewMs = 0;
let customerA: string;
let customerB: string;
let orderOfA: string;
let orderOfB: string;

async function placeOrder(token: string, shop: Shop) {
  return (await paidOrderAt(t, shop, { token })).id;
}

async function driver() {
  const id = uuidv7();
  await seedDriverProfile(t.platform.ctx, { id, name: 'Socket driver', vehicle: 'bike' });
  const { token } = await t.platform.ctx.tokens.issue({
    userId: uuidv7(),
    role: 'driver',
    driverId: id,
  });
  return { id, token };
}

async function ticket(token: string, body?: Record<string, unknown>): Promise<string> {
  const res = await t.request({
    method: 'POST',
    url: '/v1/realtime/tickets',
    token,
    ...(body ? { payload: body } : {}),
  });
  expect(res.statusCode).toBe(201);
  return res.json().ticket as string;
}

const track = (orderId: string, query = '') => `/v1/orders/${orderId}/track${query}`;
const CHANNEL = '/v1/drivers/me/channel';

function opened(r: Opened | Refused): Opened {
  if (!r.ok) throw new Error(`refused ${r.status}: ${JSON.stringify(r.body)}`);
  return r;
}
function refused(r: Opened | Refused, status: number, code: string): void {
  if (r.ok) throw new Error(`opened; expected ${status} ${code}`);
  expect(r.status).toBe(status);
  expect(r.type).toMatch(/^application\/problem\+json/);
  expect(r.body.code).toBe(code);
}
const snapshot = (o: Opened) =>
  waitFor(() => o.messages.find((m) => m.type === 'snapshot'), 5000, 'the snapshot');

beforeAll(async () => {
  t = await startTestPlatform({ clock: { now: () => Date.now() + skewMs } });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  customerA = await t.tokenFor('customer', 0);
  customerB = await t.tokenFor('customer', 1);
  const shop = await openShop(t, { stock: [20], lat: 50.1, lng: 8.7 });
  orderOfA = await placeOrder(customerA, shop);
  orderOfB = await placeOrder(customerB, shop);
});
afterEach(() => closeSockets());
afterAll(async () => {
  closeSockets();
  await t?.stop();
});

describe('tickets', () => {
  it('issues a short-lived ticket to any signed-in caller, bound to a socket if asked', async () => {
    const res = await t.request({ method: 'POST', url: '/v1/realtime/tickets', token: customerA });
    expect(res.statusCode).toBe(201);
    expect(res.json().ticket).toMatch(/^lmt_[\w-]{43}$/);
    const ttl = Date.parse(res.json().expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(20_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
    expect(
      (await t.request({ method: 'POST', url: '/v1/realtime/tickets', payload: {} })).statusCode,
    ).toBe(401);
    const bad = await t.request({
      method: 'POST',
      url: '/v1/realtime/tickets',
      token: customerA,
      payload: { socket: 'elsewhere' },
    });
    expect(bad.statusCode).toBe(400);
    // Only a hash is stored.
    const stored = await t.platform.ctx.db.selectFrom('socket_tickets').select('hash').execute();
    expect(stored.map((r: { hash: string }) => r.hash)).not.toContain(res.json().ticket);
  });

  it("opens the caller's socket once; a reused, expired, unknown or foreign-socket ticket is 401", async () => {
    const once = await ticket(customerA);
    expect(
      await snapshot(opened(await openSocket(base, track(orderOfA, `?ticket=${once}`)))),
    ).toMatchObject({
      order_id: orderOfA,
    });
    refused(await openSocket(base, track(orderOfA, `?ticket=${once}`)), 401, 'UNAUTHENTICATED');
    refused(await openSocket(base, track(orderOfA, '?ticket=lmt_nope')), 401, 'UNAUTHENTICATED');

    const late = await ticket(customerA);
    skewMs = 31_000;
    try {
      refused(await openSocket(base, track(orderOfA, `?ticket=${late}`)), 401, 'UNAUTHENTICATED');
    } finally {
      skewMs = 0;
    }

    const forTracking = await ticket(customerA, { socket: 'tracking' });
    const d = await driver();
    const driverTicket = await ticket(d.token, { socket: 'tracking' });
    refused(await openSocket(base, `${CHANNEL}?ticket=${driverTicket}`), 401, 'UNAUTHENTICATED');
    // The resume cursor still works next to the ticket.
    const resumed = opened(
      await openSocket(base, track(orderOfA, `?after=0&ticket=${forTracking}`)),
    );
    await snapshot(resumed);
  });

  it('presented by many clients at once, opens exactly one socket (the row is taken atomically)', async () => {
    const tk = await ticket(customerA);
    const tries = await Promise.all(
      Array.from({ length: 8 }, () => openSocket(base, track(orderOfA, `?ticket=${tk}`))),
    );
    expect(tries.filter((r) => r.ok)).toHaveLength(1);
    for (const r of tries.filter((x) => !x.ok)) refused(r, 401, 'UNAUTHENTICATED');
  });

  it('authenticates no REST request, and a REST request does not spend it', async () => {
    const tk = await ticket(customerA);
    const rest = await t.request({
      method: 'GET',
      url: `/v1/orders/${orderOfA}/tracking?ticket=${tk}`,
    });
    expect(rest.statusCode).toBe(401);
    expect(rest.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(rest.json().detail).toMatch(/WebSocket only/);
    await snapshot(opened(await openSocket(base, track(orderOfA, `?ticket=${tk}`))));
  });
});

describe('who may open which socket', () => {
  it("a customer cannot follow another customer's order: not by header, subprotocol or ticket", async () => {
    const byHeader = await openSocket(base, track(orderOfB), {
      headers: { authorization: `Bearer ${customerA}` },
    });
    refused(byHeader, 404, 'NOT_FOUND');
    const bySubprotocol = await openSocket(base, track(orderOfB), {
      protocols: ['lastmile.v1', `bearer.${customerA}`],
    });
    refused(bySubprotocol, 404, 'NOT_FOUND');
    // A's ticket in the URL of B's order: refused, and spent.
    const ofA = await ticket(customerA);
    refused(await openSocket(base, track(orderOfB, `?ticket=${ofA}`)), 404, 'NOT_FOUND');
    refused(await openSocket(base, track(orderOfA, `?ticket=${ofA}`)), 401, 'UNAUTHENTICATED');
    // B opens B's own by each way.
    await snapshot(
      opened(
        await openSocket(base, track(orderOfB), {
          headers: { authorization: `Bearer ${customerB}` },
        }),
      ),
    );
    await snapshot(
      opened(await openSocket(base, track(orderOfB, `?ticket=${await ticket(customerB)}`))),
    );
    refused(await openSocket(base, track(orderOfB)), 401, 'UNAUTHENTICATED');
  });

  it('a driver opens only his own channel; a customer none', async () => {
    const a = await driver();
    const b = await driver();
    refused(
      await openSocket(base, `${CHANNEL}?ticket=${await ticket(customerA)}`),
      403,
      'FORBIDDEN',
    );
    refused(
      await openSocket(base, CHANNEL, { protocols: ['lastmile.v1', `bearer.${customerA}`] }),
      403,
      'FORBIDDEN',
    );
    const ofA = opened(await openSocket(base, `${CHANNEL}?ticket=${await ticket(a.token)}`));
    const ofB = opened(
      await openSocket(base, CHANNEL, { protocols: ['lastmile.v1', `bearer.${b.token}`] }),
    );
    const [forA, forB] = [uuidv7(), uuidv7()];
    driversFor(t.platform.ctx).notify(b.id, offerPush(forB));
    driversFor(t.platform.ctx).notify(a.id, offerPush(forA));
    await waitFor(() => ofA.messages.some((m) => m.offer_id === forA), 5000, "A's push");
    await waitFor(() => ofB.messages.some((m) => m.offer_id === forB), 5000, "B's push");
    expect(ofA.messages.map((m) => m.offer_id)).toEqual([forA]);
    expect(ofB.messages.map((m) => m.offer_id)).toEqual([forB]);
  });
});

describe('upgrades', () => {
  it('answers the bearer subprotocol with lastmile.v1, never the token', async () => {
    const o = opened(
      await openSocket(base, track(orderOfA), {
        protocols: ['lastmile.v1', `bearer.${customerA}`],
      }),
    );
    expect(o.protocol).toBe('lastmile.v1');
    expect(o.headers['sec-websocket-protocol']).toBe('lastmile.v1');
    await snapshot(o);
    refused(
      await openSocket(base, track(orderOfA), { protocols: [`bearer.${customerA}`] }),
      400,
      'VALIDATION_FAILED',
    );
    refused(
      await openSocket(base, track(orderOfA), { protocols: ['lastmile.v1', 'bearer.not-a-jwt'] }),
      401,
      'UNAUTHENTICATED',
    );
  });

  it('refuses a page of another origin (403) before spending its ticket; same origin and no Origin pass', async () => {
    const tk = await ticket(customerA);
    refused(
      await openSocket(base, track(orderOfA, `?ticket=${tk}`), {
        origin: 'https://elsewhere.example',
      }),
      403,
      'FORBIDDEN',
    );
    await snapshot(
      opened(await openSocket(base, track(orderOfA, `?ticket=${tk}`), { origin: base })),
    );
    await snapshot(
      opened(
        await openSocket(base, track(orderOfA), {
          headers: { authorization: `Bearer ${customerA}` },
        }),
      ),
    );
  });

  it('a plain GET of a socket route is 426 problem+json', async () => {
    const res = await t.request({ method: 'GET', url: CHANNEL, token: (await driver()).token });
    expect(res.statusCode).toBe(426);
    expect(res.json().code).toBe('UPGRADE_REQUIRED');
  });

  it('documents each socket as a GET answering 101, with the ticket parameter', async () => {
    const doc = (await t.request({ method: 'GET', url: '/openapi.json' })).json();
    for (const path of ['/v1/orders/{id}/track', '/v1/drivers/me/channel']) {
      const op = doc.paths[path]?.get;
      expect(op?.responses?.['101']?.description).toMatch(/\/asyncapi\.json/);
      expect(op.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toContain(
        'query:ticket',
      );
    }
    expect(doc.paths['/v1/realtime/tickets']?.post?.responses?.['201']).toBeDefined();
  });
});
