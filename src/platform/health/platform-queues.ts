import type { Db } from '../db/pool.ts';
import { DBOS, WORKER_QUEUE, workflowsLaunched } from '../workflows/engine.ts';
import { openDeadLetters, unpublishedEvents } from './queue-depths.repository.ts';
import { depthOf, QUEUE_COUNT_CAP, type QueueProbe, WORKFLOW_COUNT_CAP } from './queues.ts';

async function workflowDepth(list: (limit: number) => Promise<{ createdAt: number }[]>) {
  const found = await list(WORKFLOW_COUNT_CAP + 1);
  const oldest = Math.min(...found.map((w) => w.createdAt));
  return depthOf(found.length, WORKFLOW_COUNT_CAP, found.length ? new Date(oldest) : null);
}

/** The platform's queues; the workflow engine's only in a process that launched it. */
export function platformQueues(db: Db): QueueProbe[] {
  const probes: QueueProbe[] = [
    {
      name: 'outbox_unpublished',
      owner: 'platform',
      description: 'Events committed and not yet on the bus (the relay publishes them)',
      depth: () => unpublishedEvents(db, QUEUE_COUNT_CAP),
    },
    {
      name: 'dead_letters_open',
      owner: 'platform',
      description: 'Events a consumer gave up on, neither replayed nor discarded',
      depth: () => openDeadLetters(db, QUEUE_COUNT_CAP),
    },
  ];
  if (!workflowsLaunched()) return probes;
  return [
    ...probes,
    {
      name: 'workflows_queued',
      owner: 'platform',
      description: 'Durable workflows on the worker queue, waiting or running',
      depth: () =>
        workflowDepth((limit) =>
          DBOS.listQueuedWorkflows({
            queueName: WORKER_QUEUE,
            status: ['ENQUEUED', 'PENDING'],
            limit,
            loadInput: false,
          }),
        ),
    },
    {
      name: 'workflows_failed',
      owner: 'platform',
      description: 'Durable workflows that failed or ran out of recovery attempts',
      depth: () =>
        workflowDepth((limit) =>
          DBOS.listWorkflows({
            status: ['ERROR', 'MAX_RECOVERY_ATTEMPTS_EXCEEDED'],
            limit,
            loadInput: false,
            loadOutput: false,
          }),
        ),
    },
  ];
}
