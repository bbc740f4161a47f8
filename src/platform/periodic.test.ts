import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import type { Logger } from './observability/logger.ts';
import { runPeriodically } from './periodic.ts';

/** A task whose runs are counted and finish when the test says so. */
function controlledTask() {
  const pending: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  let running = 0;
  let maxRunning = 0;
  const task = {
    started: 0,
    get running() {
      return running;
    },
    get maxRunning() {
      return maxRunning;
    },
    run: () => {
      task.started += 1;
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      return new Promise<void>((resolve, reject) => pending.push({ resolve, reject })).finally(
        () => {
          running -= 1;
        },
      );
    },
    finish: () => pending.shift()?.resolve(),
    fail: (err: Error) => pending.shift()?.reject(err),
  };
  return task;
}

const quietLogger = () => ({ warn: vi.fn() }) as unknown as Logger & { warn: Mock };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('runPeriodically', () => {
  it('runs every interval, the first one interval after it starts', async () => {
    const task = controlledTask();
    const loop = runPeriodically('t', 1000, task.run, quietLogger());
    await vi.advanceTimersByTimeAsync(999);
    expect(task.started).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(task.started).toBe(1);
    await vi.advanceTimersByTimeAsync(200);
    task.finish();
    // Due one interval after the previous run began, not after it ended.
    await vi.advanceTimersByTimeAsync(799);
    expect(task.started).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(task.started).toBe(2);
    task.finish();
    await loop.stop();
  });

  it('lets a slow run delay the next to the following interval boundary, never two at once', async () => {
    const task = controlledTask();
    const loop = runPeriodically('t', 1000, task.run, quietLogger());
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(2500);
    expect(task.started).toBe(1);
    task.finish();
    await vi.advanceTimersByTimeAsync(499);
    expect(task.started).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(task.started).toBe(2);
    expect(task.maxRunning).toBe(1);
    task.finish();
    await loop.stop();
  });

  it('runs a wake-up after gatherMs, sharing one run between the requests made meanwhile', async () => {
    const task = controlledTask();
    const loop = runPeriodically('t', 60_000, task.run, quietLogger(), { gatherMs: 10 });
    loop.wake();
    await vi.advanceTimersByTimeAsync(5);
    loop.wake();
    loop.wake();
    await vi.advanceTimersByTimeAsync(4);
    expect(task.started).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(task.started).toBe(1);
    task.finish();
    await vi.advanceTimersByTimeAsync(1000);
    expect(task.started).toBe(1);
    await loop.stop();
  });

  it('turns any number of wake-ups during a run into exactly one more run', async () => {
    const task = controlledTask();
    const loop = runPeriodically('t', 60_000, task.run, quietLogger());
    loop.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(task.started).toBe(1);
    loop.wake();
    loop.wake();
    loop.wake();
    expect(task.started).toBe(1);
    task.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(task.started).toBe(2);
    expect(task.maxRunning).toBe(1);
    task.finish();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(task.started).toBe(2);
    await loop.stop();
  });

  it('logs a failed run, waits retryDelayMs after failures, and goes back to the interval', async () => {
    const task = controlledTask();
    const logger = quietLogger();
    const delays: number[] = [];
    const loop = runPeriodically('relay', 1000, task.run, logger, {
      retryDelayMs: (failures) => {
        delays.push(failures);
        return 5000 * failures;
      },
    });
    await vi.advanceTimersByTimeAsync(1000);
    task.fail(new Error('bus down'));
    await vi.advanceTimersByTimeAsync(4999);
    expect(task.started).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(task.started).toBe(2);
    task.fail(new Error('bus down'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(task.started).toBe(3);
    expect(delays).toEqual([1, 2]);
    expect(logger.warn).toHaveBeenCalledTimes(2);
    expect(logger.warn.mock.calls[1]?.[0]).toMatchObject({ task: 'relay', failures: 2 });
    task.finish();
    await vi.advanceTimersByTimeAsync(1000);
    expect(task.started).toBe(4);
    task.finish();
    await loop.stop();
  });

  it('lets a wake-up cut a retry delay short', async () => {
    const task = controlledTask();
    const loop = runPeriodically('t', 1000, task.run, quietLogger(), {
      retryDelayMs: () => 10_000,
    });
    await vi.advanceTimersByTimeAsync(1000);
    task.fail(new Error('down'));
    await vi.advanceTimersByTimeAsync(100);
    loop.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(task.started).toBe(2);
    task.finish();
    await loop.stop();
  });

  it('stop() waits for the run in progress and nothing runs after it', async () => {
    const task = controlledTask();
    const loop = runPeriodically('t', 1000, task.run, quietLogger());
    loop.wake();
    await vi.advanceTimersByTimeAsync(0);
    loop.wake();
    let stopped = false;
    const stopping = loop.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    task.finish();
    await stopping;
    expect(stopped).toBe(true);
    loop.wake();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(task.started).toBe(1);
  });
});
