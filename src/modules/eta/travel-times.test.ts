import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { createLogger } from '../../platform/observability/logger.ts';
import { createMetrics } from '../../platform/observability/metrics.ts';
import { distanceM, PLANNING_SPEED_MPS } from './eta-math.ts';
import { routingOf } from './routing.ts';
import { travelTimesContract } from './travel-times.contract.ts';
import { type RoutingMiss, osrmTravel } from './travel-osrm.ts';
import { straightLine, type TravelTimes } from './travel-times.ts';

/** The straight line at fixed speeds: the planning speeds, and 4 m/s along the line for the fleet. */
const straight = (): TravelTimes =>
  straightLine({
    vehicleMps: async (v) => PLANNING_SPEED_MPS[v],
    rideMps: async () => 4,
  });

type Mode = 'ok' | 'hang' | '500' | 'garbage' | 'no_route';

/**
 * A routing service on loopback that answers like OSRM's `route` service (a street 1.3 times the
 * straight line; bikes at 4 m/s, the rest at 8), or hangs, fails, or finds no route.
 */
async function fakeOsrm() {
  const seen: string[] = [];
  let mode: Mode = 'ok';
  const server = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    if (mode === 'hang') return;
    if (mode === '500') return void res.writeHead(500).end('{"code":"Error"}');
    if (mode === 'garbage') return void res.writeHead(200).end('<html>proxy error</html>');
    if (mode === 'no_route')
      return void res.writeHead(200).end(JSON.stringify({ code: 'NoRoute', routes: [] }));
    const m = /^\/route\/v1\/(\w+)\/([-\d.]+),([-\d.]+);([-\d.]+),([-\d.]+)\?overview=false$/.exec(
      req.url ?? '',
    );
    if (!m) return void res.writeHead(400).end('{"code":"InvalidUrl"}');
    const [, profile, lng1, lat1, lng2, lat2] = m;
    const metres =
      distanceM(
        { lat: Number(lat1), lng: Number(lng1) },
        { lat: Number(lat2), lng: Number(lng2) },
      ) * 1.3;
    const duration = metres / (profile === 'cycling' ? 4 : 8);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 'Ok', routes: [{ duration, distance: metres, legs: [] }] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    setMode: (m: Mode) => void (mode = m),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

travelTimesContract('straight line', async () => ({
  travel: straight(),
  source: 'straight',
  close: async () => undefined,
}));

travelTimesContract('OSRM', async () => {
  const osrm = await fakeOsrm();
  return {
    travel: osrmTravel({ url: osrm.url, timeoutMs: 2000, fallback: straight() }),
    source: 'osrm',
    close: osrm.close,
  };
});

const STORE = { lat: 53.5511, lng: 9.9937 };
const DOOR = { lat: 53.5641, lng: 10.0102 };
const T = Date.UTC(2026, 10, 23, 18, 0, 0);

describe('the OSRM adapter', () => {
  let osrm: Awaited<ReturnType<typeof fakeOsrm>>;
  const outcomes: Array<RoutingMiss | 'ok'> = [];
  const travel = () =>
    osrmTravel({
      url: `${osrm.url}/`,
      timeoutMs: 100,
      fallback: straight(),
      breakAfter: 3,
      halfOpenAfterMs: 60_000,
      onAnswer: (o) => outcomes.push(o),
    });
  beforeAll(async () => {
    osrm = await fakeOsrm();
  });
  afterAll(async () => {
    await osrm?.close();
  });
  const reset = (mode: Mode) => {
    osrm.setMode(mode);
    osrm.seen.length = 0;
    outcomes.length = 0;
  };

  it('asks the route service with longitude first, the vehicle’s profile, no geometry', async () => {
    reset('ok');
    const leg = await travel().leg({ from: STORE, to: DOOR, who: 'bike', at: T });
    expect(osrm.seen).toEqual([
      '/route/v1/cycling/9.993700,53.551100;10.010200,53.564100?overview=false',
    ]);
    expect(leg).toMatchObject({ source: 'osrm' });
    expect(leg.seconds).toBeCloseTo((distanceM(STORE, DOOR) * 1.3) / 4, 0);
    await travel().leg({ from: STORE, to: DOOR, who: 'fleet', at: T });
    expect(osrm.seen[1]).toMatch(/^\/route\/v1\/driving\//);
    expect(outcomes).toEqual(['ok', 'ok']);
  });

  it.each([
    ['500', 'status'],
    ['garbage', 'error'],
    ['hang', 'timeout'],
    ['no_route', 'no_route'],
  ] as const)('answers with the straight line when the service %s (%s)', async (mode, outcome) => {
    reset(mode);
    const leg = await travel().leg({ from: STORE, to: DOOR, who: 'car', at: T });
    expect(leg).toEqual(await straight().leg({ from: STORE, to: DOOR, who: 'car', at: T }));
    expect(osrm.seen).toHaveLength(1);
    expect(outcomes).toEqual([outcome]);
  });

  it('stops asking a failing service for a while (breaker), and never for a missing route', async () => {
    reset('500');
    const adapter = travel();
    for (let i = 0; i < 6; i++) await adapter.leg({ from: STORE, to: DOOR, who: 'bike', at: T });
    expect(osrm.seen).toHaveLength(3);
    expect(outcomes).toEqual(['status', 'status', 'status', ...Array(3).fill('breaker_open')]);
    reset('no_route');
    const other = travel();
    for (let i = 0; i < 6; i++) await other.leg({ from: STORE, to: DOOR, who: 'bike', at: T });
    expect(osrm.seen).toHaveLength(6);
  });

  it('answers with the straight line when nothing listens at the URL', async () => {
    const closed = await fakeOsrm();
    await closed.close();
    outcomes.length = 0;
    const adapter = osrmTravel({
      url: closed.url,
      timeoutMs: 1000,
      fallback: straight(),
      onAnswer: (o) => outcomes.push(o),
    });
    expect((await adapter.leg({ from: STORE, to: DOOR, who: 'bike', at: T })).source).toBe(
      'straight',
    );
    expect(outcomes).toEqual(['error']);
  });
});

describe('the routing setting', () => {
  const ctxOf = (env: Record<string, string>) => {
    const config = loadConfig({ NODE_ENV: 'test', ...env });
    const metrics = createMetrics({ defaultMetrics: false });
    const logger = createLogger('silent', {});
    return { config, metrics, logger } as unknown as PlatformContext;
  };

  it('picks the OSRM adapter over the straight line when LASTMILE_ROUTING_URL is set', async () => {
    expect(routingOf(ctxOf({}))).toBeUndefined();
    const ctx = ctxOf({
      LASTMILE_ROUTING_URL: 'http://127.0.0.1:9',
      LASTMILE_ROUTING_TIMEOUT_MS: '50',
    });
    const adapter = routingOf(ctx)?.(straight());
    expect(adapter?.name).toBe('osrm');
    // Nothing listens on the discard port: the straight line answers, and the metric says why.
    expect((await adapter?.leg({ from: STORE, to: DOOR, who: 'car', at: T }))?.source).toBe(
      'straight',
    );
    expect(
      await ctx.metrics.registry.getSingleMetricAsString('lastmile_routing_answers_total'),
    ).toMatch(/outcome="(error|timeout)"\} 1/);
  });

  it('refuses a routing URL that is not http', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', LASTMILE_ROUTING_URL: 'ftp://osrm' })).toThrow(
      /LASTMILE_ROUTING_URL/,
    );
  });
});
