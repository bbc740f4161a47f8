import { startDeadLetterReplayer } from '../bus/dead-letters.ts';
import { reopenRecentOutbox } from '../bus/outbox.repository.ts';
import type { EventHandler } from '../bus/port.ts';
import { type OutboxRelay, startOutboxRelay } from '../bus/relay.ts';
import type { PlatformContext } from '../context.ts';
import type { Database } from '../db/pool.ts';
import { pruneIdempotencyKeys } from '../idempotency/idempotency.repository.ts';
import type { ModuleDefinition, Stoppable } from '../module.ts';
import { runPeriodically } from '../periodic.ts';
import type { StopStack } from './stop-stack.ts';

const PRUNE_KEYS_EVERY_MS = 3_600_000;

/**
 * The worker role: module consumers, the dead-letter replayer, the outbox relay and the hourly
 * prune of idempotency keys. Consumers subscribe before the relay starts, so the first events
 * find them listening.
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
  const sweeper = runPeriodically(
    'idempotency prune',
    PRUNE_KEYS_EVERY_MS,
    () => pruneIdempotencyKeys(database.db),
    logger,
  );
  stack.push('sweeper', sweeper.stop);
  return relay;
}
