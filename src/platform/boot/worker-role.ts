import { startDeadLetterReplayer } from '../bus/dead-letters.ts';
import { reopenRecentOutbox } from '../bus/outbox.repository.ts';
import type { EventHandler } from '../bus/port.ts';
import { type OutboxRelay, startOutboxRelay } from '../bus/relay.ts';
import type { PlatformContext } from '../context.ts';
import type { Database } from '../db/pool.ts';
import { schedulePruning } from '../db/prune-schedule.ts';
import type { ModuleDefinition, Stoppable } from '../module.ts';
import { workflowsLaunched } from '../workflows/engine.ts';
import { platformPruneJobs } from './retention.ts';
import type { StopStack } from './stop-stack.ts';

/**
 * The worker role: module consumers, the dead-letter replayer, the outbox relay and the prunes of
 * the platform's growing tables (outbox, inbox, idempotency keys, socket tickets, dead letters,
 * finished workflows). Consumers subscribe before the relay starts, so the first events find
 * them listening.
 */
export async function startWorkerRole(p: {
  ctx: PlatformContext;
  modules: readonly ModuleDefinition[];
  handlers: ReadonlyMap<string, EventHandler>;
  database: Database;
  stack: StopStack;
}): Promise<OutboxRelay> {
  const { ctx, stack, database } = p;
  const { logger } = ctx;
  for (const m of p.modules) {
    if (!m.startWorker) continue;
    const started: Stoppable = await m.startWorker(ctx);
    stack.push(`${m.name}-worker`, () => started.stop());
  }
  const replayer = startDeadLetterReplayer({ db: database.db, handlers: p.handlers, logger });
  stack.push('dead-letter-replayer', replayer.stop);
  if (ctx.bus.kind === 'memory') {
    const reopened = await reopenRecentOutbox(database.db);
    if (reopened > 0)
      logger.info({ reopened }, 'in-process bus: redelivering events of the last minutes');
  }
  const relay = startOutboxRelay({
    db: database.db,
    pool: database.pool,
    bus: ctx.bus,
    logger,
    onPublished: (n) => ctx.metrics.eventsPublished.inc(n),
  });
  stack.push('outbox-relay', relay.stop);
  const jobs = platformPruneJobs(database.db, ctx.config.retention, {
    workflows: workflowsLaunched(),
  });
  const pruning = schedulePruning(jobs, { clock: ctx.clock, logger });
  stack.push('platform-prune', pruning.stop);
  return relay;
}
