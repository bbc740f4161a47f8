import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { driverOnShift } from '../../../test/support/drivers.ts';
import { startTestPlatform, type TestPlatform, waitFor } from '../../../test/support/platform.ts';
import { openShop, type Shop } from '../../../test/support/shop.ts';
import { dispatchFor } from '../dispatch/index.ts';
import { driversFor } from '../drivers/index.ts';

let t: TestPlatform;
let customer: string;
beforeAll(async () => {
  t = await startTestPlatform();
  customer = await t.tokenFor('customer');
});
afterAll(async () => {
  await t?.stop();
});

interface Inbox {
  ws: WebSocket;
  messages: Array<Record<string, unknown>>;
}
async function subscribe(orderId: string, token: string, after = 0): Promise<Inbox> {
  const ws = await t.app.injectWS(`/v1/orders/${orderId}/track?after=${after}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const messages: Array<Record<string, unknown>> = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d))));
  return { ws, messages };
}
const seqs = (inbox: Inbox) =>
  inbox.messages
    .filter((m) => typeof m.seq === 'number' && m.type !== 'snapshot')
    .map((m) => m.seq as number);

async function newDriver(shop: Shop) {
  const at = { lat: shop.at.lat + 0.003, lng: shop.at.lng };
  return { ...(await driverOnShift(t, 'Tracked driver', at)), at };
}

let keyN = 0;
async function placeAndAccept(shop: Shop) {
  const placed = await t.request({
    method: 'POST',
    url: '/v1/orders',
    token: customer,
    headers: { 'idempotency-key': `track-${keyN++}-${Date.now()}` },
    payload: {
      store_id: shop.storeId,
      lines: [{ product_id: shop.products[0]?.id, quantity: 1 }],
      delivery: { lat: shop.at.lat + 0.01, lng: shop.at.lng, address: 'Door 7' },
      payment: { card_token: 'tok_visa' },
    },
  });
  expect(placed.statusCode).toBe(201);
  const order = placed.json();
  expect(
    (
      await t.request({
        method: 'POST',
        url: `/v1/orders/${order.id}/accept`,
        token: shop.storeToken,
      })
    ).statusCode,
  ).toBe(200);
  return order as { id: string; promise: { from: string; to: string } | null };
}

let shopN = 0;
const shop = () => openShop(t, { stock: [20], lat: 48 + shopN++ * 0.5, lng: 11 });

describe('tracking', () => {
  it('promises a window at checkout and answers the current ETA', async () => {
    const s = await shop();
    const order = await placeAndAccept(s);
    expect(order.promise).not.toBeNull();
    const from = Date.parse(order.promise?.from ?? '');
    const to = Date.parse(order.promise?.to ?? '');
    expect(to).toBeGreaterThan(from);
    expect(from).toBeGreaterThan(Date.now());
    const eta = await t.request({
      method: 'GET',
      url: `/v1/orders/${order.id}/eta`,
      token: customer,
    });
    expect(eta.statusCode).toBe(200);
    // Accepted, 300 s of preparation ahead, no driver yet.
    expect(eta.json().parts.prep_s).toBeGreaterThan(200);
    expect(Date.parse(eta.json().eta.at)).toBeGreaterThan(Date.now() + 5 * 60_000);
  });

  it('pushes status, driver position and ETA to the customer; a reconnect resumes from its cursor', async () => {
    const s = await shop();
    const driver = await newDriver(s);
    const order = await placeAndAccept(s);
    const first = await subscribe(order.id, customer);
    await waitFor(() => first.messages.some((m) => m.type === 'snapshot'), 5000, 'snapshot');
    // The snapshot may already say accepted (the socket came first and read the order itself).
    await waitFor(
      () =>
        first.messages.some(
          (m) => (m.type === 'status' || m.type === 'snapshot') && m.status === 'accepted',
        ),
      10_000,
      'accepted',
    );
    const cursor = Math.max(
      0,
      ...first.messages.map((m) => (typeof m.seq === 'number' ? m.seq : 0)),
    );
    first.ws.terminate();

    // While nobody listens: the store packs it and the driver takes the job.
    expect(
      (
        await t.request({
          method: 'POST',
          url: `/v1/orders/${order.id}/ready`,
          token: s.storeToken,
          payload: {},
        })
      ).statusCode,
    ).toBe(200);
    const delivery = await waitFor(
      async () => {
        const r = await t.request({
          method: 'GET',
          url: `/v1/orders/${order.id}/delivery`,
          token: customer,
        });
        return r.statusCode === 200 ? r.json() : null;
      },
      10_000,
      'delivery',
    );
    await dispatchFor(t.platform.ctx).dispatcher.tick();
    const offer = await waitFor(
      async () =>
        (await t.request({ method: 'GET', url: '/v1/dispatch/offers', token: driver.token })).json()
          .items[0] ?? null,
      10_000,
      'offer',
    );
    expect(
      (
        await t.request({
          method: 'POST',
          url: `/v1/dispatch/offers/${offer.id}/accept`,
          token: driver.token,
        })
      ).statusCode,
    ).toBe(200);
    const later = await waitFor(
      async () => {
        const r = (
          await t.request({
            method: 'GET',
            url: `/v1/orders/${order.id}/tracking?cursor=${cursor}`,
            token: customer,
          })
        ).json();
        return r.items.some((m: { status?: string }) => m.status === 'assigned') ? r : null;
      },
      10_000,
      'assigned logged',
    );
    expect(later.items.map((m: { seq: number }) => m.seq)[0]).toBe(cursor + 1);

    const second = await subscribe(order.id, customer, cursor);
    await waitFor(
      () => second.messages.some((m) => m.type === 'status' && m.status === 'assigned'),
      5000,
      'missed messages replayed',
    );
    const replayed = seqs(second);
    expect(replayed[0]).toBe(cursor + 1);
    expect(new Set(replayed).size).toBe(replayed.length);
    expect([...replayed].sort((a, b) => a - b)).toEqual(replayed);

    // The driver moves: the subscriber sees it.
    await t.request({
      method: 'POST',
      url: '/v1/drivers/me/locations',
      token: driver.token,
      payload: {
        points: [
          {
            lat: driver.at.lat - 0.0002,
            lng: driver.at.lng,
            recorded_at: new Date().toISOString(),
          },
        ],
      },
    });
    const pos = await waitFor(
      () => second.messages.find((m) => m.type === 'position') ?? null,
      5000,
      'position pushed',
    );
    expect(pos.lat).toBeCloseTo(driver.at.lat - 0.0002, 4);

    // Picking up moves the status on the live socket too (the driver reports from the store).
    await driversFor(t.platform.ctx).positions.upsert([
      { id: driver.id, ...s.at, at: t.platform.ctx.clock.now() },
    ]);
    const step = (path: string) =>
      t.request({
        method: 'POST',
        url: `/v1/deliveries/${delivery.id}/${path}`,
        token: driver.token,
        payload: { lat: s.at.lat, lng: s.at.lng },
      });
    expect((await step('arrived-at-store')).statusCode).toBe(200);
    await waitFor(async () => (await step('picked-up')).statusCode === 200, 10_000, 'pickup');
    await waitFor(
      () => second.messages.some((m) => m.type === 'status' && m.status === 'picked_up'),
      10_000,
      'picked up pushed',
    );
    const eta = await t.request({
      method: 'GET',
      url: `/v1/orders/${order.id}/eta`,
      token: customer,
    });
    expect(eta.json().parts.prep_s).toBe(0);
    // Halfway to the door the estimate moves by minutes: an ETA message follows the move.
    const etasBefore = second.messages.filter((m) => m.type === 'eta').length;
    await waitFor(
      async () => {
        await t.request({
          method: 'POST',
          url: '/v1/drivers/me/locations',
          token: driver.token,
          payload: {
            points: [
              {
                lat: s.at.lat + 0.006,
                lng: s.at.lng,
                recorded_at: new Date(Date.now() + 25_000).toISOString(),
              },
            ],
          },
        });
        return second.messages.filter((m) => m.type === 'eta').length > etasBefore;
      },
      20_000,
      'an ETA pushed after the driver moved',
    );
    // The assigned driver may follow the order too.
    const driverView = await t.request({
      method: 'GET',
      url: `/v1/orders/${order.id}/tracking`,
      token: driver.token,
    });
    expect(driverView.statusCode).toBe(200);
    second.ws.terminate();
  });

  it('a message announced while the replay is being read waits for it: the log in order, once, no gap', async () => {
    const s = await shop();
    const order = await placeAndAccept(s);
    const logged = await waitFor(
      async () => {
        const r = (
          await t.request({
            method: 'GET',
            url: `/v1/orders/${order.id}/tracking`,
            token: customer,
          })
        ).json();
        return r.items.length > 0 ? (r.items as Array<{ seq: number }>) : null;
      },
      10_000,
      'a logged message',
    );
    const last = Math.max(...logged.map((m) => m.seq));
    const inbox = await subscribe(order.id, customer, 0);
    // The server is still reading the snapshot and the log when a later message goes out live (far
    // ahead, so no message the order logs meanwhile takes its number): it must not cut the replay short.
    const liveSeq = last + 1000;
    const at = new Date().toISOString();
    t.platform.ctx.bus.announce(`tracking.${order.id}`, {
      seq: liveSeq,
      type: 'eta',
      status: 'accepted',
      eta: { at, from: at, to: at },
      parts: { prep_s: 0, to_store_s: 0, to_customer_s: 0 },
    });
    await waitFor(() => inbox.messages.some((m) => m.seq === liveSeq), 5000, 'the live message');
    expect(inbox.messages[0]?.type).toBe('snapshot');
    const got = seqs(inbox);
    const replayed = got.slice(0, got.indexOf(liveSeq));
    expect(replayed.length).toBeGreaterThanOrEqual(last);
    expect(replayed).toEqual(Array.from({ length: replayed.length }, (_, i) => i + 1));
    inbox.ws.terminate();
  });

  it('a reader that stops reading is cut off; the others keep getting every message', async () => {
    const s = await shop();
    const order = await placeAndAccept(s);
    const url = await t.app
      .listen({ port: 0, host: '127.0.0.1' })
      .catch(() => `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`);
    const { default: WebSocketClient } = await import('ws');
    const open = (paused: boolean) =>
      new Promise<{ ws: InstanceType<typeof WebSocketClient>; got: number[] }>(
        (resolve, reject) => {
          const ws = new WebSocketClient(
            `${url.replace('http', 'ws')}/v1/orders/${order.id}/track`,
            { headers: { authorization: `Bearer ${customer}` } },
          );
          const got: number[] = [];
          ws.on('message', (d) => {
            const m = JSON.parse(String(d));
            if (m.type === 'status' && m.seq > 10_000) got.push(m.seq - 10_000);
          });
          ws.once('open', () => {
            // The slow reader stops reading from its TCP socket: the server's buffer for it grows.
            if (paused) (ws as unknown as { _socket: { pause(): void } })._socket.pause();
            resolve({ ws, got });
          });
          ws.once('error', reject);
        },
      );
    const slow = await open(true);
    const fast = await open(false);
    await waitFor(async () => {
      const r = (
        await t.request({ method: 'GET', url: `/v1/orders/${order.id}/tracking`, token: customer })
      ).json();
      return r.snapshot;
    });
    const closed = new Promise<void>((r) => slow.ws.once('close', () => r()));
    const filler = 'x'.repeat(64 * 1024);
    // In batches of 20 (1.3 MB) that the fast reader reads before the next: it keeps up, as a
    // reader on its own machine would, while the paused one falls behind by 25 MB in all. Sent in
    // one burst, the server would write it all before this process's own client could read any.
    for (let n = 1; n <= 400; n++) {
      t.platform.ctx.bus.announce(`tracking.${order.id}`, {
        seq: 10_000 + n,
        type: 'status',
        status: 'accepted',
        driver_id: null,
        at: new Date().toISOString(),
        reason: filler,
      });
      if (n % 20 === 0)
        await waitFor(() => fast.got.length === n, 20_000, `the fast reader gets ${n}`);
    }
    // The slow reader reads again: it finds what was buffered for it, then the end of its socket.
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await closed;
    expect(slow.got.length).toBeLessThan(400);
    fast.ws.terminate();
  });

  it('refuses everyone but the customer, the store, the assigned driver and ops', async () => {
    const s = await shop();
    const other = await shop();
    const order = await placeAndAccept(s);
    const stranger = await newDriver(other);
    const refused = [await t.tokenFor('customer', 1), stranger.token, other.storeToken];
    for (const token of refused) {
      await expect(subscribe(order.id, token)).rejects.toThrow();
      expect(
        (await t.request({ method: 'GET', url: `/v1/orders/${order.id}/tracking`, token }))
          .statusCode,
      ).toBe(404);
      expect(
        (await t.request({ method: 'GET', url: `/v1/orders/${order.id}/eta`, token })).statusCode,
      ).toBe(404);
    }
    await expect(t.app.injectWS(`/v1/orders/${order.id}/track`)).rejects.toThrow();
    for (const token of [customer, s.storeToken, await t.tokenFor('ops')]) {
      const inbox = await subscribe(order.id, token);
      await waitFor(
        () => inbox.messages.some((m) => m.type === 'snapshot'),
        5000,
        'snapshot for an allowed caller',
      );
      inbox.ws.terminate();
    }
    expect(
      (await t.request({ method: 'GET', url: `/v1/orders/${uuidv7()}/tracking`, token: customer }))
        .statusCode,
    ).toBe(404);
  });
});
