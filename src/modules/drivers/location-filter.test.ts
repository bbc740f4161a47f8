import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { filterPoints, type LocationPoint } from './location-filter.ts';

const T0 = Date.UTC(2026, 10, 23, 18, 0, 0);
// About 111 m per 0.001 degree of latitude.
const p = (dtS: number, dLat: number, accuracyM = 5): LocationPoint => ({
  lat: 52.5 + dLat,
  lng: 13.4,
  at: T0 + dtS * 1000,
  accuracyM,
});

describe('location filter', () => {
  it('accepts points moving forward at street speed', () => {
    const r = filterPoints(null, [p(0, 0), p(5, 0.0005), p(10, 0.001)]);
    expect(r.accepted).toHaveLength(3);
    expect(r.last?.at).toBe(T0 + 10_000);
  });

  it('orders one upload by recording time before checking it', () => {
    const r = filterPoints(null, [p(10, 0.001), p(0, 0), p(5, 0.0005)]);
    expect(r.accepted.map((x) => x.at)).toEqual([T0, T0 + 5000, T0 + 10_000]);
    expect(r.outOfOrder).toBe(0);
  });

  it('drops points not newer than the last accepted one, including duplicates', () => {
    const last = { lat: 52.5, lng: 13.4, at: T0 + 60_000 };
    const r = filterPoints(last, [p(30, 0), p(60, 0), p(65, 0.0001)]);
    expect(r.outOfOrder).toBe(2);
    expect(r.accepted.map((x) => x.at)).toEqual([T0 + 65_000]);
  });

  it('drops a physically impossible jump and keeps checking against the last good fix', () => {
    // 11 km in 5 s, then back near the start.
    const r = filterPoints(null, [p(0, 0), p(5, 0.1), p(10, 0.0004)]);
    expect(r.impossibleJump).toBe(1);
    expect(r.accepted.map((x) => x.at)).toEqual([T0, T0 + 10_000]);
  });

  it('allows for the reported accuracy', () => {
    // 300 m in 2 s is too fast, unless both fixes say they may be 150 m off.
    expect(filterPoints(null, [p(0, 0, 5), p(2, 0.0027, 5)]).impossibleJump).toBe(1);
    expect(filterPoints(null, [p(0, 0, 150), p(2, 0.0027, 150)]).impossibleJump).toBe(0);
  });

  it('starts afresh after a long silence', () => {
    const r = filterPoints({ lat: 52.5, lng: 13.4, at: T0 }, [p(600, 0.5)]);
    expect(r.accepted).toHaveLength(1);
  });

  test.prop([
    fc.array(
      fc.record({
        dtS: fc.integer({ min: -100, max: 400 }),
        dLat: fc.double({ min: -0.05, max: 0.05, noNaN: true }),
      }),
      { maxLength: 30 },
    ),
  ])('accepted points are strictly increasing in time and every point is counted once', (raw) => {
    const points = raw.map((x) => p(x.dtS, x.dLat));
    const r = filterPoints({ lat: 52.5, lng: 13.4, at: T0 }, points);
    expect(r.accepted.length + r.outOfOrder + r.impossibleJump).toBe(points.length);
    const times = r.accepted.map((x) => x.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(times).size).toBe(times.length);
    for (const at of times) expect(at).toBeGreaterThan(T0);
  });
});
