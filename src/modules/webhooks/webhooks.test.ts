import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform, waitFor } from '../../../test/support/platform.ts';
import { openShop, type Shop } from '../../../test/support/shop.ts';
import { auditEntries } from '../../../test/support/audit.ts';
import { verifyWebhook } from '../../platform/http/webhook-signature.ts';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}
/** A partner endpoint on a local port; `answer` decides each response (a status, or 'hang'). */
async function receiver(answer: (n: number) => number | 'hang') {
  const got: Received[] = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      const a = answer(++n);
      if (a === 'hang') return;
      res.writeHead(a).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    got,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

let t: TestPlatform;
let ops: string;
let agent: string;
let customer: string;
const servers: Array<{ close: () => Promise<void> }> = [];
beforeAll(async () => {
  t = await startTestPlatform({
    env: {
      LASTMILE_WEBHOOK_BACKOFF_MS: '20',
      LASTMILE_WEBHOOK_MAX_ATTEMPTS: '3',
      LASTMILE_WEBHOOK_TIMEOUT_MS: '3000',
    },
  });
  ops = await t.tokenFor('ops');
  agent = await t.tokenFor('ops', 1);
  customer = await t.tokenFor('customer');
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await t?.stop();
});

async function subscribe(url: string, events: string[], storeId?: string) {
  const res = await t.request({
    method: 'POST',
    url: '/v1/ops/webhooks',
    token: ops,
    payload: {
      partner_name: 'Partner',
      url,
      events,
      reason: 'partner onboarding',
      ...(storeId ? { store_id: storeId } : {}),
    },
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; secret: string };
}
let keyN = 0;
async function acceptedOrder(shop: Shop) {
  const placed = await t.request({
    method: 'POST',
    url: '/v1/orders',
    token: customer,
    headers: { 'idempotency-key': `hook-${keyN++}-${Date.now()}` },
    payload: {
      store_id: shop.storeId,
      lines: [{ product_id: shop.products[0]?.id, quantity: 1 }],
      delivery: { lat: shop.at.lat + 0.01, lng: shop.at.lng, address: 'Door 3' },
      payment: { card_token: 'tok_visa' },
    },
  });
  const id = placed.json().id as string;
  await t.request({ method: 'POST', url: `/v1/orders/${id}/accept`, token: shop.storeToken });
  return id;
}
const log = async (id: string) =>
  (await t.request({ method: 'GET', url: `/v1/ops/webhooks/${id}/deliveries`, token: ops })).json()
    .items as Array<{ id: string; status: string; attempts: number; event_type: string }>;

describe('partner webhooks', () => {
  it('signs each delivery and retries until the partner answers 2xx', async () => {
    const shop = await openShop(t, { stock: [10] });
    const r = await receiver((n) => (n <= 2 ? 500 : 204));
    servers.push(r);
    const sub = await subscribe(r.url, ['orders.order_accepted'], shop.storeId);
    const orderId = await acceptedOrder(shop);
    const done = await waitFor(
      async () => (await log(sub.id)).find((d) => d.status === 'delivered') ?? null,
      15_000,
      'delivered',
    );
    expect(done.attempts).toBe(3);
    expect(r.got).toHaveLength(3);
    const last = r.got[2] as Received;
    const header = String(last.headers['lastmile-signature']);
    const nowS = Math.floor(Date.now() / 1000);
    expect(verifyWebhook(sub.secret, header, last.body, nowS)).toEqual({ ok: true });
    expect(verifyWebhook('whsec_wrong', header, last.body, nowS)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyWebhook(sub.secret, header, `${last.body} `, nowS)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    const payload = JSON.parse(last.body);
    expect(payload).toMatchObject({
      type: 'orders.order_accepted',
      data: { order_id: orderId, status: 'accepted' },
    });
    expect(last.headers['lastmile-event-id']).toBe(payload.id);
    // The same event is sent to the same subscription once, however often it was retried.
    expect(new Set(r.got.map((g) => g.headers['lastmile-event-id'])).size).toBe(1);
  });

  it('keeps a delivery as dead after the last attempt, and an ops agent can send it again', async () => {
    const shop = await openShop(t, { stock: [10] });
    let fail = true;
    const r = await receiver(() => (fail ? 503 : 200));
    servers.push(r);
    const sub = await subscribe(r.url, ['orders.*'], shop.storeId);
    await acceptedOrder(shop);
    const dead = await waitFor(
      async () =>
        (await log(sub.id)).find(
          (d) => d.status === 'dead' && d.event_type === 'orders.order_accepted',
        ) ?? null,
      15_000,
      'dead',
    );
    expect(dead.attempts).toBe(3);
    fail = false;
    const retry = () =>
      t.request({
        method: 'POST',
        url: `/v1/ops/webhooks/${sub.id}/deliveries/${dead.id}/retry`,
        token: agent,
        headers: { 'idempotency-key': `retry-${dead.id}` },
        payload: { reason: 'the partner is back' },
      });
    expect((await retry()).statusCode).toBe(200);
    // Repeated with its key: the stored answer, and still one row in the audit log.
    const again = await retry();
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    await waitFor(
      async () => (await log(sub.id)).find((d) => d.id === dead.id)?.status === 'delivered',
      15_000,
      'delivered on retry',
    );
    const audit = await auditEntries(t, agent, `target_id=${dead.id}`);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'webhook.delivery_retry',
      actor: { email: 'agent@demo.lastmile.dev', role: 'ops', level: 'agent' },
      target: { type: 'webhook_delivery', id: dead.id },
      reason: 'the partner is back',
      before: { status: 'dead', attempts: 3 },
      after: { status: 'pending', attempts: 0 },
      idempotency_key: `retry-${dead.id}`,
    });
  });

  it('leaves subscribing and stopping to an ops admin, each in the audit log without the secret', async () => {
    const payload = {
      partner_name: 'Levels',
      url: 'https://example.com/levels',
      events: ['orders.*'],
      reason: 'partner onboarding',
    };
    const refused = await t.request({
      method: 'POST',
      url: '/v1/ops/webhooks',
      token: agent,
      payload,
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'OPS_ADMIN_REQUIRED' });
    const sub = await subscribe(payload.url, payload.events);
    const stop = (token: string) =>
      t.request({
        method: 'DELETE',
        url: `/v1/ops/webhooks/${sub.id}`,
        token,
        payload: { reason: 'partner left' },
      });
    expect((await stop(agent)).json()).toMatchObject({ code: 'OPS_ADMIN_REQUIRED' });
    expect((await stop(ops)).statusCode).toBe(204);
    const audit = await auditEntries(t, agent, `target_type=webhook&target_id=${sub.id}`);
    expect(audit.map((a) => [a.action, a.reason, a.actor.level])).toEqual([
      ['webhook.stop', 'partner left', 'admin'],
      ['webhook.subscribe', 'partner onboarding', 'admin'],
    ]);
    expect(audit[0]).toMatchObject({ before: { active: true }, after: { active: false } });
    expect(audit[1]).toMatchObject({ before: null, after: { id: sub.id, url: payload.url } });
    expect(JSON.stringify(audit)).not.toContain(sub.secret);
  });

  it("a hanging partner does not hold up the others; other stores' events are not sent", async () => {
    const shop = await openShop(t, { stock: [20] });
    const other = await openShop(t, { stock: [20] });
    const slow = await receiver(() => 'hang');
    const fast = await receiver(() => 200);
    const elsewhere = await receiver(() => 200);
    servers.push(slow, fast, elsewhere);
    const s = await subscribe(slow.url, ['orders.order_accepted'], shop.storeId);
    const f = await subscribe(fast.url, ['orders.order_accepted'], shop.storeId);
    await subscribe(elsewhere.url, ['orders.order_accepted'], other.storeId);
    for (let i = 0; i < 5; i++) await acceptedOrder(shop);
    await waitFor(
      async () => (await log(f.id)).filter((d) => d.status === 'delivered').length === 5,
      15_000,
      'fast partner served',
    );
    expect((await log(s.id)).every((d) => d.status === 'pending')).toBe(true);
    expect(elsewhere.got).toHaveLength(0);
  });

  it('lists subscriptions a page at a time, newest first, and shows a stopped one as inactive', async () => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++)
      made.push((await subscribe(`https://example.com/p${i}`, ['orders.*'])).id);
    expect(
      (
        await t.request({
          method: 'DELETE',
          url: `/v1/ops/webhooks/${made[0]}`,
          token: ops,
          payload: { reason: 'partner left' },
        })
      ).statusCode,
    ).toBe(204);
    const seen: Array<{ id: string; active: boolean }> = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await t.request({ method: 'GET', url: `/v1/ops/webhooks${query}`, token: ops });
      expect(page.statusCode).toBe(200);
      const body = page.json() as {
        items: Array<{ id: string; active: boolean }>;
        next_cursor: string | null;
      };
      seen.push(...body.items);
      cursor = body.next_cursor;
    } while (cursor);
    const ours = seen.filter((x) => made.includes(x.id));
    expect(ours.map((x) => x.id)).toEqual([...made].reverse());
    expect(ours.find((x) => x.id === made[0])?.active).toBe(false);
    expect(new Set(seen.map((x) => x.id)).size).toBe(seen.length);
  });

  it('refuses bad subscriptions and non-ops callers', async () => {
    const reason = 'partner onboarding';
    for (const payload of [
      { partner_name: 'P', url: 'ftp://example.com/x', events: ['orders.*'], reason },
      { partner_name: 'P', url: 'https://example.com/x', events: ['payments.*'], reason },
      { partner_name: 'P', url: 'https://example.com/x', events: [], reason },
      {
        partner_name: 'P',
        url: 'https://example.com/x',
        events: ['orders.*'],
        secret: 'm',
        reason,
      },
      { partner_name: 'P', url: 'https://example.com/x', events: ['orders.*'] },
    ]) {
      expect(
        (await t.request({ method: 'POST', url: '/v1/ops/webhooks', token: ops, payload }))
          .statusCode,
      ).toBe(400);
    }
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/v1/ops/webhooks',
          token: customer,
          payload: {
            partner_name: 'P',
            url: 'https://example.com/x',
            events: ['orders.*'],
            reason,
          },
        })
      ).statusCode,
    ).toBe(403);
  });

  it('refuses a subscription to a store that does not exist (404, nothing subscribed)', async () => {
    const nobody = '01890000-0000-7000-8000-000000000000';
    const res = await t.request({
      method: 'POST',
      url: '/v1/ops/webhooks',
      token: ops,
      payload: {
        partner_name: 'Ghost',
        url: 'https://example.com/x',
        events: ['orders.*'],
        store_id: nobody,
        reason: 'partner onboarding',
      },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND' });
    const rows = await t.platform.ctx.db
      .selectFrom('webhook_subscriptions')
      .select('id')
      .where('store_id', '=', nobody)
      .execute();
    expect(rows).toEqual([]);
  });
});
