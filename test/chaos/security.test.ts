import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allModules } from '../../src/modules/index.ts';
import type { Role, RouteAuth } from '../../src/platform/auth/principal.ts';
import type { ModuleDefinition } from '../../src/platform/module.ts';
import {
  type DocOperation,
  type DocParam,
  documentedOperations,
  type JsonSchema,
} from '../support/openapi.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import {
  buildFixture,
  type Caller,
  type Fixture,
  type Kind,
  type Party,
  SIDES,
  type Side,
  sweepClock,
  type Who,
  other,
} from '../support/sweep-fixture.ts';

/**
 * Security sweep: every route the app serves × every kind of caller, each call naming resources
 * of *someone else*. A 2xx is allowed only on a public route, on the caller's own resources, or
 * for ops; a wrong role is 401 (anonymous) or 403. Routes come from the running app (OpenAPI
 * document plus the router itself), never from a list in this file, so a new route that the
 * ownership table below cannot classify fails the sweep instead of slipping past it.
 */

/**
 * The ownership rules: besides ops, who may act on a resource of one side. A `private` resource's
 * id must never appear in an answer to anyone else (a cross-tenant read through a list or a view).
 */
const OWNERSHIP: Record<Kind, { owners: readonly Party[]; private: boolean }> = {
  // The driver follows the order he carries (delivery, ETA, tracking); the trip id is part of the order's delivery view.
  order: { owners: ['customer', 'store', 'driver'], private: true },
  delivery: { owners: ['customer', 'store', 'driver'], private: true },
  trip: { owners: ['customer', 'store', 'driver'], private: true },
  offer: { owners: ['driver'], private: true },
  // Public to read; only its staff manage it and its stock.
  store: { owners: ['store'], private: false },
  product: { owners: ['store'], private: false },
  // The courier is named on the delivery of the order he carries; the store sees who ordered.
  driver: { owners: ['driver', 'customer', 'store'], private: true },
  user: { owners: ['customer', 'store'], private: true },
  ticket: { owners: ['customer'], private: true },
  notification: { owners: ['customer'], private: true },
  webhook: { owners: [], private: true },
  webhookDelivery: { owners: [], private: true },
  apiKey: { owners: [], private: true },
  deadLetter: { owners: [], private: false },
  category: { owners: [], private: false },
};
/** Which resource a path parameter names, by the segment before it. */
const PARAM_KINDS: Record<string, Kind> = {
  'orders/{id}': 'order',
  'deliveries/{id}': 'delivery',
  'trips/{id}': 'trip',
  'offers/{id}': 'offer',
  'stores/{id}': 'store',
  'stock/{productId}': 'product',
  'products/{id}': 'product',
  'drivers/{id}': 'driver',
  'tickets/{id}': 'ticket',
  'notifications/{id}': 'notification',
  'webhooks/{id}': 'webhook',
  'deliveries/{deliveryId}': 'webhookDelivery',
  'api-keys/{id}': 'apiKey',
  'dead-letters/{id}': 'deadLetter',
  'categories/{id}': 'category',
};
/** Body fields holding a resource id; any other uuid field fails the sweep until it is added. */
const BODY_REF_KINDS: Record<string, Kind> = {
  order_id: 'order',
  store_id: 'store',
  product_id: 'product',
};
/** Non-JSON bodies (the CSV imports), by route. */
const FILE_BODIES: Record<string, (f: Fixture, side: Side) => string> = {
  '/v1/catalog/import/products': () =>
    'sku,name,category_id,price_minor,currency\nSWEEP-IMPORT-1,Sweep import,groceries,100,EUR\n',
  '/v1/stores/{id}/stock/import': (f, side) =>
    `sku,on_hand\n${f.shops[side].products[0]?.sku},40\n`,
};
/** Routes that are not in the OpenAPI document on purpose (WebSocket routes are swept over a socket). */
const HIDDEN_PUBLIC = new Set(['GET /health', 'GET /ready', 'GET /metrics', 'GET /openapi.json']);
/** Calls that end a fixture's life; they run after every other call of their phase. */
const DESTRUCTIVE =
  /\/(cancel|reject|close|pause|failed|returned|delivered|picked-up|reassign|unassign|resolve)$/;

interface Operation {
  method: string;
  path: string;
  /** What the route declares (config.auth), and what the OpenAPI document says about it. */
  auth: RouteAuth;
  documented: RouteAuth;
  websocket: boolean;
  params: DocParam[];
  body: DocOperation['body'];
}
interface Exchange {
  caller: Caller;
  op: Operation;
  url: string;
  payload: unknown;
  refs: Array<{ kind: Kind; side: Side; where: 'path' | 'body' }>;
  status: number;
  res: LightMyRequestResponse | null;
}

const clock = sweepClock();
const routesSeen: Array<{ method: string; url: string; auth: RouteAuth; websocket: boolean }> = [];
/** Sees every route with the auth it declares: frontDoor runs on the root app before any route is mounted. */
const routeProbe: ModuleDefinition = {
  name: 'security-sweep-probe',
  frontDoor: async (app) => {
    app.addHook('onRoute', (r) => {
      for (const method of [r.method].flat()) {
        if (method !== 'HEAD')
          routesSeen.push({
            method,
            url: r.url,
            auth: r.config?.auth ?? 'public',
            websocket: r.websocket === true,
          });
      }
    });
  },
};

let t: TestPlatform;
let f: Fixture;
let ops: Operation[];

beforeAll(async () => {
  t = await startTestPlatform({ clock, modules: [...allModules, routeProbe] });
  f = await buildFixture(t, clock);
  ops = await operations();
});
afterAll(async () => {
  await t?.stop();
});

/** The operations of the OpenAPI document, with the auth their routes declare, plus the WebSocket routes. */
async function operations(): Promise<Operation[]> {
  const declared = (method: string, path: string) =>
    routesSeen.find((r) => r.method === method && r.url.replace(/:(\w+)/g, '{$1}') === path);
  const out: Operation[] = (await documentedOperations(t.app)).map((o) => {
    const route = declared(o.method, o.path);
    if (!route)
      throw new Error(`OpenAPI lists ${o.method} ${o.path} but the router has no such route`);
    const documented: RouteAuth = !o.secured
      ? 'public'
      : ((o.roles as Role[] | null) ?? 'authenticated');
    return {
      method: o.method,
      path: o.path,
      auth: route.auth,
      documented,
      websocket: false,
      params: o.params,
      body: o.body,
    };
  });
  for (const r of routesSeen.filter((x) => x.websocket)) {
    const path = r.url.replace(/:(\w+)/g, '{$1}');
    out.push({
      method: 'GET',
      path,
      auth: r.auth,
      documented: r.auth,
      websocket: true,
      params: [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
        name: m[1] ?? '',
        in: 'path',
        schema: {},
      })),
      body: null,
    });
  }
  return out;
}

/** Why a route cannot be swept (a parameter, body field or media type the tables above do not know), or null. */
function unclassified(op: Operation): string | null {
  try {
    buildRequest(op, f.callers[0] as Caller, 'A');
    return null;
  } catch (err) {
    return `${op.method} ${op.path}: ${(err as Error).message}`;
  }
}

let seq = 0;
/** Fields whose meaning matters more than their schema: a delivery point the store covers, a card that pays, a restock. */
const NAMED: Record<string, (side: Side) => unknown> = {
  lat: (side) => f.shops[side].at.lat + 0.01,
  lng: (side) => f.shops[side].at.lng,
  address: () => 'Sweep Street 1',
  card_token: () => 'tok_visa',
  reason: () => 'security sweep',
  radius_m: () => 5000,
  sku: () => `SWEEP-${++seq}`,
  category_id: () => 'groceries',
  currency: () => 'EUR',
  password: () => 'sweep-password-1',
  events: () => ['orders.*'],
  delta: () => 1,
};

/** The smallest value the schema accepts (a schema-valid body, so the ownership check behind validation is reached). */
function minimal(s: JsonSchema, name: string, side: Side, refs: Exchange['refs']): unknown {
  const named = NAMED[name];
  if (named && !s.format) return named(side);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.anyOf)
    return minimal(
      s.anyOf.find((b) => b.type !== 'null') ?? (s.anyOf[0] as JsonSchema),
      name,
      side,
      refs,
    );
  if (s.default !== undefined) return s.default;
  switch (s.type) {
    case 'object': {
      // Required fields, plus every optional field that names a resource: that is where a
      // cross-tenant write would hide (a ticket about someone else's order).
      const keys = Object.keys(s.properties ?? {}).filter(
        (k) =>
          s.required?.includes(k) || (k in BODY_REF_KINDS && s.properties?.[k]?.format === 'uuid'),
      );
      return Object.fromEntries(
        keys.map((k) => [k, minimal(s.properties?.[k] ?? {}, k, side, refs)]),
      );
    }
    case 'array':
      if (Array.isArray(s.items)) return s.items.map((item) => minimal(item, name, side, refs));
      return Array.from({ length: s.minItems ?? 0 }, () =>
        minimal(s.items as JsonSchema, name, side, refs),
      );
    case 'integer':
    case 'number':
      return Math.min(Math.max(1, s.minimum ?? 1), s.maximum ?? 1);
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'string': {
      if (s.format === 'uuid') {
        const kind = BODY_REF_KINDS[name];
        if (!kind)
          throw new Error(
            `uuid field "${name}" names no known resource (add it to BODY_REF_KINDS)`,
          );
        refs.push({ kind, side, where: 'body' });
        return f.ids[kind][side];
      }
      if (s.format === 'email') return `sweep-${++seq}@test.lastmile.dev`;
      if (s.format === 'date-time') return new Date(clock.now()).toISOString();
      if (s.format === 'uri') return 'http://127.0.0.1:9/sweep';
      if (s.pattern) {
        const fits = fc
          .sample(fc.stringMatching(new RegExp(s.pattern)), { seed: 42, numRuns: 50 })
          .find((v) => v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? Infinity));
        if (fits === undefined) throw new Error(`no value found for pattern ${s.pattern}`);
        return fits;
      }
      return 'sweep'.padEnd(s.minLength ?? 0, 'x').slice(0, s.maxLength ?? 100);
    }
  }
  throw new Error(`cannot build a value for "${name}" (${JSON.stringify(s).slice(0, 80)})`);
}

/** The request `caller` sends to `op`, every id naming a resource of `side`. */
function buildRequest(op: Operation, caller: Caller, side: Side) {
  const refs: Exchange['refs'] = [];
  const url = op.path.replace(/([\w-]+)\/\{(\w+)\}/g, (_m, segment: string, name: string) => {
    const kind = PARAM_KINDS[`${segment}/{${name}}`];
    if (!kind)
      throw new Error(
        `path parameter {${name}} after "${segment}" names no known resource (add it to PARAM_KINDS)`,
      );
    refs.push({ kind, side, where: 'path' });
    return `${segment}/${encodeURIComponent(f.ids[kind][side])}`;
  });
  const query = op.params
    .filter((p) => p.in === 'query' && p.required && p.schema.default === undefined)
    .map((p) => `${p.name}=${encodeURIComponent(String(minimal(p.schema, p.name, side, refs)))}`);
  let payload: unknown;
  const headers: Record<string, string> = { ...caller.headers };
  if (op.body?.type === 'application/json') payload = minimal(op.body.schema, 'body', side, refs);
  else if (op.body) {
    const file = FILE_BODIES[op.path];
    if (!file) throw new Error(`no ${op.body.type} body for this route (add it to FILE_BODIES)`);
    payload = file(f, side);
    headers['content-type'] = op.body.type;
  }
  if (op.method !== 'GET') headers['idempotency-key'] = uuidv7();
  return { url: query.length > 0 ? `${url}?${query.join('&')}` : url, payload, headers, refs };
}

async function send(op: Operation, caller: Caller, side: Side): Promise<Exchange> {
  const { url, payload, headers, refs } = buildRequest(op, caller, side);
  if (op.websocket) {
    // A refused upgrade answers with its status; an accepted one opens the socket (counted as 101).
    try {
      const ws = await t.app.injectWS(url, { headers });
      ws.terminate();
      return { caller, op, url, payload, refs, status: 101, res: null };
    } catch (err) {
      const status = Number(/response: (\d{3})/.exec(String(err))?.[1] ?? 0);
      return { caller, op, url, payload, refs, status, res: null };
    }
  }
  if (payload !== undefined && typeof payload !== 'string')
    headers['content-type'] = 'application/json';
  const body =
    payload === undefined
      ? {}
      : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) };
  const res = await t.app.inject({ method: op.method as 'GET', url, headers, ...body });
  return { caller, op, url, payload, refs, status: res.statusCode, res };
}

/** A 2xx, or an opened WebSocket (101). */
const succeeded = (status: number) => (status >= 200 && status < 300) || status === 101;
const owns = (c: Caller, kind: Kind, side: Side) =>
  c.side === side && OWNERSHIP[kind].owners.some((p) => SIDES[side][p] === c.who);
const roleAllowed = (auth: RouteAuth, c: Caller) =>
  auth === 'public' || (c.role !== null && (auth === 'authenticated' || auth.includes(c.role)));

/** What is wrong with one exchange (empty when it is as the rules say). */
function violations(x: Exchange): string[] {
  const { caller, op, status } = x;
  const out: string[] = [];
  const body = x.res?.body ?? '';
  if (status >= 500 || status === 0) out.push(`answered ${status}`);
  if (x.res && status >= 400) {
    const problem = x.res.headers['content-type']?.toString().startsWith('application/problem+json')
      ? (x.res.json() as { code?: unknown; errors?: Array<{ path: string; message: string }> })
      : null;
    if (typeof problem?.code !== 'string') out.push(`${status} is not problem+json with a code`);
    // The schema refused the sweep's own request, so the ownership check behind it was never
    // reached (schema messages are ajv's "must …"; the domain's own 400s say something else).
    if (status === 400 && problem?.errors?.some((e) => e.message.startsWith('must ')))
      out.push(`sweep defect: schema refused the request (${body.slice(0, 200)})`);
  }
  if (op.auth === 'public') return out.concat(leaks(x));
  if (caller.role === null)
    return status === 401 ? out : [...out, `anonymous caller got ${status}, expected 401`];
  if (!roleAllowed(op.auth, caller))
    return status === 403
      ? out
      : [...out, `${caller.role} is not in [${String(op.auth)}] but got ${status}, expected 403`];
  if (succeeded(status) && caller.role !== 'ops') {
    for (const r of x.refs) {
      // A path names the resource acted on; a body field only matters when it points at something private.
      if ((r.where === 'path' || OWNERSHIP[r.kind].private) && !owns(caller, r.kind, r.side))
        out.push(`${status} on ${r.kind} of side ${r.side} (${r.where})`);
    }
  }
  return out.concat(leaks(x));
}

/** Ids of other tenants' private resources, a PIN for anyone but a customer, or a secret shown again. */
function leaks(x: Exchange): string[] {
  if (!x.res || x.status < 200 || x.status >= 300) return [];
  const body = x.res.body;
  const out = f.secrets
    .filter((s) => body.includes(s))
    .map(() => 'a once-shown secret (API key, webhook secret) appears again');
  if (x.caller.role === 'ops') return out;
  const sent = `${x.url} ${JSON.stringify(x.payload ?? null)}`;
  for (const kind of Object.keys(OWNERSHIP) as Kind[]) {
    if (!OWNERSHIP[kind].private) continue;
    for (const side of ['A', 'B'] as const) {
      const id = f.ids[kind][side];
      if (body.includes(id) && !sent.includes(id) && !owns(x.caller, kind, side))
        out.push(`leaks the ${kind} ${id} of side ${side}`);
    }
  }
  if (x.caller.role !== 'customer' && /"pin"\s*:/.test(body))
    out.push('shows a handover PIN to someone other than the customer');
  return out;
}

const caller = (who: Who) => f.callers.find((c) => c.who === who) as Caller;
const order = (op: Operation) =>
  op.method === 'GET' ? 0 : op.method === 'DELETE' || DESTRUCTIVE.test(op.path) ? 2 : 1;

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
        (HIDDEN_PUBLIC.has(`${r.method} ${r.url}`) || r.url.startsWith('/docs')) &&
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
    const others = f.callers.filter((c) => c.role !== 'ops');
    // Reads, then writes, then the writes that end a fixture; each group in three phases: everyone
    // but ops names the other side's resources; the sides' own callers name their own (the control:
    // the same requests succeed where they should); then ops. Every read runs on the untouched
    // fixture: a write may legitimately link the sides (customer B may order at store S).
    for (const group of [0, 1, 2]) {
      const batch = ops.filter((op) => order(op) === group);
      for (const op of batch)
        for (const c of others) exchanges.push(await send(op, c, c.side ? other(c.side) : 'A'));
      for (const op of batch)
        for (const c of others) if (c.side) exchanges.push(await send(op, c, c.side));
      for (const op of batch) exchanges.push(await send(op, opsCaller, 'A'));
    }

    const report = exchanges.flatMap((x) =>
      violations(x).map((v) => `${x.caller.who.padEnd(9)} ${x.op.method} ${x.url}: ${v}`),
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
