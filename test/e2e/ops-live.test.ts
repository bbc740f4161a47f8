import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall } from '../support/browser.ts';
import { driverOnShift } from '../support/drivers.ts';
import { opsConsole } from '../support/ops-console.ts';
import { expectAccessible } from '../support/page-checks.ts';
import { startTestPlatform, type TestPlatform, waitFor } from '../support/platform.ts';
import { moveOrder, openShop, paidOrderAt, type Shop } from '../support/shop.ts';
import { closeSockets, openSocket } from '../support/socket-client.ts';
import { pageClient } from './page-client.ts';

// The console's live map in a real browser: drivers on shift appear on its canvas and in its
// list as they report positions through the API and move with them; a filter narrows what it
// shows; the benchmark's measure is taken only when asked; a socket cut mid-stream resumes where
// it stopped; and a customer's or driver's credentials open neither its socket nor the ops routes.

const LIVE = '/v1/ops/city/live';
const MEASURE = 'lastmile.position-to-pixel';

let t: TestPlatform;
let base: string;
let shop: Shop;
let orders: { waiting: string; accepted: string };

interface Driver {
  id: string;
  name: string;
  token: string;
  /** Where it last reported. */
  at?: { lat: number; lng: number };
}
let drivers: Driver[];

beforeAll(async () => {
  t = await startTestPlatform({ env: { LASTMILE_OPS_CITY_STATE_MS: '500' } });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  shop = await openShop(t, { stock: [50], lat: 52.5, lng: 13.4 });
  const customer = await t.tokenFor('customer');
  orders = {
    waiting: (await paidOrderAt(t, shop, { token: customer })).id,
    accepted: (await paidOrderAt(t, shop, { token: customer })).id,
  };
  await moveOrder(t, shop, orders.accepted, 'accept');
  drivers = [];
  for (const name of ['Ada Live', 'Bo Live', 'Cy Live'])
    drivers.push({ name, ...(await driverOnShift(t, name)) });
});
afterAll(async () => {
  await t?.stop();
});
const ui = opsConsole();

/** The driver reports a position `agoMs` ago (a first one a while back: ingest drops jumps). */
async function report(d: Driver, lat: number, lng: number, agoMs = 0) {
  const recorded_at = new Date(Date.now() - agoMs).toISOString();
  const res = await apiCall(base, 'POST', '/v1/drivers/me/locations', d.token, {
    points: [{ lat, lng, recorded_at }],
  });
  expect(res.status).toBe(200);
  d.at = { lat, lng };
}

async function livePage(query = ''): Promise<Page> {
  const page = await ui.consoleAs(base, 'agent');
  await page.goto(`${base}/app/ops/live${query}`);
  return page;
}

const canvas = (page: Page) => page.getByTestId('map-overlay');
const drawn = (page: Page) => canvas(page).getAttribute('data-drivers');
const listed = (page: Page, d: Driver) =>
  page.locator(`[data-testid="live-driver"][data-driver-id="${d.id}"]`);
const listedOrders = (page: Page) =>
  page
    .getByTestId('live-order')
    .evaluateAll((bs) => bs.map((b) => b.getAttribute('data-order-id')));
const measures = (page: Page) =>
  page.evaluate<number>(`performance.getEntriesByName(${JSON.stringify(MEASURE)}).length`);

type Msg = Record<string, unknown>;

/** A socket the page opened to the live city, as Chromium saw it: its URL, what it received. */
interface CitySocket {
  url: URL;
  messages: Msg[];
}

/** Every socket the page opens to the live city from now on, in order. */
function citySockets(page: Page): CitySocket[] {
  const seen: CitySocket[] = [];
  page.on('websocket', (ws) => {
    const url = new URL(ws.url());
    if (url.pathname !== LIVE) return;
    const socket: CitySocket = { url, messages: [] };
    seen.push(socket);
    ws.on('framereceived', (f) => socket.messages.push(JSON.parse(String(f.payload)) as Msg));
  });
  return seen;
}

/** The `seq` a socket last got (of its snapshot or a frame): where its client resumes. */
const lastSeq = (s: CitySocket) =>
  Math.max(...s.messages.filter((m) => m.type !== 'heartbeat').map((m) => m.seq as number));

/** A frame that moves the driver to `to`. */
const moves = (m: Msg, d: Driver, to: { lat: number; lng: number }) =>
  m.type === 'frame' &&
  ((m.positions as { upsert: Msg[] } | undefined)?.upsert ?? []).some(
    (p) => p.id === d.id && Math.abs((p.lat as number) - to.lat) < 1e-5,
  );

/**
 * Holds the page's next request for a socket ticket until `release()`: the app asks for one
 * before each connection, so its socket cannot reconnect before then.
 */
async function holdNextTicket(page: Page) {
  let release = () => {};
  const released = new Promise<void>((r) => {
    release = r;
  });
  let asked = () => {};
  const requested = new Promise<void>((r) => {
    asked = r;
  });
  await page.route(
    '**/v1/realtime/tickets',
    async (route) => {
      asked();
      await released;
      await route.continue();
    },
    { times: 1 },
  );
  return { requested, release };
}

/** 403 answers counted for a route: proof that a refusal in the browser was the server's. */
async function refusedCount(route: string): Promise<number> {
  const { values } = await t.platform.ctx.metrics.httpRequests.get();
  return values
    .filter((v) => v.labels.route === route && v.labels.status === '403')
    .reduce((n, v) => n + v.value, 0);
}

describe('the live map', () => {
  it('draws the drivers as they report, moves them, and narrows what it shows', async () => {
    for (const [i, d] of drivers.entries()) await report(d, 52.501 + i * 0.002, 13.401, 20_000);
    const page = await livePage();
    await expect.poll(() => drawn(page), { timeout: 10_000 }).toBe('3');
    expect(await canvas(page).getAttribute('aria-label')).toMatch(/3 drivers and 2 open orders/);
    const [ada] = drivers as [Driver];
    await expect.poll(() => listed(page, ada).innerText()).toContain('at 52.5010, 13.4010');
    expect(await listedOrders(page)).toEqual(expect.arrayContaining(Object.values(orders)));
    expect(await measures(page)).toBe(0);
    await expectAccessible(page, 'ops live map');

    await report(ada, 52.5022, 13.4023);
    await expect
      .poll(() => listed(page, ada).innerText(), { timeout: 10_000 })
      .toContain('at 52.5022, 13.4023');

    // Picked from the list: its details, with where it was seen.
    await listed(page, ada).click();
    await expect.poll(() => page.getByTestId('live-details').innerText()).toContain(ada.name);

    // Only orders waiting for the store: one order, and no driver carries it.
    await page.getByLabel('Order state').selectOption('authorized');
    await page.waitForURL(/state=authorized/);
    await expect.poll(() => listedOrders(page)).toEqual([orders.waiting]);
    await expect.poll(() => drawn(page)).toBe('0');
    await page.getByRole('button', { name: 'Show everything' }).click();
    await expect.poll(() => drawn(page)).toBe('3');
  });

  it('measures position to pixel only when asked', async () => {
    const page = await livePage('?measure=1');
    await expect.poll(() => drawn(page), { timeout: 10_000 }).toBe('3');
    const [, bo] = drivers as [Driver, Driver];
    await report(bo, 52.5045, 13.4032);
    await expect.poll(() => measures(page), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(page.url()).toContain('measure=1');
  });

  it('resumes a socket cut mid-stream after its last frame, with only the frames it missed', async () => {
    const ops = await t.tokenFor('ops');
    // Someone else follows the city, so its reads, and their epoch, go on while the page is away.
    const keeper = await openSocket(base, LIVE, { headers: { authorization: `Bearer ${ops}` } });
    if (!keeper.ok) throw new Error(`the keeper was refused: ${keeper.status}`);
    try {
      const snapshot = await waitFor(
        () => keeper.messages.find((m) => m.type === 'snapshot'),
        5000,
        "the keeper's snapshot",
      );
      const epoch = snapshot.epoch as string;
      // Every driver fresh on the map, where it was last (or first) seen.
      for (const [i, d] of drivers.entries())
        await report(d, d.at?.lat ?? 52.501 + i * 0.002, d.at?.lng ?? 13.401);
      const others = new Set(t.app.websocketServer.clients);
      const page = await ui.consoleAs(base, 'agent');
      const sockets = citySockets(page);
      await page.goto(`${base}/app/ops/live`);
      await expect.poll(() => drawn(page), { timeout: 10_000 }).toBe('3');
      const [first] = sockets as [CitySocket];
      expect(first.messages[0]).toMatchObject({ type: 'snapshot', epoch });

      // The server cuts the page's socket; the page reconnects, held at its ticket meanwhile.
      const ticket = await holdNextTicket(page);
      const cut = [...t.app.websocketServer.clients].filter((ws) => !others.has(ws));
      expect(cut).toHaveLength(1);
      cut[0]?.terminate();
      await ticket.requested;
      const after = lastSeq(first);
      // A driver moves while the page is away: a frame it missed.
      const ada = drivers[0] as Driver & { at: { lat: number; lng: number } };
      const to = { lat: ada.at.lat + 0.0004, lng: ada.at.lng };
      await report(ada, to.lat, to.lng);
      const missed = await waitFor(
        () => keeper.messages.find((m) => moves(m, ada, to)),
        10_000,
        "the move in the keeper's frames",
      );
      expect(missed.seq as number).toBeGreaterThan(after);
      ticket.release();

      const resumed = await waitFor(() => sockets[1]?.messages[0] && sockets[1], 10_000, 'resumed');
      expect(resumed.url.searchParams.get('after')).toBe(String(after));
      expect(resumed.url.searchParams.get('epoch')).toBe(epoch);
      expect(resumed.messages[0]).toMatchObject({ type: 'frame', epoch, seq: after + 1 });
      await waitFor(() => resumed.messages.some((m) => m.seq === missed.seq), 10_000, 'missed');
      const seqs = resumed.messages.filter((m) => m.type === 'frame').map((m) => m.seq);
      expect(seqs).toEqual(seqs.map((_, i) => after + 1 + i));
      expect(resumed.messages.some((m) => m.type === 'snapshot')).toBe(false);
      // The map kept what it had and shows the move.
      await expect
        .poll(() => listed(page, ada).innerText(), { timeout: 10_000 })
        .toContain(`at ${to.lat.toFixed(4)}, ${to.lng.toFixed(4)}`);
      expect(await drawn(page)).toBe('3');
      expect(sockets).toHaveLength(2);
    } finally {
      closeSockets();
    }
  });
});

describe('who may follow the city', () => {
  it("refuses a customer's and a driver's credentials on the socket and the ops routes", async () => {
    const page = await livePage();
    await expect.poll(() => drawn(page), { timeout: 10_000 }).not.toBeNull();
    const lm = pageClient(page);
    await lm.install();
    const ws = `${base.replace(/^http/, 'ws')}${LIVE}`;
    const before = await refusedCount(LIVE);
    const strangers = [await t.tokenFor('customer'), (drivers[0] as Driver).token];
    for (const [i, token] of strangers.entries()) {
      expect(await lm.open(`bearer${i}`, ws, ['lastmile.v1', `bearer.${token}`])).toBe('refused');
      const ticket = await lm.ticket(token, 'ops-city');
      expect(await lm.open(`ticket${i}`, `${ws}?ticket=${ticket}`)).toBe('refused');
      for (const path of ['/v1/ops/orders', '/v1/ops/attention'])
        expect(
          await page.evaluate<number>(
            `fetch(${JSON.stringify(path)}, { headers: { authorization: 'Bearer ${token}' } }).then((r) => r.status)`,
          ),
        ).toBe(403);
    }
    expect(await refusedCount(LIVE)).toBe(before + 4);
    expect(ui.watch.elsewhere).toEqual([]);
  });
});
