import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Principal } from '../../platform/auth/principal.ts';
import { component } from '../../platform/http/contract.ts';
import { FAILURE_MODES, type FailureMode } from '../../platform/ratelimit/resilient-limiter.ts';
import type { LimitRule } from '../../platform/ratelimit/rules.ts';

/**
 * The rate-limit policy: budgets per tier, per-route budgets that replace the tier's for those
 * routes, which tier each caller is on, and what each route does when Redis cannot answer. Written
 * as JSON (a file, reloaded on change); `DEFAULT_POLICY` is the built-in one.
 */
const Count = Type.Integer({ minimum: 1, maximum: 1_000_000_000 });
const RuleSchema = Type.Union([
  Type.Literal('unlimited'),
  Type.Object(
    {
      algorithm: Type.Literal('sliding_window'),
      limit: Count,
      window_s: Type.Number({ exclusiveMinimum: 0, maximum: 86_400 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      algorithm: Type.Literal('token_bucket'),
      capacity: Count,
      refill_per_s: Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000 }),
    },
    { additionalProperties: false },
  ),
]);
const Mode = Type.Union(FAILURE_MODES.map((m) => Type.Literal(m)));
const TierName = Type.String({ pattern: '^[a-z][a-z0-9_]{0,31}$' });
/** `METHOD /route/pattern` as the route is declared (`:id` parameters), or ending in `*` for a prefix. */
const RouteMatch = Type.String({ pattern: '^(GET|POST|PUT|PATCH|DELETE|\\*) /\\S*$' });

export const PolicySchema = component(
  'RateLimitPolicy',
  Type.Object(
    {
      on_redis_failure: Mode,
      role_tiers: Type.Record(Type.String(), TierName),
      tiers: Type.Record(TierName, RuleSchema),
      routes: Type.Array(
        Type.Object(
          {
            name: Type.String({ pattern: '^[a-z][a-z0-9_]{0,47}$' }),
            match: Type.Array(RouteMatch, { minItems: 1 }),
            tiers: Type.Record(Type.String(), RuleSchema),
            on_redis_failure: Type.Optional(Mode),
          },
          { additionalProperties: false },
        ),
      ),
      /** Callers on a tier other than their role's: `user:<id>` or `partner:<api key id>` → tier. */
      callers: Type.Optional(Type.Record(Type.String(), TierName)),
      /** Routes never limited (probes and metrics). */
      exempt: Type.Optional(Type.Array(RouteMatch)),
    },
    { additionalProperties: false },
  ),
);
export type PolicyDocument = Static<typeof PolicySchema>;
type RuleDocument = Static<typeof RuleSchema>;

export const DEFAULT_POLICY: PolicyDocument = {
  on_redis_failure: 'local',
  role_tiers: {
    anonymous: 'anonymous',
    customer: 'free',
    driver: 'pro',
    store: 'pro',
    partner: 'free',
    ops: 'internal',
  },
  tiers: {
    anonymous: { algorithm: 'sliding_window', limit: 300, window_s: 60 },
    free: { algorithm: 'sliding_window', limit: 600, window_s: 60 },
    pro: { algorithm: 'sliding_window', limit: 3_000, window_s: 60 },
    enterprise: { algorithm: 'sliding_window', limit: 30_000, window_s: 60 },
    internal: 'unlimited',
  },
  routes: [
    {
      // A driver app posts every 5 s; bursts cover a reconnect that flushes buffered points.
      name: 'location_ingest',
      match: ['POST /v1/drivers/me/locations'],
      tiers: { '*': { algorithm: 'token_bucket', capacity: 30, refill_per_s: 1 } },
      on_redis_failure: 'local',
    },
    {
      // Every card tried spends from one budget: checkouts and payments with another card.
      name: 'checkout',
      match: ['POST /v1/orders', 'POST /v1/orders/:id/payment'],
      tiers: {
        '*': { algorithm: 'token_bucket', capacity: 10, refill_per_s: 0.2 },
        internal: 'unlimited',
      },
      on_redis_failure: 'local',
    },
    {
      name: 'search',
      match: ['GET /v1/search', 'GET /v1/stores/nearby'],
      tiers: {
        anonymous: { algorithm: 'sliding_window', limit: 60, window_s: 60 },
        '*': { algorithm: 'sliding_window', limit: 300, window_s: 60 },
        internal: 'unlimited',
      },
      on_redis_failure: 'open',
    },
  ],
  exempt: ['GET /health', 'GET /ready', 'GET /metrics'],
};

export class PolicyError extends Error {
  /** Where in the document, dotted (`role_tiers.customer`); empty when it is the whole. */
  readonly path: string;
  constructor(message: string, path = '') {
    super(message);
    this.name = 'PolicyError';
    this.path = path;
  }
}

/** A policy's limit for one request: its budget's name, the rule and the failure mode. */
export interface Limit {
  /** `default` (the tier's budget) or the route budget's name. */
  policy: string;
  tier: string;
  rule: LimitRule;
  mode: FailureMode;
}

interface Matcher {
  method: string;
  path: string;
  prefix: boolean;
}

export interface CompiledPolicy {
  document: PolicyDocument;
  /** The limit for this route and caller; null when the route is exempt or the tier unlimited. */
  limitFor(method: string, route: string, tier: string): Limit | null;
  tierOf(principal: Principal | null): string;
}

/**
 * The entry of a record of the document under `key`, if the document itself has it: a name like
 * `constructor` must not find what every object inherits.
 */
function own<V>(record: Readonly<Record<string, V>> | undefined, key: string): V | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Refuses a document (past the schema already) that names a tier it does not define. */
function checkTierNames(doc: PolicyDocument): void {
  const defined = (tier: string) => Object.hasOwn(doc.tiers, tier);
  for (const [role, tier] of Object.entries(doc.role_tiers)) {
    if (!defined(tier))
      throw new PolicyError(
        `rate-limit policy: role_tiers.${role} names unknown tier "${tier}"`,
        `role_tiers.${role}`,
      );
  }
  if (!Object.hasOwn(doc.role_tiers, 'anonymous'))
    throw new PolicyError(
      'rate-limit policy: role_tiers must say which tier anonymous callers are on',
      'role_tiers',
    );
  for (const [caller, tier] of Object.entries(doc.callers ?? {})) {
    if (!defined(tier))
      throw new PolicyError(
        `rate-limit policy: callers.${caller} names unknown tier "${tier}"`,
        `callers.${caller}`,
      );
  }
  doc.routes.forEach((r, i) => {
    for (const tier of Object.keys(r.tiers)) {
      if (tier !== '*' && !defined(tier))
        throw new PolicyError(
          `rate-limit policy: routes "${r.name}" names unknown tier "${tier}"`,
          `routes.${i}.tiers.${tier}`,
        );
    }
  });
}

const toMatcher = (m: string): Matcher => {
  const [method = '*', path = '/'] = m.split(' ');
  return path.endsWith('*')
    ? { method, path: path.slice(0, -1), prefix: true }
    : { method, path, prefix: false };
};

const matches = (ms: Matcher[], method: string, route: string) =>
  ms.some(
    (m) =>
      (m.method === '*' || m.method === method) &&
      (m.prefix ? route.startsWith(m.path) : route === m.path),
  );

const toRule = (d: RuleDocument): LimitRule | null =>
  d === 'unlimited'
    ? null
    : d.algorithm === 'sliding_window'
      ? { algorithm: 'sliding_window', limit: d.limit, windowMs: Math.round(d.window_s * 1000) }
      : { algorithm: 'token_bucket', capacity: d.capacity, refillPerS: d.refill_per_s };

/** Validates a policy document and prepares it for lookups; a bad document is a PolicyError naming the problem. */
export function compilePolicy(input: unknown): CompiledPolicy {
  if (!Value.Check(PolicySchema, input)) {
    const first = Value.Errors(PolicySchema, input).First();
    throw new PolicyError(
      `rate-limit policy: ${first ? `${first.path || '/'} ${first.message}` : 'invalid'}`,
      first?.path.replace(/^\//, '').replace(/\//g, '.') ?? '',
    );
  }
  const doc = input;
  checkTierNames(doc);
  const exempt = (doc.exempt ?? []).map(toMatcher);
  const routes = doc.routes.map((r) => ({ ...r, matchers: r.match.map(toMatcher) }));

  // Lookups happen on every request: remember them per (method, route, tier); routes are few.
  const memo = new Map<string, Limit | null>();
  return {
    document: doc,
    tierOf(p) {
      const anonymous = own(doc.role_tiers, 'anonymous') ?? 'anonymous';
      if (!p) return anonymous;
      return own(doc.callers, `${p.kind}:${p.id}`) ?? own(doc.role_tiers, p.role) ?? anonymous;
    },
    limitFor(method, route, tier) {
      const memoKey = `${method} ${route} ${tier}`;
      const known = memo.get(memoKey);
      if (known !== undefined || memo.has(memoKey)) return known ?? null;
      let limit: Limit | null = null;
      if (!matches(exempt, method, route)) {
        const r = routes.find((x) => matches(x.matchers, method, route));
        const routeRule = r ? (own(r.tiers, tier) ?? own(r.tiers, '*')) : undefined;
        if (r && routeRule) {
          const rule = toRule(routeRule);
          limit = rule
            ? { policy: r.name, tier, rule, mode: r.on_redis_failure ?? doc.on_redis_failure }
            : null;
        } else {
          const tierRule = own(doc.tiers, tier);
          const rule = tierRule ? toRule(tierRule) : null;
          limit = rule ? { policy: 'default', tier, rule, mode: doc.on_redis_failure } : null;
        }
      }
      memo.set(memoKey, limit);
      return limit;
    },
  };
}

/** Whose quota a request spends: the signed-in user, the partner's key, or the client address. */
export function subjectOf(principal: Principal | null, ip: string): string {
  return principal ? `${principal.kind}:${principal.id}` : `ip:${ip}`;
}
