import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/support/wait.ts';
import { createLogger } from '../observability/logger.ts';
import { pruneAll } from './prune.ts';
import { schedulePruning } from './prune-schedule.ts';

/** A table of `rows` rows past retention, deleted `limit` at a time; each call's time is kept. */
function fakeTable(rows: number) {
  const table = { left: rows, calls: [] as Array<{ now: number; limit: number }> };
  return {
    table,
    deleteBatch: async (now: Date, limit: number) => {
      table.calls.push({ now: now.getTime(), limit });
      const n = Math.min(limit, table.left);
      table.left -= n;
      return n;
    },
  };
}

describe('pruning', () => {
  it('deletes batch after batch until a batch comes back short', async () => {
    const t = fakeTable(25);
    expect(await pruneAll(t, new Date(0), { batchRows: 10 })).toBe(25);
    expect(t.table.left).toBe(0);
    expect(t.table.calls.map((c) => c.limit)).toEqual([10, 10, 10]);
    // A table with exactly a batch left takes one more (empty) statement to know it is done.
    const exact = fakeTable(20);
    expect(await pruneAll(exact, new Date(0), { batchRows: 10 })).toBe(20);
    expect(exact.table.calls).toHaveLength(3);
  });

  it('stops between statements when asked', async () => {
    const t = fakeTable(100);
    let stopped = false;
    const job = {
      deleteBatch: async (now: Date, limit: number) => {
        stopped = true;
        return t.deleteBatch(now, limit);
      },
    };
    expect(await pruneAll(job, new Date(0), { batchRows: 10, stopped: () => stopped })).toBe(10);
    expect(t.table.left).toBe(90);
  });

  it('runs each job on its schedule with the time of the clock it is given', async () => {
    const clockAt = Date.UTC(2030, 0, 1);
    const a = fakeTable(12_000);
    const b = fakeTable(3);
    const pruning = schedulePruning(
      [
        { table: 'a', everyMs: 5, deleteBatch: a.deleteBatch },
        { table: 'b', everyMs: 5, deleteBatch: b.deleteBatch },
      ],
      { clock: { now: () => clockAt }, logger: createLogger('silent') },
    );
    try {
      await waitFor(() => a.table.left === 0 && b.table.left === 0, 10_000, 'both tables pruned');
    } finally {
      await pruning.stop();
    }
    expect(a.table.calls.slice(0, 3)).toEqual([
      { now: clockAt, limit: 5000 },
      { now: clockAt, limit: 5000 },
      { now: clockAt, limit: 5000 },
    ]);
    expect(b.table.calls[0]).toEqual({ now: clockAt, limit: 5000 });
  });
});
