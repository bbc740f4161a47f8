import { cellToLatLng, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAs, startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { zoneOf } from './eta-model.ts';
import { etaFor } from './index.ts';

let t: TestPlatform;
let ops: string;
const now = { ms: Date.UTC(2026, 10, 23, 17, 30, 0) };
beforeAll(async () => {
  t = await startTestPlatform({ clock: { now: () => now.ms } });
  ops = await t.tokenFor('ops');
});
afterAll(async () => {
  await t?.stop();
});

const HAMBURG = { lat: 53.5511, lng: 9.9937 };
const ZONE = zoneOf(HAMBURG);
const iso = (ms: number) => new Date(ms).toISOString();
const MIN = 60_000;
const rain = { kind: 'rain', starts_at: iso(now.ms), ends_at: iso(now.ms + 60 * MIN) };
const traffic = { ...rain, kind: 'traffic', zone: ZONE, factor: 1.5 };
const put = (token: string | undefined, body: object) =>
  callAs(t, token, 'PUT', '/v1/ops/conditions', body);

describe('PUT /v1/ops/conditions', () => {
  it('is for ops only', async () => {
    const body = { source: 'weather', conditions: [rain] };
    expect((await put(undefined, body)).statusCode).toBe(401);
    for (const role of ['customer', 'driver', 'store'] as const) {
      const res = await put(await t.tokenFor(role), body);
      expect(res.statusCode, role).toBe(403);
      expect(res.json().code, role).toBe('FORBIDDEN');
    }
    expect(
      (await callAs(t, await t.tokenFor('customer'), 'GET', '/v1/ops/conditions')).statusCode,
    ).toBe(403);
  });

  it.each([
    ['a zone that is no H3 cell', { ...traffic, zone: 'ffffffffffffff0' }, 'conditions.0.zone'],
    [
      'a zone of another resolution',
      { ...traffic, zone: latLngToCell(HAMBURG.lat, HAMBURG.lng, 9) },
      'conditions.0.zone',
    ],
    ['an end before its start', { ...rain, ends_at: iso(now.ms - MIN) }, 'conditions.0.ends_at'],
    ['traffic without its factor', { ...traffic, factor: null }, 'conditions.0.factor'],
    ['weather with a factor', { ...rain, factor: 1.3 }, 'conditions.0.factor'],
    ['a factor out of range', { ...traffic, factor: 9 }, 'conditions.0.factor'],
    ['an unknown kind', { ...rain, kind: 'fog' }, 'conditions.0.kind'],
    ['an unknown field', { ...rain, mm_per_hour: 4 }, 'conditions.0'],
    ['a forecast weeks ahead', { ...rain, ends_at: iso(now.ms + 30 * 86_400_000) }, 'ends_at'],
  ])('refuses %s with 400 problem+json', async (_what, condition, path) => {
    const res = await put(ops, { source: 'weather', conditions: [condition] });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json();
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(problem.errors ?? problem.detail)).toContain(path.split('.').at(-1));
  });

  it('refuses a source that is not a plain name', async () => {
    const res = await put(ops, { source: 'Weather Service!', conditions: [] });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
  });

  it("replaces only the feed's own picture, and lists what holds now or later", async () => {
    const later = {
      ...traffic,
      starts_at: iso(now.ms + 30 * MIN),
      ends_at: iso(now.ms + 90 * MIN),
    };
    expect((await put(ops, { source: 'traffic', conditions: [traffic, later] })).statusCode).toBe(
      200,
    );
    const res = await put(ops, { source: 'weather', conditions: [rain] });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([
      { source: 'weather', kind: 'rain', zone: null, factor: null, ...pick(rain) },
    ]);
    const listed = async () =>
      (await callAs(t, ops, 'GET', '/v1/ops/conditions')).json().items as Array<{
        source: string;
      }>;
    expect((await listed()).map((c) => c.source).sort()).toEqual(['traffic', 'traffic', 'weather']);
    await put(ops, { source: 'traffic', conditions: [] });
    expect((await listed()).map((c) => c.source)).toEqual(['weather']);
    await put(ops, { source: 'weather', conditions: [] });
    expect(await listed()).toEqual([]);
  });

  it('keeps the last hours for learning, but not what ended longer ago', async () => {
    const old = {
      ...rain,
      starts_at: iso(now.ms - 9 * 60 * MIN),
      ends_at: iso(now.ms - 8 * 60 * MIN),
    };
    const recent = {
      ...rain,
      starts_at: iso(now.ms - 2 * 60 * MIN),
      ends_at: iso(now.ms - 60 * MIN),
    };
    const res = await put(ops, { source: 'weather', conditions: [old, recent] });
    expect(res.json().items.map((c: { starts_at: string }) => c.starts_at)).toEqual([
      recent.starts_at,
    ]);
    // Ended: not listed as holding, but still known to learning.
    expect((await callAs(t, ops, 'GET', '/v1/ops/conditions')).json().items).toEqual([]);
    const held = await etaFor(t.platform.ctx).conditions.current();
    expect(held.at(HAMBURG, now.ms - 90 * MIN, 'bike').factor).toBe(1.25);
    expect(held.at(HAMBURG, now.ms, 'bike').factor).toBe(1);
    await put(ops, { source: 'weather', conditions: [] });
  });
});

describe('what conditions do to estimates', () => {
  it('slows dispatch’s pace in the zone and in the rain, a bike more than a car', async () => {
    const [lat, lng] = cellToLatLng(ZONE);
    const inZone = { lat, lng };
    const eta = etaFor(t.platform.ctx);
    const dry = await eta.pace();
    await put(ops, { source: 'traffic', conditions: [traffic] });
    await put(ops, { source: 'weather', conditions: [rain] });
    const wet = await eta.pace();
    const ratio = (v: 'bike' | 'car') =>
      wet.seconds(1000, v, inZone, inZone) / dry.seconds(1000, v, inZone, inZone);
    expect(ratio('car')).toBeCloseTo(1.5 * 1.1, 5);
    expect(ratio('bike')).toBeCloseTo(1.5 * 1.25, 5);
    // Outside the zone only the rain counts; with no ends known, nothing does.
    const far = { lat: lat + 0.3, lng };
    expect(wet.seconds(1000, 'bike', far, far) / dry.seconds(1000, 'bike', far, far)).toBeCloseTo(
      1.25,
      5,
    );
    expect(wet.seconds(1000, 'bike')).toBe(dry.seconds(1000, 'bike'));
    await put(ops, { source: 'traffic', conditions: [] });
    await put(ops, { source: 'weather', conditions: [] });
  });
});

function pick(c: { starts_at: string; ends_at: string }) {
  return { starts_at: c.starts_at, ends_at: c.ends_at };
}
