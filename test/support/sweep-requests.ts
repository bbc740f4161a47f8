import fc from 'fast-check';
import { uuidv7 } from 'uuidv7';
import type { Role, RouteAuth } from '../../src/platform/auth/principal.ts';
import type { ModuleDefinition } from '../../src/platform/module.ts';
import { documentedOperations, type JsonSchema } from './openapi.ts';
import type { TestPlatform } from './platform.ts';
import type { SweepClock } from './sweep-builders.ts';
import {
  BODY_REF_KINDS,
  type Exchange,
  FILE_BODIES,
  type Operation,
  PARAM_KINDS,
} from './sweep-rules.ts';
import type { Caller, Fixture, Side } from './sweep-tenants.ts';

// The security sweep's requests (test/chaos/security.test.ts): the routes to sweep, and for each a
// schema-valid request naming one side's resources.

/** What building a request draws on: the fixture's resources and the sweep's clock. */
export interface SweepWorld {
  f: Fixture;
  clock: SweepClock;
}

/** A route as the router saw it mounted, with the auth it declares. */
export interface SeenRoute {
  method: string;
  url: string;
  auth: RouteAuth;
  opsLevel: string | null;
  websocket: boolean;
}

/**
 * A module that records every route as it is mounted: its frontDoor runs on the root app before
 * any route is, so it sees them all with the auth they declare.
 */
export function routeRecorder(): { probe: ModuleDefinition; routesSeen: SeenRoute[] } {
  const routesSeen: SeenRoute[] = [];
  const probe: ModuleDefinition = {
    name: 'security-sweep-probe',
    frontDoor: async (app) => {
      app.addHook('onRoute', (r) => {
        for (const method of [r.method].flat()) {
          if (method !== 'HEAD')
            routesSeen.push({
              method,
              url: r.url,
              auth: r.config?.auth ?? 'public',
              opsLevel: r.config?.opsLevel ?? null,
              websocket: r.websocket === true,
            });
        }
      });
    },
  };
  return { probe, routesSeen };
}

/** The operations of the OpenAPI document, with the auth their routes declare, plus the WebSocket routes. */
export async function operations(
  app: TestPlatform['app'],
  routesSeen: SeenRoute[],
): Promise<Operation[]> {
  const declared = (method: string, path: string) =>
    routesSeen.find((r) => r.method === method && r.url.replace(/:(\w+)/g, '{$1}') === path);
  const out: Operation[] = (await documentedOperations(app)).map((o) => {
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
      opsLevel: route.opsLevel,
      documentedOpsLevel: o.opsLevel,
      // A documented WebSocket route is swept as one: by its upgrade.
      websocket: route.websocket,
      params: o.params.filter((p) => !(route.websocket && p.name === 'ticket')),
      body: o.body,
    };
  });
  const listed = new Set(out.map((o) => `${o.method} ${o.path}`));
  for (const r of routesSeen.filter((x) => x.websocket)) {
    const path = r.url.replace(/:(\w+)/g, '{$1}');
    if (listed.has(`GET ${path}`)) continue;
    out.push({
      method: 'GET',
      path,
      auth: r.auth,
      documented: r.auth,
      opsLevel: r.opsLevel,
      documentedOpsLevel: r.opsLevel,
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

/** Numbers the SKUs and e-mails the sweep makes up, so each is new. */
let seq = 0;
/** Fields whose meaning matters more than their schema: a delivery point the store covers, a card that pays, a restock. */
const NAMED: Record<string, (side: Side, f: Fixture) => unknown> = {
  lat: (side, f) => f.shops[side].at.lat + 0.01,
  lng: (side, f) => f.shops[side].at.lng,
  address: () => 'Sweep Street 1',
  card_token: () => 'tok_visa',
  reason: () => 'security sweep',
  radius_m: () => 5000,
  // A map's box around the side's store.
  bbox: (side, f) => {
    const { lat, lng } = f.shops[side].at;
    return [lng - 0.02, lat - 0.02, lng + 0.02, lat + 0.02].map((n) => n.toFixed(5)).join(',');
  },
  sku: () => `SWEEP-${++seq}`,
  category_id: () => 'groceries',
  currency: () => 'EUR',
  password: () => 'sweep-password-1',
  events: () => ['orders.*'],
  delta: () => 1,
};

/** The smallest value the schema accepts (a schema-valid body, so the ownership check behind validation is reached). */
function minimal(
  s: JsonSchema,
  name: string,
  side: Side,
  refs: Exchange['refs'],
  w: SweepWorld,
): unknown {
  const named = NAMED[name];
  if (named && !s.format) return named(side, w.f);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.anyOf)
    return minimal(
      s.anyOf.find((b) => b.type !== 'null') ?? (s.anyOf[0] as JsonSchema),
      name,
      side,
      refs,
      w,
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
        keys.map((k) => [k, minimal(s.properties?.[k] ?? {}, k, side, refs, w)]),
      );
    }
    case 'array':
      if (Array.isArray(s.items)) return s.items.map((item) => minimal(item, name, side, refs, w));
      return Array.from({ length: s.minItems ?? 0 }, () =>
        minimal(s.items as JsonSchema, name, side, refs, w),
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
        return w.f.ids[kind][side];
      }
      if (s.format === 'email') return `sweep-${++seq}@test.lastmile.dev`;
      if (s.format === 'date-time') return new Date(w.clock.now()).toISOString();
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
export function buildRequest(op: Operation, caller: Caller, side: Side, w: SweepWorld) {
  const refs: Exchange['refs'] = [];
  const url = op.path.replace(/([\w-]+)\/\{(\w+)\}/g, (_m, segment: string, name: string) => {
    const kind = PARAM_KINDS[`${segment}/{${name}}`];
    if (!kind)
      throw new Error(
        `path parameter {${name}} after "${segment}" names no known resource (add it to PARAM_KINDS)`,
      );
    refs.push({ kind, side, where: 'path' });
    return `${segment}/${encodeURIComponent(w.f.ids[kind][side])}`;
  });
  const query = op.params
    .filter((p) => p.in === 'query' && p.required && p.schema.default === undefined)
    .map(
      (p) => `${p.name}=${encodeURIComponent(String(minimal(p.schema, p.name, side, refs, w)))}`,
    );
  let payload: unknown;
  const headers: Record<string, string> = { ...caller.headers };
  if (op.body?.type === 'application/json')
    payload = minimal(op.body.schema, 'body', side, refs, w);
  else if (op.body) {
    const file = FILE_BODIES[op.path];
    if (!file) throw new Error(`no ${op.body.type} body for this route (add it to FILE_BODIES)`);
    payload = file(w.f, side);
    headers['content-type'] = op.body.type;
  }
  if (op.method !== 'GET') headers['idempotency-key'] = uuidv7();
  return { url: query.length > 0 ? `${url}?${query.join('&')}` : url, payload, headers, refs };
}

/** `caller` calls `op` naming `side`'s resources: the request, and what came back. */
export async function send(
  op: Operation,
  caller: Caller,
  side: Side,
  w: SweepWorld & { app: TestPlatform['app'] },
): Promise<Exchange> {
  const { url, payload, headers, refs } = buildRequest(op, caller, side, w);
  if (op.websocket) {
    // A refused upgrade answers with its status; an accepted one opens the socket (counted as 101).
    try {
      const ws = await w.app.injectWS(url, { headers });
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
  const res = await w.app.inject({ method: op.method as 'GET', url, headers, ...body });
  return { caller, op, url, payload, refs, status: res.statusCode, res };
}
