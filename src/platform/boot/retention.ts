import { socketTicketsRepository } from '../auth/socket-tickets.repository.ts';
import { pruneReplayedDeadLetters } from '../bus/dead-letters.repository.ts';
import { pruneInbox } from '../bus/inbox.repository.ts';
import { prunePublishedOutbox } from '../bus/outbox.repository.ts';
import type { RetentionSettings } from '../config.ts';
import type { Db } from '../db/pool.ts';
import { DAY_MS, HOUR_MS, type PruneJob } from '../db/prune.ts';
import { pruneIdempotencyKeys } from '../idempotency/idempotency.repository.ts';
import { pruneFinishedWorkflows } from '../workflows/retention.ts';

const before = (now: Date, ms: number) => new Date(now.getTime() - ms);

/**
 * The platform's own growing tables and how long they keep their rows (ARCHITECTURE.md, Data
 * retention). `live_processes` is not here: each API process removes the rows of processes gone
 * for an hour as it refreshes its own (db/live-processes.repository.ts).
 */
export function platformPruneJobs(
  db: Db,
  r: Pick<RetentionSettings, 'outboxHours' | 'inboxDays' | 'deadLetterDays' | 'workflowDays'>,
  opts: { workflows: boolean },
): PruneJob[] {
  const tickets = socketTicketsRepository(db);
  const workflows: PruneJob = {
    table: 'dbos.workflow_status',
    everyMs: HOUR_MS,
    deleteBatch: (now, limit) =>
      pruneFinishedWorkflows(before(now, r.workflowDays * DAY_MS), limit),
  };
  return [
    ...(opts.workflows ? [workflows] : []),
    {
      table: 'outbox',
      everyMs: HOUR_MS,
      deleteBatch: (now, limit) =>
        prunePublishedOutbox(db, before(now, r.outboxHours * HOUR_MS), limit),
    },
    {
      table: 'inbox',
      everyMs: HOUR_MS,
      deleteBatch: (now, limit) => pruneInbox(db, before(now, r.inboxDays * DAY_MS), limit),
    },
    {
      // A stored response is replayed until the key expires (24 h); after that it is only weight.
      table: 'idempotency_keys',
      everyMs: HOUR_MS,
      deleteBatch: (now, limit) => pruneIdempotencyKeys(db, now, limit),
    },
    {
      // Issuing a ticket also removes a few expired ones; this catches what a quiet hour leaves.
      table: 'socket_tickets',
      everyMs: HOUR_MS / 6,
      deleteBatch: (now, limit) => tickets.pruneExpired(now, limit),
    },
    {
      table: 'dead_letters',
      everyMs: HOUR_MS,
      deleteBatch: (now, limit) =>
        pruneReplayedDeadLetters(db, before(now, r.deadLetterDays * DAY_MS), limit),
    },
  ];
}
