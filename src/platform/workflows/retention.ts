import { DBOS } from './engine.ts';

/**
 * Deletes at most `limit` workflows that succeeded or were canceled before `before`, with their
 * inputs, outputs and step records, through the engine's own API. A workflow that failed is kept
 * for an operator, like a dead letter. The retention outlives the bus's redelivery horizon: a
 * workflow id is also what makes a redelivered event start nothing new.
 */
export async function pruneFinishedWorkflows(before: Date, limit: number): Promise<number> {
  const done = await DBOS.listWorkflows({
    status: ['SUCCESS', 'CANCELLED'],
    completedBefore: before.toISOString(),
    limit,
    loadInput: false,
    loadOutput: false,
  });
  if (done.length === 0) return 0;
  await DBOS.deleteWorkflows(done.map((w) => w.workflowID));
  return done.length;
}
