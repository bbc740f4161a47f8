import type { TimelineEntry } from '../timeline/timeline.ts';
import { DBOS, workflowsLaunched } from './engine.ts';

/** Most steps read of one workflow (ours have a handful; a retried step is still one row). */
const MAX_STEPS = 100;

const ENDED = new Set(['SUCCESS', 'ERROR', 'CANCELLED', 'MAX_RECOVERY_ATTEMPTS_EXCEEDED']);

const errorText = (e: unknown): string | null =>
  e === null || e === undefined ? null : e instanceof Error ? e.message : String(e);

/**
 * These workflows and their steps as timeline entries (source `workflows`): when each started,
 * every step it recorded with its output or error, and how it ended. Read through the engine's
 * own API, which parses what it stored (its tables hold serialized values in its own format and
 * change with its versions); a workflow id that never ran is left out. Without the engine (a
 * platform started without workflows) there is nothing to read.
 */
export async function workflowTimeline(ids: readonly string[]): Promise<TimelineEntry[]> {
  if (!workflowsLaunched() || ids.length === 0) return [];
  const found = await DBOS.listWorkflows({
    workflowIDs: [...ids],
    loadInput: true,
    loadOutput: true,
  });
  const out: TimelineEntry[] = [];
  for (const w of found) {
    const base = { workflow_id: w.workflowID, name: w.workflowName };
    out.push({
      at: new Date(w.createdAt),
      source: 'workflows',
      kind: 'workflow.started',
      summary: `${w.workflowName} started${ENDED.has(w.status) ? '' : ` (${w.status.toLowerCase()})`}`,
      data: {
        ...base,
        status: w.status,
        input: w.input ?? null,
        executor: w.executorId ?? null,
        queue: w.queueName ?? null,
        recovery_attempts: w.recoveryAttempts ?? 0,
      },
    });
    const steps = (await DBOS.listWorkflowSteps(w.workflowID, { limit: MAX_STEPS })) ?? [];
    for (const s of steps) {
      const error = errorText(s.error);
      out.push({
        at: new Date(s.startedAtEpochMs ?? s.completedAtEpochMs ?? w.createdAt),
        source: 'workflows',
        kind: 'workflow.step',
        summary: `${w.workflowName} step ${s.name}${error ? ` failed: ${error}` : ''}`,
        data: {
          ...base,
          step: s.functionID,
          step_name: s.name,
          output: s.output ?? null,
          error,
          child_workflow_id: s.childWorkflowID,
          started_at: s.startedAtEpochMs ? new Date(s.startedAtEpochMs) : null,
          completed_at: s.completedAtEpochMs ? new Date(s.completedAtEpochMs) : null,
        },
      });
    }
    if (ENDED.has(w.status))
      out.push({
        at: new Date(w.completedAt ?? w.updatedAt ?? w.createdAt),
        source: 'workflows',
        kind: 'workflow.ended',
        summary: `${w.workflowName} ended: ${w.status.toLowerCase()}${w.status === 'SUCCESS' && typeof w.output === 'string' ? ` (${w.output})` : ''}`,
        data: { ...base, status: w.status, output: w.output ?? null, error: errorText(w.error) },
      });
  }
  return out;
}
