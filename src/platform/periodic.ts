import type { Stoppable } from './module.ts';
import type { Logger } from './observability/logger.ts';

/** A background task that runs every interval and whenever it is woken. */
export interface Periodic extends Stoppable {
  /**
   * Asks for a run: within `gatherMs` when idle; when a run is in progress, exactly one more
   * after it, however many times it was asked meanwhile (what those callers wanted may have
   * committed after the current run read). Ignored once stopped.
   */
  wake(): void;
}

export interface PeriodicOptions {
  /** A wake-up waits this long, so the requests made meanwhile share one run (default 0). */
  gatherMs?: number;
  /** After `failures` failed runs in a row, the next scheduled run waits this long instead of the interval. */
  retryDelayMs?: (failures: number) => number;
}

/**
 * Runs `task` in the background, never two at once, logging failures. Runs are due every
 * `intervalMs` from the start of the last one; a run slower than that is followed at the next
 * interval boundary, so a slow run delays the next instead of piling runs up. `wake()` asks for
 * one sooner. `stop()` cancels what is scheduled and waits for a run in progress.
 */
export function runPeriodically(
  name: string,
  intervalMs: number,
  task: () => Promise<unknown>,
  logger: Logger,
  opts: PeriodicOptions = {},
): Periodic {
  const gatherMs = opts.gatherMs ?? 0;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | null = null;
  let due = Number.POSITIVE_INFINITY;

  /** Schedules the next run in `ms`, unless one is already due sooner. */
  function schedule(ms: number): void {
    if (stopped || Date.now() + ms >= due) return;
    if (timer) clearTimeout(timer);
    due = Date.now() + ms;
    timer = setTimeout(run, ms);
    timer.unref();
  }

  function run(): void {
    timer = null;
    due = Number.POSITIVE_INFINITY;
    if (stopped) return;
    const startedAt = Date.now();
    again = false;
    running = task()
      .then(
        () => {
          failures = 0;
        },
        (err: unknown) => {
          failures += 1;
          logger.warn({ err, task: name, failures }, `${name} failed`);
        },
      )
      .finally(() => {
        running = null;
        if (again) schedule(gatherMs);
        else if (failures > 0 && opts.retryDelayMs) schedule(opts.retryDelayMs(failures));
        else schedule(intervalMs - ((Date.now() - startedAt) % intervalMs));
      });
  }

  schedule(intervalMs);
  return {
    wake() {
      if (running) again = true;
      else schedule(gatherMs);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
