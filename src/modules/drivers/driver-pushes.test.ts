import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PushEnvelope, pushOrder } from './driver-pushes.ts';

// A trip's pushes as their commits made them (each a newer version), then shuffled and partly
// repeated the way several processes announcing after their commits can deliver them.
const TYPES = ['offer', 'offer_expired', 'trip_unassigned', 'trip_canceled'];
const lifecycle = (trip: string, steps: number): PushEnvelope[] =>
  Array.from({ length: steps }, (_, i) => ({
    message: { type: TYPES[i % TYPES.length] ?? 'offer', trip },
    trip: { id: trip, version: 2 + i * 2 },
  }));

describe('driver pushes in commit order', () => {
  it('never sends a trip backwards, never twice, and always sends its newest push', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (stepsPerTrip, repeats, seed) => {
          const pushes = stepsPerTrip.flatMap((n, i) => lifecycle(`t${i}`, n));
          const copies = repeats.map((r) => pushes[r % pushes.length] as PushEnvelope);
          const arrived = shuffle([...pushes, ...copies], seed);
          const pass = pushOrder();
          const sent = arrived.filter((p) => pass(p));
          stepsPerTrip.forEach((n, i) => {
            const versions = sent.filter((p) => p.trip?.id === `t${i}`).map((p) => p.trip?.version);
            // Strictly increasing: nothing older after something newer, no repeat.
            versions.forEach((v, k) => k > 0 && expect(v).toBeGreaterThan(versions[k - 1] ?? 0));
            expect(versions.at(-1)).toBe(2 + (n - 1) * 2);
          });
        },
      ),
      { seed: 19, numRuns: 300 },
    );
  });

  it('lets two different pushes of one version through, and pushes about no trip always', () => {
    const pass = pushOrder();
    const at = (type: string, version: number): PushEnvelope => ({
      message: { type },
      trip: { id: 'x', version },
    });
    expect(
      [at('offer', 3), at('offer_expired', 3), at('offer', 3), at('offer', 2)].map(pass),
    ).toEqual([true, true, false, false]);
    expect([{ message: { type: 'notice' } }, { message: { type: 'notice' } }].map(pass)).toEqual([
      true,
      true,
    ]);
  });

  it('forgets the oldest trips past its bound, so a socket open all shift stays small', () => {
    const pass = pushOrder(2);
    const p = (id: string, version: number): PushEnvelope => ({
      message: { type: 'offer' },
      trip: { id, version },
    });
    expect([p('a', 5), p('b', 1), p('c', 1), p('b', 0)].map(pass)).toEqual([
      true,
      true,
      true,
      false,
    ]);
    // `a` was forgotten: its stale push is no longer recognised (at most once still holds per push).
    expect(pass(p('a', 4))).toBe(true);
  });
});

/** A seeded Fisher–Yates shuffle. */
function shuffle<T>(items: T[], seed: number): T[] {
  let s = seed || 1;
  const rand = () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
