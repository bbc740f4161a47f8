import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntries } from '../../../test/support/audit.ts';
import { startTestPlatform, type TestPlatform, waitFor } from '../../../test/support/platform.ts';
import { DISPATCH_WEIGHTS } from '../../modules/dispatch/dispatch-settings.ts';
import { CART_HOLD_LIMITS } from '../../modules/orders/cart-hold-settings.ts';
import { AppError } from '../errors.ts';
import { runtimeSettings, settingsFor } from './runtime-settings.ts';

// Settings ops change while lastmile runs, through the routes every group gets: read by any ops
// account, written by an ops admin against the version read, validated, audited, idempotent, and
// in force in this process at once and in another within seconds.

let t: TestPlatform;
let admin: string;
let agent: string;
const key = () => `settings-${crypto.randomUUID()}`;

beforeAll(async () => {
  t = await startTestPlatform({ workflows: false });
  admin = await t.tokenFor('ops', 0);
  agent = await t.tokenFor('ops', 1);
});
afterAll(async () => {
  await t?.stop();
});

const get = (url: string, token = agent) => t.request({ method: 'GET', url, token });
const put = (id: string, body: object, opts: { token?: string; key?: string } = {}) =>
  t.request({
    method: 'PUT',
    url: `/v1/ops/settings/${id}`,
    token: opts.token ?? admin,
    headers: { 'idempotency-key': opts.key ?? key() },
    payload: body,
  });

describe('ops settings', () => {
  it('lists each module’s groups with the configured default in force', async () => {
    const r = await get('/v1/ops/settings');
    expect(r.statusCode).toBe(200);
    const items = r.json().items as Array<{ id: string; module: string; can_change: boolean }>;
    expect(items.map((g) => [g.module, g.id])).toEqual([
      ['dispatch', 'dispatch-weights'],
      ['gateway', 'rate-limits'],
      ['orders', 'cart-holds'],
    ]);
    // Each says whether the caller may change it: an agent may not, an admin may.
    expect(items.every((g) => !g.can_change)).toBe(true);
    expect((await get('/v1/ops/settings/cart-holds', admin)).json().can_change).toBe(true);
    const weights = (await get('/v1/ops/settings/dispatch-weights')).json();
    expect(weights).toMatchObject({
      value: t.config.dispatch.weights,
      default: t.config.dispatch.weights,
      overridden: false,
      version: 0,
      updated_at: null,
      can_change: false,
    });
  });

  it('lets an admin change a group against the version read, audited with before and after', async () => {
    const refused = await put(
      'dispatch-weights',
      { value: { travel: 2, acceptance: 0, vehicle: 0, fairness: 0 }, version: 0, reason: 'x' },
      { token: agent },
    );
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('OPS_ADMIN_REQUIRED');

    const value = { travel: 2, acceptance: 0.25, vehicle: 0, fairness: 1 };
    const body = { value, version: 0, reason: 'fairness first this week' };
    const k = key();
    const changed = await put('dispatch-weights', body, { key: k });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ value, overridden: true, version: 1, can_change: true });
    // In force in this process at once.
    expect(settingsFor(t.platform.ctx).value(DISPATCH_WEIGHTS)).toEqual(value);
    // The same request again: the same answer, nothing changed twice.
    const again = await put('dispatch-weights', body, { key: k });
    expect(again.statusCode).toBe(200);
    expect(again.json().version).toBe(1);
    // Someone who read version 0 is told it moved on.
    const stale = await put('dispatch-weights', { ...body, value: { ...value, travel: 3 } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'CONFLICT', current_version: 1 });

    const audit = await auditEntries(t, agent, 'action=setting.update');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      target: { type: 'setting', id: 'dispatch-weights' },
      reason: 'fairness first this week',
      actor: { level: 'admin' },
      before: { version: 0, overridden: false, value: t.config.dispatch.weights },
      after: { version: 1, overridden: true, value },
      idempotency_key: k,
    });

    // Back to the default: a version of its own, audited as a reset.
    const reset = await put('dispatch-weights', { value: null, version: 1, reason: 'week over' });
    expect(reset.json()).toMatchObject({
      value: t.config.dispatch.weights,
      overridden: false,
      version: 2,
    });
    expect(settingsFor(t.platform.ctx).value(DISPATCH_WEIGHTS)).toEqual(t.config.dispatch.weights);
    expect(await auditEntries(t, agent, 'action=setting.reset')).toHaveLength(1);
  });

  it('refuses a bad value with a 400 naming the field, and changes nothing', async () => {
    const before = (await get('/v1/ops/settings/cart-holds')).json();
    const limits = (await get('/v1/ops/settings/rate-limits')).json();
    const policy = limits.value;
    const customerOn = (tier: string) => ({
      ...policy,
      role_tiers: { ...policy.role_tiers, customer: tier },
    });
    // A route's budgets by any key, made own as a parsed request body's would be (`__proto__`).
    const routeBudget = (tier: string) => ({
      ...policy,
      routes: [{ name: 'x', match: ['GET /v1/x'], tiers: JSON.parse(`{"${tier}":"unlimited"}`) }],
    });
    const cases: Array<[string, unknown, RegExp]> = [
      ['dispatch-weights', { travel: -1, acceptance: 0, vehicle: 0, fairness: 0 }, /travel/],
      ['dispatch-weights', { travel: 1, acceptance: 0, vehicle: 0 }, /fairness/],
      ['dispatch-weights', { travel: 1, acceptance: 0, vehicle: 0, fairness: 0, x: 1 }, /x/],
      ['cart-holds', { max_units: 50, max_total: 20, max_age_s: 600 }, /max_units/],
      ['cart-holds', { max_units: 5, max_total: 20, max_age_s: 10 }, /max_age_s/],
      // Tier names every object inherits name no tier of the policy.
      ['rate-limits', customerOn('constructor'), /role_tiers\.customer.*"constructor"/],
      ['rate-limits', customerOn('toString'), /role_tiers\.customer/],
      ['rate-limits', customerOn('__proto__'), /role_tiers\.customer/],
      ['rate-limits', { ...policy, callers: { 'user:u1': 'constructor' } }, /callers\.user:u1/],
      ['rate-limits', routeBudget('constructor'), /routes\.0\.tiers\.constructor/],
      ['rate-limits', routeBudget('toString'), /routes\.0\.tiers\.toString/],
      // Fastify's parser refuses any `__proto__` key in a body, before the schema.
      ['rate-limits', routeBudget('__proto__'), /not valid JSON/],
    ];
    for (const [id, value, field] of cases) {
      const r = await put(id, { value, version: 0, reason: 'typo' });
      expect(r.statusCode, JSON.stringify(value)).toBe(400);
      expect(r.json().code).toBe('VALIDATION_FAILED');
      expect(r.json().detail).toMatch(field);
    }
    const gold = customerOn('gold');
    const r = await put('rate-limits', { value: gold, version: 0, reason: 'typo' });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors).toEqual([
      {
        path: 'body.value.role_tiers.customer',
        message: 'role_tiers.customer names unknown tier "gold"',
      },
    ]);
    expect((await get('/v1/ops/settings/cart-holds')).json()).toEqual(before);
    expect((await get('/v1/ops/settings/rate-limits')).json()).toEqual(limits);
  });

  it('is refused a bad value by the service itself, not only by the route', async () => {
    const settings = settingsFor(t.platform.ctx);
    const before = await settings.view(CART_HOLD_LIMITS);
    const act = {
      by: { kind: 'user' as const, id: crypto.randomUUID(), role: 'ops' as const },
      reason: 'straight to the service',
      requestId: null,
      idempotencyKey: null,
    };
    const cases: Array<[unknown, string]> = [
      [{ max_units: 50, max_total: 20, max_age_s: 600 }, 'body.value.max_units'],
      [{ max_units: 5, max_total: 20, max_age_s: 10 }, 'body.value.max_age_s'],
      [{ max_units: 5, max_total: 20 }, 'body.value.max_age_s'],
      [{ max_units: 5, max_total: 20, max_age_s: 600, x: 1 }, 'body.value.x'],
      ['5', 'body.value'],
    ];
    for (const [value, path] of cases) {
      const change = { value: value as typeof before.value, version: before.version };
      const err = await settings.write(CART_HOLD_LIMITS, change, act).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, JSON.stringify(value)).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: 'VALIDATION_FAILED', details: { errors: [{ path }] } });
      expect((err as AppError).message).toMatch(new RegExp(`^${path.replace(/\./g, '\\.')}: `));
    }
    expect(await settings.view(CART_HOLD_LIMITS)).toEqual(before);
  });

  it("reaches another process's copy within seconds", async () => {
    // A second holder on the same database and bus, as another process would have.
    const other = runtimeSettings({ ...t.platform.ctx });
    await other.start();
    try {
      const v = (await get('/v1/ops/settings/dispatch-weights')).json().version as number;
      const value = { travel: 1, acceptance: 1, vehicle: 1, fairness: 1 };
      expect(
        (await put('dispatch-weights', { value, version: v, reason: 'even' })).statusCode,
      ).toBe(200);
      await waitFor(
        () => other.value(DISPATCH_WEIGHTS).acceptance === 1,
        5_000,
        'the other process taking the change',
      );
      expect(other.value(DISPATCH_WEIGHTS)).toEqual(value);
    } finally {
      await other.stop();
    }
  });
});
