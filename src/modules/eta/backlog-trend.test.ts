import { describe, expect, it } from 'vitest';
import { atLevel, backlogKey, levelTrend } from './backlog-trend.ts';
import type { Learned } from './eta-learning.ts';
import { ANY_HOUR, keysOf } from './eta-model.ts';

const stat = (mean: number, samples = 30): Learned => ({
  mean,
  dev: 20,
  lo: mean - 40,
  hi: mean + 60,
  samples,
});

describe('backlog levels not learned yet', () => {
  it('moves the highest learned level below up by the weighted line through the levels', () => {
    const means = [50, 70, 90, 110];
    const trend = levelTrend((l) => (l < means.length ? stat(means[l] ?? 0) : null), 6);
    // 20 s a level: from level 3 (110 s) three levels up.
    expect(trend?.mean).toBeCloseTo(170, 6);
    expect(trend?.lo).toBeCloseTo(130, 6);
    expect(trend?.hi).toBeCloseTo(230, 6);
    expect(trend?.samples).toBe(30);
  });

  it('never promises a deeper queue as a quicker one, and draws no line through one level', () => {
    const falling = levelTrend((l) => (l < 3 ? stat(100 - 10 * l) : null), 5);
    expect(falling?.mean).toBe(80);
    expect(levelTrend((l) => (l === 2 ? stat(100) : null), 5)).toBeNull();
    // A level with fewer than 5 samples does not stand in the line.
    expect(levelTrend((l) => (l === 2 ? stat(100) : stat(200, 3)), 4)).toBeNull();
  });

  it("reads a level's own samples over the trend, and only its own once it has 20", () => {
    const learned = new Map<string, Learned>([
      [backlogKey('s', 0), stat(50)],
      [backlogKey('s', 1), stat(100)],
      [backlogKey('s', 2), stat(400, 10)],
    ]);
    const look = (k: string) => learned.get(k) ?? null;
    // Level 2: half its own (400) over half the trend (150).
    expect(atLevel(look, 's', 2)?.mean).toBeCloseTo(275, 6);
    learned.set(backlogKey('s', 2), stat(400, 20));
    expect(atLevel(look, 's', 2)?.mean).toBe(400);
    // Level 3, never seen: the line through levels 0 to 2.
    expect(atLevel(look, 's', 3)?.mean).toBeGreaterThan(400);
    // The chains read a key as a level only where keysOf says it is one.
    expect(keysOf('pickup_lag', 's', 18, 5).filter(([, , of]) => of)).toEqual([
      [backlogKey('all', 3), ANY_HOUR, { key: 'all', level: 3 }],
      [backlogKey('s', 3), ANY_HOUR, { key: 's', level: 3 }],
    ]);
    expect(keysOf('ride', 's', 18, 5).some(([, , of]) => of)).toBe(false);
  });
});
