import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { recordDeadLetter } from '../bus/dead-letters.repository.ts';
import { newEvent } from '../bus/event.ts';

// Ops' health routes on a whole platform: what each dependency, queue and consumer says, a
// dependency that stops answering reported as such, and this process's series of its requests.

let t: TestPlatform;
let ops: string;
beforeAll(async () => {
  t = await startTestPlatform();
  ops = await t.tokenFor('ops', 1);
});
afterAll(async () => {
  await t?.stop();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const health = async () => {
  const r = await t.request({ method: 'GET', url: '/v1/ops/health', token: ops });
  expect(r.statusCode).toBe(200);
  return r.json();
};

const series = async (window = '1h') => {
  const r = await t.request({
    method: 'GET',
    url: `/v1/ops/health/series?window=${window}`,
    token: ops,
  });
  expect(r.statusCode).toBe(200);
  return r.json();
};

describe('ops health', () => {
  it('reports every module, dependency, queue and consumer of a healthy platform', async () => {
    const h = await health();
    expect(h.status).toBe('ok');
    expect(h.instance).toBe(t.config.instanceId);
    expect(h.process_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(h.modules).toEqual(
      expect.arrayContaining([
        { name: 'orders', state: 'running' },
        { name: 'webhooks', state: 'running' },
      ]),
    );
    expect(h.dependencies.map((d: { name: string }) => d.name)).toEqual([
      'postgres',
      'redis',
      'bus',
    ]);
    for (const d of h.dependencies) {
      expect(d.ok).toBe(true);
      expect(d.latency_ms).toBeGreaterThanOrEqual(0);
    }
    const queues = Object.fromEntries(
      h.queues.map((q: { name: string; owner: string }) => [q.name, q]),
    );
    expect(Object.keys(queues)).toEqual([
      'outbox_unpublished',
      'dead_letters_open',
      'workflows_queued',
      'workflows_failed',
      'webhook_deliveries_due',
    ]);
    expect(queues.webhook_deliveries_due).toMatchObject({ owner: 'webhooks', error: null });
    // Consumers subscribe in the worker role; the bus reports each.
    const consumers = h.consumers.items.map((c: { consumer: string }) => c.consumer);
    expect(consumers).toEqual(expect.arrayContaining(['dispatch-orders', 'webhooks']));
  });

  it('counts open dead letters, with the oldest one’s time', async () => {
    const before = (await health()).queues.find(
      (q: { name: string }) => q.name === 'dead_letters_open',
    );
    await recordDeadLetter(t.platform.ctx.db, {
      consumer: 'health-test',
      event: newEvent('support.ticket_opened', {}),
      attempts: 5,
      error: 'downstream is down',
    });
    const after = (await health()).queues.find(
      (q: { name: string }) => q.name === 'dead_letters_open',
    );
    expect(after.depth).toBe(before.depth + 1);
    expect(after.capped).toBe(false);
    expect(Date.parse(after.oldest_at)).not.toBeNaN();
  });

  it('says so when a dependency or the bus stops answering, and the rest still reads', async () => {
    vi.spyOn(t.platform.ctx.kv, 'ping').mockRejectedValue(new Error('connect ECONNREFUSED'));
    vi.spyOn(t.platform.ctx.bus, 'consumers').mockRejectedValue(new Error('no JetStream'));
    const h = await health();
    expect(h.status).toBe('degraded');
    const redis = h.dependencies.find((d: { name: string }) => d.name === 'redis');
    expect(redis).toMatchObject({ ok: false, latency_ms: null, detail: 'connect ECONNREFUSED' });
    const postgres = h.dependencies.find((d: { name: string }) => d.name === 'postgres');
    expect(postgres.ok).toBe(true);
    expect(h.consumers).toMatchObject({ items: [], error: 'no JetStream' });
    expect(h.queues.length).toBeGreaterThan(0);
    vi.restoreAllMocks();
    expect((await health()).status).toBe('ok');
  });

  it("keeps this process's requests per route: counts, errors and p99", async () => {
    const customer = await t.tokenFor('customer');
    for (let i = 0; i < 3; i++)
      expect(
        (await t.request({ method: 'GET', url: '/v1/categories', token: customer })).statusCode,
      ).toBe(200);
    const missing = await t.request({
      method: 'GET',
      url: '/v1/stores/0190f0d1-0a1b-7c2d-8e3f-4a5b6c7d8e9f',
    });
    expect(missing.statusCode).toBe(404);
    const s = await series();
    expect(s).toMatchObject({ instance: t.config.instanceId, bucket_s: 60, minutes: 60 });
    expect(s.process_id).toBe((await health()).process_id);
    const route = (r: string) =>
      s.routes.find((x: { method: string; route: string }) => x.method === 'GET' && x.route === r);
    expect(route('/v1/categories').total).toMatchObject({ requests: 3, errors_4xx: 0 });
    expect(route('/v1/categories').total.p99_ms).toBeGreaterThan(0);
    expect(route('/v1/categories').requests).toHaveLength(60);
    expect(route('/v1/stores/:id').total).toMatchObject({ requests: 1, errors_4xx: 1 });
    expect(s.all.total.requests).toBeGreaterThanOrEqual(4);
    // A shorter window has as many entries as minutes.
    expect((await series('5m')).all.requests).toHaveLength(5);
  });

  it('is for ops only; a bad window is a 400 naming it', async () => {
    const customer = await t.tokenFor('customer');
    const r = await t.request({ method: 'GET', url: '/v1/ops/health', token: customer });
    expect(r.statusCode).toBe(403);
    const bad = await t.request({
      method: 'GET',
      url: '/v1/ops/health/series?window=2h',
      token: ops,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toMatch(/window/);
  });
});
