import { describe, expect, it } from 'vitest';
import { catalogFixture, ALWAYS, CENTER, north } from '../../../test/support/catalog-fixture.ts';

const fx = catalogFixture();

const { api, store } = fx;

const nearbyIds = async (at: { lat: number; lng: number }, radius?: number) => {
  const res = await api(
    'GET',
    `/v1/stores/nearby?lat=${at.lat}&lng=${at.lng}${radius ? `&radius_m=${radius}` : ''}`,
    undefined,
    undefined,
  );
  expect(res.statusCode).toBe(200);
  return (res.json().items as Array<{ id: string }>).map((s) => s.id);
};

describe('nearby stores', () => {
  it('lists stores whose zone covers the point, nearest arrival first, and respects the zone edge', async () => {
    const a = await store('Mitte', CENTER);
    const b = await store('Nord', north(1500));
    expect(await nearbyIds(north(1400))).toEqual([b.id, a.id]);
    expect(await nearbyIds(north(2980))).toContain(a.id);
    expect(await nearbyIds(north(3020))).not.toContain(a.id);
    expect(await nearbyIds(north(2980), 1000)).not.toContain(a.id);
    expect(await nearbyIds({ lat: 48.1, lng: 11.5 })).toEqual([]);
  });

  it('drops a paused store at once, brings it back on resume and drops it when closed (cache invalidated)', async () => {
    const s = await store('Pausable', north(20_000));
    const here = north(20_100);
    expect(await nearbyIds(here)).toContain(s.id);
    expect((await api('POST', `/v1/stores/${s.id}/pause`)).json().status).toBe('paused');
    expect(await nearbyIds(here)).not.toContain(s.id);
    await api('POST', `/v1/stores/${s.id}/resume`);
    expect(await nearbyIds(here)).toContain(s.id);
    expect((await api('POST', `/v1/stores/${s.id}/close`)).json().status).toBe('closed');
    expect(await nearbyIds(here)).not.toContain(s.id);
  });

  it('leaves out a store closed by its opening hours and honours its time zone', async () => {
    const closed = await store('Night only', north(40_000), { opening_hours: {} });
    expect(await nearbyIds(north(40_050))).not.toContain(closed.id);
  });

  it('narrows the radius with a polygon and moves coverage when the zone changes', async () => {
    const base = north(60_000);
    const d = 0.02;
    const s = await store('Half moon', base, {
      zone: {
        radius_m: 3000,
        polygon: [
          [base.lat - d, base.lng - d],
          [base.lat + d, base.lng - d],
          [base.lat + d, base.lng + 0.001],
          [base.lat - d, base.lng + 0.001],
        ],
      },
    });
    expect(await nearbyIds({ lat: base.lat, lng: base.lng - 0.01 })).toContain(s.id);
    expect(await nearbyIds({ lat: base.lat, lng: base.lng + 0.01 })).not.toContain(s.id);
    const moved = await api('PATCH', `/v1/stores/${s.id}`, {
      zone: { radius_m: 1000 },
      expected_version: s.version,
    });
    expect(moved.statusCode).toBe(200);
    expect(await nearbyIds({ lat: base.lat, lng: base.lng + 0.01 })).toContain(s.id);
    expect(await nearbyIds(north(62_500))).not.toContain(s.id);
    const stale = await api('PATCH', `/v1/stores/${s.id}`, {
      name: 'x',
      expected_version: s.version,
    });
    expect(stale.statusCode).toBe(409);
  });

  it('rejects bad coordinates, radius above the cap and a store outside its own polygon', async () => {
    for (const qs of [
      'lat=91&lng=0',
      'lat=0&lng=181',
      'lat=abc&lng=0',
      'lng=0',
      'lat=0&lng=0&radius_m=60000',
      'lat=0&lng=0&extra=1',
    ]) {
      const res = await api('GET', `/v1/stores/nearby?${qs}`, undefined, undefined);
      expect(res.statusCode, qs).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
    const outside = await api('POST', '/v1/stores', {
      name: 'Outside',
      lat: 10,
      lng: 10,
      zone: {
        radius_m: 1000,
        polygon: [
          [11, 11],
          [11, 12],
          [12, 12],
        ],
      },
      opening_hours: ALWAYS,
    });
    expect(outside.statusCode).toBe(400);
    const badHours = await api('POST', '/v1/stores', {
      name: 'Bad',
      lat: 1,
      lng: 1,
      zone: { radius_m: 1000 },
      opening_hours: { mon: [['10:00', '09:00']] },
    });
    expect(badHours.statusCode).toBe(400);
    const badTz = await api('POST', '/v1/stores', {
      name: 'Bad',
      lat: 1,
      lng: 1,
      zone: { radius_m: 1000 },
      opening_hours: ALWAYS,
      timezone: 'Mars/Olympus',
    });
    expect(badTz.statusCode).toBe(400);
    const customer = await fx.t.tokenFor('customer');
    expect(
      (
        await api(
          'POST',
          '/v1/stores',
          { name: 'x', lat: 1, lng: 1, zone: { radius_m: 1000 }, opening_hours: ALWAYS },
          customer,
        )
      ).statusCode,
    ).toBe(403);
  });
});
