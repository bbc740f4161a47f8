import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS } from '../cli/demo-seed.ts';
import { startTestPlatform, type TestPlatform } from '../../test/support/platform.ts';
import { openShop } from '../../test/support/shop.ts';
import { placeOrder } from './examples/place-order.ts';
import {
  createLastmileClient,
  LastmileHttpError,
  LastmileProblem,
  newIdempotencyKey,
  type TrackingMessage,
  unwrap,
} from './index.ts';
import { waitFor } from '../../test/support/wait.ts';

let t: TestPlatform;
let base: string;
const customer = DEMO_USERS.find((u) => u.role === 'customer')?.email as string;
const ops = DEMO_USERS.find((u) => u.role === 'ops')?.email as string;
beforeAll(async () => {
  t = await startTestPlatform({ listen: true });
  base = t.platform.url as string;
  await t.tokenFor('customer');
});
afterAll(async () => {
  await t?.stop();
});

/** A client whose requests are kept, sent over the network to the test platform. */
function recorded(opts: Partial<Parameters<typeof createLastmileClient>[0]> = {}) {
  const sent: Request[] = [];
  const send = opts.fetch ?? fetch;
  const api = createLastmileClient({
    baseUrl: base,
    ...opts,
    fetch: async (req) => {
      sent.push(req.clone());
      return send(req);
    },
  });
  return { api, sent };
}

async function signedIn(email = customer) {
  const { api, sent } = recorded();
  const session = await unwrap(
    api.POST('/v1/auth/token', { body: { email, password: DEMO_PASSWORD } }),
  );
  api.setToken(session.access_token);
  return { api, sent, token: session.access_token };
}

describe('the HTTP client', () => {
  it('signs in and sends the bearer token on later calls', async () => {
    const { api, sent, token } = await signedIn();
    const me = await unwrap(api.GET('/v1/me'));
    expect(me).toMatchObject({ email: customer, role: 'customer' });
    expect(sent.at(-1)?.headers.get('authorization')).toBe(`Bearer ${token}`);
    expect(sent[0]?.headers.get('authorization')).toBeNull();
    const other = api.withToken(undefined);
    const { error, response } = await other.GET('/v1/me');
    expect(response.status).toBe(401);
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('turns problem+json into a LastmileProblem with its code, fields and extras', async () => {
    const { api } = recorded();
    const bad = await unwrap(
      api.POST('/v1/auth/token', { body: { email: 'not-an-email', password: 'x' } }),
    ).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(LastmileProblem);
    const p = bad as LastmileProblem;
    expect(p).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(p.errors.length).toBeGreaterThan(0);
    expect(p.requestId).toBe(p.response?.headers.get('x-request-id'));
    const wrong = await unwrap(
      api.POST('/v1/auth/token', { body: { email: customer, password: 'wrong password' } }),
    ).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect((wrong as Error).message).toMatch(/^401 UNAUTHENTICATED: /);
  });

  it('keeps the fields a problem adds beyond the standard ones', async () => {
    const body = { type: 'x', title: 'Limited', status: 429, detail: 'd', instance: '/x' };
    const { api } = recorded({
      fetch: async () =>
        new Response(
          JSON.stringify({ ...body, code: 'RATE_LIMITED', requestId: 'r', retry_after_s: 3 }),
          { status: 429, headers: { 'content-type': 'application/problem+json' } },
        ),
    });
    const err = (await unwrap(api.GET('/v1/me')).catch((e: unknown) => e)) as LastmileProblem;
    expect(err.extra).toEqual({ retry_after_s: 3 });
    const { api: proxied } = recorded({
      fetch: async () => new Response('<h1>Bad gateway</h1>', { status: 502 }),
    });
    const plain = await unwrap(proxied.GET('/v1/me')).catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(LastmileHttpError);
    expect(plain).not.toBeInstanceOf(LastmileProblem);
    expect(plain).toMatchObject({ status: 502, body: '<h1>Bad gateway</h1>' });
  });

  it('gives each mutating call an Idempotency-Key unless it carries one', async () => {
    const { api, sent } = await signedIn(ops);
    const body = { partner_name: 'A', reason: 'client test' };
    const made = await unwrap(api.POST('/v1/partners/api-keys', { body }));
    await api.POST('/v1/partners/api-keys', { body });
    await api.GET('/v1/partners/api-keys');
    await api.DELETE('/v1/partners/api-keys/{id}', {
      params: { path: { id: made.id } },
      body: { reason: 'client test' },
    });
    const keys = sent.slice(-4).map((r) => r.headers.get('idempotency-key'));
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[2]).toBeNull();
    expect(keys[3]).toMatch(/^[0-9a-f-]{36}$/);
    const { api: bare, sent: bareSent } = recorded({ idempotencyKey: false });
    await bare.POST('/v1/auth/token', { body: { email: customer, password: DEMO_PASSWORD } });
    expect(bareSent[0]?.headers.get('idempotency-key')).toBeNull();
  });

  it('replays the first answer to a retry that reuses the key', async () => {
    const { api } = await signedIn(ops);
    const key = newIdempotencyKey();
    const create = () =>
      api.POST('/v1/partners/api-keys', {
        params: { header: { 'idempotency-key': key } },
        body: { partner_name: 'Retried partner', reason: 'client test' },
      });
    const first = await create();
    const retry = await create();
    expect(first.response.status).toBe(201);
    expect(retry.response.status).toBe(201);
    expect(retry.response.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.data?.id).toBe(first.data?.id);
    const keys = await unwrap(api.GET('/v1/partners/api-keys'));
    expect(keys.items.filter((k) => k.partner_name === 'Retried partner')).toHaveLength(1);
    // One key made, one row in the audit log.
    const audit = await unwrap(
      api.GET('/v1/ops/audit', { params: { query: { action: 'api_key.create' } } }),
    );
    expect(audit.items.filter((a) => a.idempotency_key === key)).toMatchObject([
      { target: { type: 'api_key', id: first.data?.id }, reason: 'client test' },
    ]);
  });
});

describe('the README example', () => {
  it('places an order with a test card and follows it live', async () => {
    const shop = await openShop(t, { stock: [3], lat: 52.5163, lng: 13.3777 });
    const { order, tracking } = await placeOrder(base, customer, DEMO_PASSWORD);
    const seen: TrackingMessage[] = [];
    tracking.on('message', (m) => seen.push(m));
    try {
      expect(order.status).toBe('authorized');
      await tracking.opened;
      await waitFor(() => seen.some((m) => m.type === 'snapshot'), 5000, 'snapshot');
      const accepted = await t.request({
        method: 'POST',
        url: `/v1/orders/${order.id}/accept`,
        token: shop.storeToken,
      });
      expect(accepted.statusCode).toBe(200);
      await waitFor(
        () => seen.some((m) => m.type === 'status' && m.status === 'accepted'),
        10_000,
        'accepted',
      );
      expect(tracking.lastSeq).toBeGreaterThan(0);
    } finally {
      tracking.close();
    }
  });
});
