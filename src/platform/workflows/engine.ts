import { DBOS } from '@dbos-inc/dbos-sdk';
import type { Logger } from '../observability/logger.ts';

export { DBOS };

/** The queue background workflows run on; only worker processes dequeue from it. */
export const WORKER_QUEUE = 'lastmile_worker';

let executesHere = false;
let launched = false;

/** Whether this process runs the workflow engine (a platform may start without it: some tests, tools). */
export const workflowsLaunched = (): boolean => launched;

/**
 * Where a new workflow runs: in this process when it is a worker (no queue hop, lowest latency;
 * recovered by this instance after a crash), otherwise on the worker queue, which only worker
 * processes dequeue. The workflow id keeps either path to one execution.
 */
export function startOptions(workflowID: string): { workflowID: string; queueName?: string } {
  return executesHere ? { workflowID } : { workflowID, queueName: WORKER_QUEUE };
}

export interface WorkflowEngineOptions {
  databaseUrl: string;
  /** Stable per process: after a crash, the restarted process recovers the workflows it owned. */
  instanceId: string;
  /** Whether this process runs queued workflows (worker role) or only starts them (api role). */
  runQueuedWork: boolean;
  logger: Logger;
  applicationVersion: string;
}

const IDLE_TRANSACTION_TIMEOUT_MS = 60_000;

/**
 * Launches DBOS Transact on the same Postgres (system tables in schema `dbos`). Workflows and steps
 * must be registered before this. On launch DBOS resumes every workflow this instance left
 * pending, from its last completed step.
 */
/**
 * The engine bounds idle transactions on its connections; set in the connection's startup options,
 * Postgres applies it before the first query. (Otherwise the engine sends a SET as each connection
 * opens, racing the borrower's first query, which pg warns about at every start.)
 */
function withSessionTimeout(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const options = url.searchParams.get('options') ?? '';
  url.searchParams.set(
    'options',
    `${options} -c idle_in_transaction_session_timeout=${IDLE_TRANSACTION_TIMEOUT_MS}`.trim(),
  );
  return url.toString();
}

export async function launchWorkflowEngine(
  opts: WorkflowEngineOptions,
): Promise<{ stop(): Promise<void> }> {
  const log = opts.logger.child({ component: 'workflows' });
  DBOS.setConfig({
    name: 'lastmile',
    systemDatabaseUrl: withSessionTimeout(opts.databaseUrl),
    systemDatabaseSchemaName: 'dbos',
    systemDatabasePoolSize: 10,
    executorID: opts.instanceId,
    // A fixed version, not a hash of the code, so a restarted process recovers workflows started
    // by the previous build; workflow code keeps backward compatibility (or uses DBOS.patch).
    applicationVersion: opts.applicationVersion,
    listenQueues: opts.runQueuedWork ? undefined : [],
    logger: {
      info: (entry) => log.debug({ dbos: entry }),
      debug: (entry) => log.trace({ dbos: entry }),
      warn: (entry) => log.warn({ dbos: entry }),
      error: (entry) => log.error({ dbos: entry }),
    },
  });
  await DBOS.launch();
  launched = true;
  executesHere = opts.runQueuedWork;
  await DBOS.registerQueue(WORKER_QUEUE, { workerConcurrency: 20 }).catch((err: unknown) => {
    log.debug({ err }, 'worker queue already registered');
  });
  return {
    async stop() {
      launched = false;
      await DBOS.shutdown({ workflowCompletionTimeoutMS: 2000 });
    },
  };
}
