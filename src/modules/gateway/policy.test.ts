import { describe, expect, it } from 'vitest';
import { compilePolicy, DEFAULT_POLICY, subjectOf } from './policy.ts';

describe('rate-limit policy', () => {
  const p = compilePolicy(DEFAULT_POLICY);

  it('puts callers on their role tier, anonymous callers on the anonymous tier, named callers on theirs', () => {
    expect(p.tierOf(null)).toBe('anonymous');
    expect(p.tierOf({ kind: 'user', id: 'u1', role: 'customer' })).toBe('free');
    expect(p.tierOf({ kind: 'user', id: 'u2', role: 'ops' })).toBe('internal');
    const named = compilePolicy({ ...DEFAULT_POLICY, callers: { 'partner:k1': 'enterprise' } });
    expect(named.tierOf({ kind: 'partner', id: 'k1', role: 'partner' })).toBe('enterprise');
    expect(named.tierOf({ kind: 'partner', id: 'k2', role: 'partner' })).toBe('free');
  });

  it('finds the route budget, else the tier budget; exempt routes and unlimited tiers have none', () => {
    expect(p.limitFor('POST', '/v1/drivers/me/locations', 'pro')).toMatchObject({
      policy: 'location_ingest',
      rule: { algorithm: 'token_bucket', capacity: 30 },
      mode: 'local',
    });
    expect(p.limitFor('GET', '/v1/search', 'anonymous')).toMatchObject({
      policy: 'search',
      rule: { limit: 60, windowMs: 60_000 },
      mode: 'open',
    });
    expect(p.limitFor('GET', '/v1/search', 'free')).toMatchObject({
      policy: 'search',
      rule: { limit: 300 },
    });
    expect(p.limitFor('GET', '/v1/search', 'internal')).toBeNull();
    expect(p.limitFor('GET', '/v1/orders/:id', 'free')).toMatchObject({
      policy: 'default',
      rule: { limit: 600 },
      mode: 'local',
    });
    expect(p.limitFor('GET', '/v1/orders/:id', 'internal')).toBeNull();
    expect(p.limitFor('GET', '/health', 'anonymous')).toBeNull();
  });

  it('matches route prefixes and any method', () => {
    const q = compilePolicy({
      ...DEFAULT_POLICY,
      routes: [
        {
          name: 'ops_reads',
          match: ['* /v1/ops/*'],
          tiers: { '*': { algorithm: 'sliding_window', limit: 7, window_s: 1 } },
        },
      ],
    });
    expect(q.limitFor('DELETE', '/v1/ops/dead-letters/:id', 'free')).toMatchObject({
      policy: 'ops_reads',
      rule: { limit: 7, windowMs: 1000 },
    });
    expect(q.limitFor('GET', '/v1/orders', 'free')).toMatchObject({ policy: 'default' });
  });

  it('refuses malformed policies with the path of the problem', () => {
    expect(() => compilePolicy({ ...DEFAULT_POLICY, on_redis_failure: 'maybe' })).toThrow(
      /on_redis_failure/,
    );
    expect(() =>
      compilePolicy({
        ...DEFAULT_POLICY,
        tiers: {
          ...DEFAULT_POLICY.tiers,
          free: { algorithm: 'sliding_window', limit: -1, window_s: 60 },
        },
      }),
    ).toThrow(/tiers\/free/);
    expect(() =>
      compilePolicy({
        ...DEFAULT_POLICY,
        routes: [{ name: 'x', match: ['FETCH /v1'], tiers: {} }],
      }),
    ).toThrow(/match/);
    expect(() =>
      compilePolicy({
        ...DEFAULT_POLICY,
        routes: [{ name: 'x', match: ['GET /v1'], tiers: { gold: 'unlimited' } }],
      }),
    ).toThrow(/unknown tier "gold"/);
    expect(() => compilePolicy({ ...DEFAULT_POLICY, extra: true })).toThrow(/rate-limit policy/);
    const { anonymous: _, ...noAnon } = DEFAULT_POLICY.role_tiers;
    expect(() => compilePolicy({ ...DEFAULT_POLICY, role_tiers: noAnon })).toThrow(/anonymous/);
  });

  it('refuses a tier name every object inherits (constructor, toString, __proto__)', () => {
    const named = (tier: string) => ({
      ...DEFAULT_POLICY,
      role_tiers: { ...DEFAULT_POLICY.role_tiers, customer: tier },
    });
    expect(() => compilePolicy(named('constructor'))).toThrow(
      'role_tiers.customer names unknown tier "constructor"',
    );
    expect(() => compilePolicy(named('__proto__'))).toThrow(/role_tiers\/customer/);
    expect(() =>
      compilePolicy({ ...DEFAULT_POLICY, callers: { 'user:u1': 'constructor' } }),
    ).toThrow('callers.user:u1 names unknown tier "constructor"');
    // Keys of a route's budgets are any string: the ones JSON.parse makes own properties too.
    for (const tier of ['constructor', 'toString', '__proto__']) {
      const routes = [
        { name: 'x', match: ['GET /v1'], tiers: JSON.parse(`{"${tier}": "unlimited"}`) },
      ];
      expect(() => compilePolicy({ ...DEFAULT_POLICY, routes }), tier).toThrow(
        `routes "x" names unknown tier "${tier}"`,
      );
    }
  });

  it('looks up only what the policy itself defines, even for a tier named constructor', () => {
    const q = compilePolicy({
      ...DEFAULT_POLICY,
      role_tiers: { ...DEFAULT_POLICY.role_tiers, customer: 'constructor' },
      tiers: {
        ...DEFAULT_POLICY.tiers,
        constructor: { algorithm: 'sliding_window', limit: 5, window_s: 1 },
      },
    });
    const customer = q.tierOf({ kind: 'user', id: 'u1', role: 'customer' });
    expect(customer).toBe('constructor');
    expect(q.limitFor('GET', '/v1/orders/:id', customer)).toMatchObject({
      policy: 'default',
      rule: { algorithm: 'sliding_window', limit: 5, windowMs: 1000 },
    });
    // The route names no budget for it: its `*` budget, not what the route's object inherits.
    expect(q.limitFor('POST', '/v1/drivers/me/locations', customer)).toMatchObject({
      policy: 'location_ingest',
      rule: { algorithm: 'token_bucket', capacity: 30, refillPerS: 1 },
    });
    expect(q.tierOf({ kind: 'user', id: 'u2', role: 'toString' as never })).toBe('anonymous');
  });

  it('spends the account’s quota when signed in, the address’s otherwise', () => {
    expect(subjectOf({ kind: 'user', id: 'u1', role: 'customer' }, '1.2.3.4')).toBe('user:u1');
    expect(subjectOf({ kind: 'partner', id: 'k1', role: 'partner' }, '1.2.3.4')).toBe('partner:k1');
    expect(subjectOf(null, '1.2.3.4')).toBe('ip:1.2.3.4');
  });
});
