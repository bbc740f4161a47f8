import { describe, expect, it } from 'vitest';
import { rngFor } from '../../cli/seed-random.ts';
import { assign } from './matching.ts';

/** Every way to give rows distinct columns (or none): the best by (pairs made, then total cost). */
function bruteForce(cost: number[][]): { pairs: number; total: number } {
  const cols = cost[0]?.length ?? 0;
  let best = { pairs: -1, total: Infinity };
  const walk = (row: number, used: Set<number>, pairs: number, total: number) => {
    if (row === cost.length) {
      if (pairs > best.pairs || (pairs === best.pairs && total < best.total - 1e-9))
        best = { pairs, total };
      return;
    }
    walk(row + 1, used, pairs, total);
    for (let c = 0; c < cols; c++) {
      const x = cost[row]?.[c] ?? Infinity;
      if (used.has(c) || !Number.isFinite(x)) continue;
      used.add(c);
      walk(row + 1, used, pairs + 1, total + x);
      used.delete(c);
    }
  };
  walk(0, new Set(), 0, 0);
  return best;
}

const score = (cost: number[][], a: Array<number | null>) => ({
  pairs: a.filter((c) => c !== null).length,
  total: a.reduce<number>((s, c, r) => (c === null ? s : s + (cost[r]?.[c] ?? NaN)), 0),
});

describe('assign (minimum-cost matching of trips to drivers)', () => {
  it('gives the contested driver to the trip that has no other', () => {
    // Trip 0 prefers driver 0 slightly; trip 1 can only have driver 0. One at a time, trip 0
    // would take driver 0 and leave trip 1 without anyone.
    const cost = [
      [0.4, 0.6],
      [1.6, Infinity],
    ];
    expect(assign(cost)).toEqual([1, 0]);
  });

  it('finds the cheapest pairing of a square matrix', () => {
    const cost = [
      [4, 1, 3],
      [2, 0, 5],
      [3, 2, 2],
    ];
    const a = assign(cost);
    expect(new Set(a).size).toBe(3);
    expect(score(cost, a)).toEqual({ pairs: 3, total: 5 });
  });

  it('leaves a trip unmatched when more trips than drivers, or when nobody can take it', () => {
    expect(assign([[3], [1], [2]])).toEqual([null, 0, null]);
    expect(
      assign([
        [Infinity, Infinity],
        [1, 2],
      ]),
    ).toEqual([null, 0]);
    expect(assign([])).toEqual([]);
    expect(assign([[], []])).toEqual([null, null]);
  });

  it('agrees with trying every pairing on random matrices, impossible pairs included', () => {
    const rng = rngFor('matching');
    for (let k = 0; k < 300; k++) {
      const rows = 1 + Math.floor(rng() * 5);
      const cols = 1 + Math.floor(rng() * 5);
      const cost = Array.from({ length: rows }, () =>
        Array.from({ length: cols }, () =>
          rng() < 0.25 ? Infinity : Math.round(rng() * 1000) / 100,
        ),
      );
      const a = assign(cost);
      const cs = a.filter((c): c is number => c !== null);
      expect(new Set(cs).size, 'a driver twice').toBe(cs.length);
      for (const [r, c] of a.entries()) if (c !== null) expect(cost[r]?.[c]).not.toBe(Infinity);
      const got = score(cost, a);
      const want = bruteForce(cost);
      expect(got.pairs).toBe(want.pairs);
      expect(got.total).toBeCloseTo(want.total, 6);
    }
  });
});
