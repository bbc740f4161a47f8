import type { Logger } from './observability/logger.ts';
import type { Stoppable } from './module.ts';

/**
 * Runs `task` every `intervalMs` in the background, never two at once (a slow run makes the next
 * one wait instead of piling up), logging failures. `stop()` waits for a run in progress.
 */
export function runPeriodically(
  name: string,
  intervalMs: number,
  task: () => Promise<unknown>,
  logger: Logger,
): Stoppable {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    running ??= task()
      .catch((err: unknown) => logger.warn({ err, task: name }, `${name} failed`))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
