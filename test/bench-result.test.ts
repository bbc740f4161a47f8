import { describe, expect, it } from 'vitest';
import { type BenchFigures, contractErrors, settle } from '../bench/result-contract.ts';

const meta = {
  name: 'demo',
  quick: true,
  machine: { cpus: 2, node: 'v20', platform: 'linux-x64', memory_gb: 8 },
  started_at: '2026-01-01T00:00:00.000Z',
  duration_s: 1,
};

function figures(over: Partial<BenchFigures> = {}): BenchFigures {
  return {
    scale: { connections: 8 },
    metrics: { p99_ms: 4 },
    baseline_name: 'bare Fastify constant route',
    baseline: { p99_ms: 2 },
    headline: { figure: 'rps', better: 'higher', ours: [90, 110, 100], baseline: [200, 180, 220] },
    invariants: { errors: 0 },
    ...over,
  };
}

describe('benchmark result contract', () => {
  it('reports the median of the runs with min–max, and the ratio of the medians', () => {
    const r = settle(figures(), meta);
    expect(r.metrics.rps).toBe(100);
    expect(r.baseline.rps).toBe(200);
    expect(r.headline.ours).toEqual({ median: 100, min: 90, max: 110 });
    expect(r.headline.baseline).toEqual({ median: 200, min: 180, max: 220 });
    expect(r.ratio).toBe(0.5);
    expect(r.ratio_range).toEqual({ min: 0.45, max: 0.611 });
    expect(r.runs).toBe(3);
    expect(contractErrors(r)).toEqual([]);
  });

  it('divides baseline by ours when lower is better', () => {
    const r = settle(
      figures({
        headline: { figure: 'p99_ms', better: 'lower', ours: [10, 12, 8], baseline: [5, 4, 6] },
      }),
      meta,
    );
    expect(r.metrics.p99_ms).toBe(10);
    expect(r.ratio).toBe(0.5);
  });

  it('refuses a result that does not say what ran as the baseline', () => {
    expect(() => settle(figures({ baseline_name: ' ' }), meta)).toThrow(/baseline_name/);
  });

  it('refuses a ratio without a measured baseline', () => {
    const unmeasured = figures({
      headline: { figure: 'rps', better: 'higher', ours: [1, 2, 3], baseline: [0, 0, 0] },
    });
    expect(() => settle(unmeasured, meta)).toThrow(/without a measured baseline/);
  });

  it('refuses a headline from fewer than 3 runs', () => {
    const once = figures({
      headline: { figure: 'rps', better: 'higher', ours: [100], baseline: [200] },
    });
    expect(() => settle(once, meta)).toThrow(/at least 3/);
  });

  it('refuses a target kept as a baseline figure', () => {
    const target = figures({ baseline: { orders_per_s_target: 300 } });
    expect(() => settle(target, meta)).toThrow(/targets go under targets/);
  });

  it('refuses a saved result whose ratio is not that of the medians', () => {
    const r = settle(figures(), meta);
    expect(contractErrors({ ...r, ratio: 1.16 })).toContain(
      'ratio is not the headline medians’ ratio',
    );
    const { baseline_name: _, ...anonymous } = r;
    expect(contractErrors(anonymous).join()).toMatch(/baseline_name/);
  });
});
