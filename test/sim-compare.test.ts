import fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Comparison, compareRuns, loadRun, numberAt } from '../sim/compare.ts';
import { compareSection } from '../sim/compare-markdown.ts';
import { DEFAULT_SIM } from '../sim/config.ts';
import { demandHash, eveningOf, writeEvening } from '../sim/evening.ts';
import { makePlan } from '../sim/plan.ts';

// Two runs side by side: the key figures of each world with their deltas, and whether both
// played the same evening. The reports are small made-up report.json files with known answers.

const SAME = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);

/** A world of report.json with the figures the comparison reads (and nothing else). */
function world(label: string, f: { p50: number; p90: number; inside: number; cost: number }) {
  return {
    label,
    orders: { placed: 100, delivered: 90 },
    delivery_min: { p50: f.p50, p90: f.p90, p99: 30 },
    eta_error_min: { ours_mae: 2.5, honest_naive_mae: 3.5 },
    feel: {
      on_time: { inside_window: f.inside, within_end_plus_5: 0.95 },
      window_min: { p50: 10 },
      couriers: { courier_min_per_delivery: f.cost, orders_per_courier_hour: 1.5 },
      route_p99: { worst: { route: 'POST /v1/orders', p99_ms: 900 } },
    },
    api: {
      p99_ms: 120,
      by_route: {
        'POST /v1/orders': { n: 100, p50_ms: 50, p99_ms: 900 },
        'GET /v1/stores': { n: 300, p50_ms: 5, p99_ms: 20 },
      },
    },
    invariants: [
      { name: 'no_oversell', ok: true, violations: 0, detail: '' },
      { name: 'every_order_ended', ok: true, violations: 0, detail: '' },
    ],
  };
}

const EARLIER = {
  run: 'before',
  evening: { file: 'evening.json', sha256: SAME, replay_of: null },
  worlds: [
    world('lastmile', { p50: 11.4, p90: 14.8, inside: 0.8, cost: 14 }),
    world('greedy baseline', { p50: 10.6, p90: 14.8, inside: 0.85, cost: 13 }),
  ],
};
const LATER = {
  run: 'after',
  evening: { file: 'evening.json', sha256: SAME, replay_of: 'before/evening.json' },
  worlds: [
    {
      ...world('lastmile', { p50: 10.1, p90: 15, inside: 0.92, cost: 14 }),
      api: { p99_ms: 80, by_route: { 'POST /v1/orders': { n: 100, p50_ms: 40, p99_ms: 250 } } },
      invariants: [
        { name: 'no_oversell', ok: true, violations: 0, detail: '' },
        { name: 'every_order_ended', ok: false, violations: 2, detail: '' },
      ],
    },
  ],
};

let dir: string;
const runDir = (name: string) => path.join(dir, name);
async function writeRun(name: string, report: object): Promise<string> {
  await fs.mkdir(runDir(name), { recursive: true });
  await fs.writeFile(path.join(runDir(name), 'report.json'), JSON.stringify(report));
  return runDir(name);
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(tmpdir(), 'lastmile-compare-'));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

const figure = (c: Comparison, label: string, name: string) =>
  c.worlds.find((w) => w.label === label)?.figures.find((f) => f.figure === name);

describe('comparing two runs', () => {
  let c: Comparison;
  beforeAll(async () => {
    c = compareRuns(
      await loadRun(await writeRun('before', EARLIER)),
      await loadRun(path.join(await writeRun('after', LATER), 'report.json')),
    );
  });

  it('puts each figure of both runs side by side with its delta and direction', () => {
    expect(figure(c, 'lastmile', 'delivery_min.p50')).toEqual({
      figure: 'delivery_min.p50',
      earlier: 11.4,
      later: 10.1,
      delta: -1.3,
      verdict: 'better',
    });
    expect(figure(c, 'lastmile', 'delivery_min.p90')).toMatchObject({
      delta: 0.2,
      verdict: 'worse',
    });
    expect(figure(c, 'lastmile', 'feel.on_time.inside_window')).toMatchObject({
      delta: 0.12,
      verdict: 'better',
    });
    expect(figure(c, 'lastmile', 'feel.couriers.courier_min_per_delivery')).toMatchObject({
      delta: 0,
      verdict: 'same',
    });
    // A figure without a direction has a delta but no verdict.
    expect(figure(c, 'lastmile', 'orders.placed')).toMatchObject({ delta: 0, verdict: null });
  });

  it('compares every route p99, slowest first, and each invariant', () => {
    const ours = c.worlds[0];
    expect(ours?.label).toBe('lastmile');
    expect(ours?.route_p99).toEqual([
      {
        route: 'POST /v1/orders',
        earlier_p99_ms: 900,
        later_p99_ms: 250,
        delta_ms: -650,
      },
      { route: 'GET /v1/stores', earlier_p99_ms: 20, later_p99_ms: null, delta_ms: null },
    ]);
    expect(ours?.invariants.map((i) => [i.name, i.earlier?.ok, i.later?.ok])).toEqual([
      ['no_oversell', true, true],
      ['every_order_ended', true, false],
    ]);
  });

  it('keeps a world only one run has, with the other side unknown', () => {
    expect(c.worlds.map((w) => w.label)).toEqual(['lastmile', 'greedy baseline']);
    expect(figure(c, 'greedy baseline', 'delivery_min.p50')).toEqual({
      figure: 'delivery_min.p50',
      earlier: 10.6,
      later: null,
      delta: null,
      verdict: null,
    });
  });

  it('says the two played the same evening', () => {
    expect(c.same_demand).toBe(true);
    expect(c.earlier).toEqual({ run: 'before', evening_sha256: SAME });
    const md = compareSection(c).join('\n');
    expect(md).toContain('## Compared with before');
    expect(md).toContain(`Same evening (demand ${SAME.slice(0, 12)})`);
    expect(md).toContain('| delivery time p50 | 11.4 min | 10.1 min | −1.3 min (better) |');
    expect(md).toContain(
      '| delivered inside the promised window | 80 % | 92 % | +12 pts (better) |',
    );
    expect(md).toContain('| POST /v1/orders | 900 ms | 250 ms | −650 ms |');
    expect(md).toContain('| every_order_ended | held | **broken** (2) |');
  });
});

describe('the demand of the two runs', () => {
  it('is called out loudly when the evenings differ', async () => {
    const other = { ...LATER, run: 'elsewhere', evening: { ...LATER.evening, sha256: OTHER } };
    const c = compareRuns(
      await loadRun(runDir('before')),
      await loadRun(await writeRun('elsewhere', other)),
    );
    expect(c.same_demand).toBe(false);
    expect(compareSection(c).join('\n')).toContain(
      `**NOT THE SAME EVENING**: elsewhere played demand ${OTHER.slice(0, 12)}, before played ${SAME.slice(0, 12)}.`,
    );
  });

  it('is unknown for a run that recorded no evening', async () => {
    const old = await writeRun('old', { run: 'old', worlds: EARLIER.worlds });
    const c = compareRuns(await loadRun(old), await loadRun(runDir('after')));
    expect(c.same_demand).toBeNull();
    expect(compareSection(c).join('\n')).toContain('**Same evening unknown**: old recorded no');
  });

  it('is read from the evening recorded beside a report that does not name it', async () => {
    const cfg = {
      ...DEFAULT_SIM,
      ...{ seed: 3, stores: 2, productsPerStore: 5, drivers: 2, normalMin: 1, rushMin: 1 },
      ...{ cityRadiusM: 500, zoneRadiusM: 500 },
    };
    const evening = eveningOf('beside', cfg, makePlan(cfg), {
      city: 'hamburg',
      region: [],
      sha256: SAME,
    });
    const at = await writeRun('beside', { worlds: EARLIER.worlds });
    await writeEvening(at, evening);
    const run = await loadRun(at);
    expect(run).toMatchObject({ run: 'beside', evening_sha256: demandHash(evening) });
  });

  it('refuses a run without a readable report', async () => {
    await expect(loadRun(runDir('missing'))).rejects.toThrow(/missing: it does not exist/);
    await fs.mkdir(runDir('unfinished'));
    await expect(loadRun(runDir('unfinished'))).rejects.toThrow(/is not a readable report/);
    await writeRun('empty', { run: 'empty' });
    await expect(loadRun(runDir('empty'))).rejects.toThrow(/has no worlds/);
  });
});

describe('reading a figure', () => {
  it('answers null for a figure an older report lacks', () => {
    expect(numberAt({ a: { b: 2 } }, 'a.b')).toBe(2);
    expect(numberAt({ a: { b: '2' } }, 'a.b')).toBeNull();
    expect(numberAt({ a: null }, 'a.b')).toBeNull();
  });
});
