import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offerPush } from '../support/driver-push.ts';
import { driversFor, seedDriverProfile } from '../../src/modules/drivers/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { openShop, type Shop } from '../support/shop.ts';
import { pageClient } from './page-client.ts';

// The sockets as a browser uses them: a page of the app's own origin signs in the only ways a
// browser's WebSocket can (a ticket in the URL, the bearer subprotocol) and sees what the REST
// API changes; a page of another origin is refused.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let t: TestPlatform;
let base: string;
let wsBase: string;
let elsewhere: http.Server;
let elsewhereUrl: string;
let browser: Browser;
let context: BrowserContext;
let shop: Shop;
let customer: string;

/** A page whose origin is not the API's (another port is another origin). */
function startElsewhere(): Promise<string> {
  elsewhere = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end('<!doctype html><title>another site</title><p>another site</p>');
  });
  return new Promise((resolve) =>
    elsewhere.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`),
    ),
  );
}

async function rest(method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'idempotency-key': uuidv7(),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A paid order the store accepted, placed and moved through the public API. */
async function acceptedOrder(): Promise<string> {
  const placed = await rest('POST', '/v1/orders', customer, {
    store_id: shop.storeId,
    lines: [{ product_id: shop.products[0]?.id, quantity: 1 }],
    delivery: { lat: shop.at.lat + 0.01, lng: shop.at.lng, address: 'Browser Street 1' },
    payment: { card_token: 'tok_visa' },
  });
  expect(placed.status).toBe(201);
  const id = placed.body.id as string;
  expect((await rest('POST', `/v1/orders/${id}/accept`, shop.storeToken)).status).toBe(200);
  return id;
}

/** 403 answers counted for a route: proof that a refusal in the browser was the server's. */
async function refusedCount(route: string): Promise<number> {
  const { values } = await t.platform.ctx.metrics.httpRequests.get();
  return values
    .filter((v) => v.labels.route === route && v.labels.status === '403')
    .reduce((n, v) => n + v.value, 0);
}

beforeAll(async () => {
  t = await startTestPlatform();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  wsBase = base.replace(/^http/, 'ws');
  elsewhereUrl = await startElsewhere();
  customer = await t.tokenFor('customer');
  shop = await openShop(t, { stock: [50], lat: 47.4, lng: 8.5 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking'],
  });
  context = await browser.newContext();
  // Only this machine: any request elsewhere fails the page's load instead of leaving it.
  await context.route('**/*', (route) =>
    new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort(),
  );
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await new Promise((r) => (elsewhere ? elsewhere.close(r) : r(undefined)));
  await t?.stop();
});

describe('WebSockets from a browser', () => {
  it('follows an order with a ticket and with the bearer subprotocol; a REST status change arrives', async () => {
    const orderId = await acceptedOrder();
    const page = await context.newPage();
    await page.goto(`${base}/health`);
    const lm = pageClient(page);
    await lm.install();

    const ticket = await lm.ticket(customer, 'tracking');
    const track = `${wsBase}/v1/orders/${orderId}/track`;
    expect(await lm.open('byTicket', `${track}?ticket=${ticket}`)).toBe('open');
    expect(await lm.open('bySubprotocol', track, ['lastmile.v1', `bearer.${customer}`])).toBe(
      'open',
    );
    expect((await lm.socket('bySubprotocol')).protocol).toBe('lastmile.v1');
    for (const name of ['byTicket', 'bySubprotocol'])
      expect(await lm.waitForMessage(name, { type: 'snapshot' })).toMatchObject({
        order_id: orderId,
      });
    // The ticket was spent by the first socket.
    expect(await lm.open('again', `${track}?ticket=${ticket}`)).toBe('refused');

    // The store marks the order ready over REST: both sockets in the browser hear it.
    expect((await rest('POST', `/v1/orders/${orderId}/ready`, shop.storeToken, {})).status).toBe(
      200,
    );
    for (const name of ['byTicket', 'bySubprotocol']) {
      const snapshot = await lm.waitForMessage(name, { type: 'snapshot' });
      const ready = await lm.waitForMessage(name, { type: 'status', status: 'ready' });
      expect(ready.seq).toBeGreaterThan(snapshot.seq as number);
    }
    await lm.closeAll();
    await page.close();
  });

  it("opens the driver's channel with a ticket: locations in, pushes out", async () => {
    const driverId = uuidv7();
    await seedDriverProfile(t.platform.ctx, { id: driverId, name: 'Browser', vehicle: 'bike' });
    const { token } = await t.platform.ctx.tokens.issue({
      userId: uuidv7(),
      role: 'driver',
      driverId,
    });
    const page = await context.newPage();
    await page.goto(`${base}/health`);
    const lm = pageClient(page);
    await lm.install();
    const ticket = await lm.ticket(token, 'driver');
    expect(await lm.open('channel', `${wsBase}/v1/drivers/me/channel?ticket=${ticket}`)).toBe(
      'open',
    );
    await lm.send('channel', { type: 'ping', ref: 'first' });
    expect(await lm.waitForMessage('channel', { type: 'pong', ref: 'first' })).toBeTruthy();
    await lm.send('channel', {
      type: 'locations',
      ref: 'here',
      points: [{ lat: shop.at.lat, lng: shop.at.lng, recorded_at: new Date().toISOString() }],
    });
    expect(await lm.waitForMessage('channel', { type: 'ack', ref: 'here' })).toMatchObject({
      accepted: 1,
    });
    const offerId = uuidv7();
    driversFor(t.platform.ctx).notify(driverId, offerPush(offerId));
    expect(await lm.waitForMessage('channel', { offer_id: offerId })).toMatchObject({
      type: 'offer',
    });
    await lm.closeAll();
    await page.close();
  });

  it('refuses a page of another origin before the upgrade, whatever its credentials', async () => {
    const orderId = await acceptedOrder();
    const route = '/v1/orders/:id/track';
    const before = await refusedCount(route);
    const track = `${wsBase}/v1/orders/${orderId}/track`;
    const ticket = (await rest('POST', '/v1/realtime/tickets', customer, {})).body.ticket as string;

    const foreign = await context.newPage();
    await foreign.goto(elsewhereUrl);
    const away = pageClient(foreign);
    await away.install();
    expect(await away.open('byTicket', `${track}?ticket=${ticket}`)).toBe('refused');
    expect(await away.open('bySubprotocol', track, ['lastmile.v1', `bearer.${customer}`])).toBe(
      'refused',
    );
    expect(await refusedCount(route)).toBe(before + 2);
    await foreign.close();

    // The refusal came before the ticket was looked at: the app's own page can still use it.
    const own = await context.newPage();
    await own.goto(`${base}/health`);
    const home = pageClient(own);
    await home.install();
    expect(await home.open('byTicket', `${track}?ticket=${ticket}`)).toBe('open');
    await home.waitForMessage('byTicket', { type: 'snapshot' });
    await home.closeAll();
    await own.close();
  });
});
