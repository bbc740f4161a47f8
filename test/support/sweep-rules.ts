import type { LightMyRequestResponse } from 'fastify';
import type { RouteAuth } from '../../src/platform/auth/principal.ts';
import type { DocOperation, DocParam } from './openapi.ts';
import {
  type Caller,
  type Fixture,
  type Kind,
  type Party,
  SIDES,
  type Side,
} from './sweep-tenants.ts';

// The security sweep's rules (test/chaos/security.test.ts): who owns what, and what an answer
// may not be.

/**
 * The ownership rules: besides ops, who may act on a resource of one side. A `private` resource's
 * id must never appear in an answer to anyone else (a cross-tenant read through a list or a view).
 */
export const OWNERSHIP: Record<Kind, { owners: readonly Party[]; private: boolean }> = {
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
  // An order's saga workflow: only ops may run it again.
  workflow: { owners: [], private: false },
  category: { owners: [], private: false },
  // A substitute proposal: the store makes it, the order's customer answers it.
  substitution: { owners: ['customer', 'store'], private: true },
  // A customer's saved address: theirs alone.
  address: { owners: ['customer'], private: true },
};
/** Which resource a path parameter names, by the segment before it. */
export const PARAM_KINDS: Record<string, Kind> = {
  'orders/{id}': 'order',
  'deliveries/{id}': 'delivery',
  'trips/{id}': 'trip',
  'offers/{id}': 'offer',
  'stores/{id}': 'store',
  'stock/{productId}': 'product',
  'products/{id}': 'product',
  'products/{productId}': 'product',
  'drivers/{id}': 'driver',
  'tickets/{id}': 'ticket',
  'notifications/{id}': 'notification',
  'webhooks/{id}': 'webhook',
  'deliveries/{deliveryId}': 'webhookDelivery',
  'api-keys/{id}': 'apiKey',
  'dead-letters/{id}': 'deadLetter',
  'workflows/{id}': 'workflow',
  'categories/{id}': 'category',
  'users/{id}': 'user',
  'substitutions/{substitution_id}': 'substitution',
  'addresses/{id}': 'address',
};
/** Body fields holding a resource id; any other uuid field fails the sweep until it is added. */
export const BODY_REF_KINDS: Record<string, Kind> = {
  order_id: 'order',
  store_id: 'store',
  product_id: 'product',
  substitute_product_id: 'product',
};
/** Non-JSON bodies (the CSV imports), by route. */
export const FILE_BODIES: Record<string, (f: Fixture, side: Side) => string> = {
  '/v1/catalog/import/products': () =>
    'sku,name,category_id,price_minor,currency\nSWEEP-IMPORT-1,Sweep import,groceries,100,EUR\n',
  '/v1/stores/{id}/stock/import': (f, side) =>
    `sku,on_hand\n${f.shops[side].products[0]?.sku},40\n`,
};
/** Routes that are not in the OpenAPI document on purpose (WebSocket routes are swept over a socket). */
export const HIDDEN_PUBLIC = new Set([
  'GET /health',
  'GET /ready',
  'GET /metrics',
  'GET /openapi.json',
  'GET /asyncapi.json',
  // The web apps' pages and files (web/dist), the same for everyone.
  'GET /app/{name}',
  'GET /app/{name}/*',
]);
/** Calls that end a fixture's life; they run after every other call of their phase. */
export const DESTRUCTIVE =
  /\/(cancel|reject|close|pause|failed|returned|delivered|picked-up|reassign|unassign|resolve)$/;
/**
 * Erasures end an account, so they run after everything else: first ops' erasure of a named
 * account (the other callers, still signed in, get their 403s), then each caller's own, last.
 */
export const ERASES_NAMED = /^\/v1\/ops\/users\/\{id\}$/;
export const ERASES_OWN = /^\/v1\/me$/;

export interface Operation {
  method: string;
  path: string;
  /** What the route declares (config.auth), and what the OpenAPI document says about it. */
  auth: RouteAuth;
  documented: RouteAuth;
  /** The ops level the route declares (config.opsLevel), and what the document says (`x-ops-level`). */
  opsLevel: string | null;
  documentedOpsLevel: string | null;
  websocket: boolean;
  params: DocParam[];
  body: DocOperation['body'];
}
export interface Exchange {
  caller: Caller;
  op: Operation;
  url: string;
  payload: unknown;
  refs: Array<{ kind: Kind; side: Side; where: 'path' | 'body' }>;
  status: number;
  res: LightMyRequestResponse | null;
}

/** A 2xx, or an opened WebSocket (101). */
export const succeeded = (status: number) => (status >= 200 && status < 300) || status === 101;
const owns = (c: Caller, kind: Kind, side: Side) =>
  c.side === side && OWNERSHIP[kind].owners.some((p) => SIDES[side][p] === c.who);
const roleAllowed = (auth: RouteAuth, c: Caller) =>
  auth === 'public' || (c.role !== null && (auth === 'authenticated' || auth.includes(c.role)));

/** What is wrong with one exchange (empty when it is as the rules say). */
export function violations(x: Exchange, f: Fixture): string[] {
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
  if (op.auth === 'public') return out.concat(leaks(x, f));
  if (caller.role === null)
    return status === 401 ? out : [...out, `anonymous caller got ${status}, expected 401`];
  if (!roleAllowed(op.auth, caller))
    return status === 403
      ? out
      : [...out, `${caller.role} is not in [${String(op.auth)}] but got ${status}, expected 403`];
  // An ops agent on a route for ops admins: refused, and told why; anywhere else, never so.
  if (caller.who === 'opsAgent') {
    const code = x.res?.headers['content-type']?.toString().startsWith('application/problem+json')
      ? (x.res.json() as { code?: unknown }).code
      : null;
    const refused = status === 403 && code === 'OPS_ADMIN_REQUIRED';
    if (op.opsLevel === 'admin' && !refused)
      out.push(`an ops agent got ${status} ${String(code)}, expected 403 OPS_ADMIN_REQUIRED`);
    if (op.opsLevel !== 'admin' && refused) out.push('an ops agent was refused as no admin');
    if (op.opsLevel === 'admin') return out;
  }
  if (succeeded(status) && caller.role !== 'ops') {
    for (const r of x.refs) {
      // A path names the resource acted on; a body field only matters when it points at something private.
      if ((r.where === 'path' || OWNERSHIP[r.kind].private) && !owns(caller, r.kind, r.side))
        out.push(`${status} on ${r.kind} of side ${r.side} (${r.where})`);
    }
  }
  return out.concat(leaks(x, f));
}

/** Ids of other tenants' private resources, a PIN for anyone but a customer, or a secret shown again. */
function leaks(x: Exchange, f: Fixture): string[] {
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
