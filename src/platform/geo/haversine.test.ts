import { describe, expect, it } from 'vitest';
import { EARTH_RADIUS_M, haversineMeters } from './haversine.ts';

describe('haversineMeters', () => {
  it('is zero for the same point', () => {
    expect(haversineMeters(52.52, 13.405, 52.52, 13.405)).toBe(0);
  });

  it('measures one degree of latitude as R·π/180', () => {
    expect(haversineMeters(0, 0, 1, 0)).toBeCloseTo((EARTH_RADIUS_M * Math.PI) / 180, 6);
    expect(haversineMeters(10, 50, 11, 50)).toBeCloseTo(111195.08, 1);
  });

  it('shrinks a degree of longitude with cos(latitude)', () => {
    // At 60° a small east-west step is half as long as at the equator.
    const equator = haversineMeters(0, 0, 0, 0.001);
    const sixty = haversineMeters(60, 0, 60, 0.001);
    expect(sixty / equator).toBeCloseTo(0.5, 6);
  });

  it('matches known city distances on the sphere', () => {
    // Reference values computed with the same spherical model (R = 6371008.8 m).
    expect(haversineMeters(52.52, 13.405, 48.8566, 2.3522)).toBeCloseTo(877_464, -2); // Berlin–Paris
    expect(haversineMeters(51.5074, -0.1278, 40.7128, -74.006)).toBeCloseTo(5_570_230, -3); // London–New York
  });

  it('is symmetric and gives half the circumference for antipodes', () => {
    expect(haversineMeters(12, 34, -5, 100)).toBeCloseTo(haversineMeters(-5, 100, 12, 34), 6);
    expect(haversineMeters(0, 0, 0, 180)).toBeCloseTo(Math.PI * EARTH_RADIUS_M, 3);
    expect(haversineMeters(90, 0, -90, 0)).toBeCloseTo(Math.PI * EARTH_RADIUS_M, 3);
  });
});
