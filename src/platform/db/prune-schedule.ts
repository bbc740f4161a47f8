import type { Clock } from '../context.ts';
import type { Stoppable } from '../module.ts';
import type { Logger } from '../observability/logger.ts';
import { runPeriodically } from '../periodic.ts';
import { type PruneJob, pruneAll } from './prune.ts';

/**
 * Runs each prune job on its own schedule (worker role), reading the time from `clock`. Stopping
 * ends a run in progress after its current statement.
 */
export function schedulePruning(
  jobs: readonly PruneJob[],
  deps: { clock: Clock; logger: Logger },
): Stoppable {
  let stopped = false;
  const loops = jobs.map((job) =>
    runPeriodically(
      `${job.table} prune`,
      job.everyMs,
      async () => {
        const deleted = await pruneAll(job, new Date(deps.clock.now()), {
          stopped: () => stopped,
        });
        if (deleted > 0) deps.logger.info({ table: job.table, deleted }, 'pruned');
      },
      deps.logger,
    ),
  );
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops.map((l) => l.stop()));
    },
  };
}
