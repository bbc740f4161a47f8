import { describe, expect, it } from 'vitest';
import { type InvariantResult, settledInvariants } from '../sim/invariants.ts';

const result = (violations: number): InvariantResult[] => [
  { name: 'delivered_settled_once', ok: violations === 0, violations, detail: '' },
];

describe("the run's audit", () => {
  it('looks again while a promise is broken, until the last step settled', async () => {
    const seen = [1, 1, 0, 0];
    let calls = 0;
    const out = await settledInvariants(async () => result(seen[calls++] ?? 0), { everyMs: 0 });
    expect(out[0]).toMatchObject({ ok: true, violations: 0 });
    expect(calls).toBe(3);
  });

  it('reports what is still broken after its last look, and looks once when all held', async () => {
    let calls = 0;
    const broken = await settledInvariants(async () => (calls++, result(2)), {
      tries: 4,
      everyMs: 0,
    });
    expect(broken[0]).toMatchObject({ ok: false, violations: 2 });
    expect(calls).toBe(4);
    calls = 0;
    await settledInvariants(async () => (calls++, result(0)), { everyMs: 0 });
    expect(calls).toBe(1);
  });
});
