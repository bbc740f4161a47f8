import type { AttentionItem, AttentionSource } from '../../platform/attention/attention.ts';
import type { AuditAct, AuditLog } from '../../platform/audit/audit-log.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { DBOS, WORKER_QUEUE, workflowsLaunched } from '../../platform/workflows/engine.ts';
import { orderAttentionRepository } from './order-attention.repository.ts';
import { WORKFLOW_AUTHORIZE, WORKFLOW_COMPENSATE, WORKFLOW_SETTLE } from './order-saga.ts';

/** The order saga's workflows: the only ones ops may retry. */
const SAGA = [WORKFLOW_AUTHORIZE, WORKFLOW_SETTLE, WORKFLOW_COMPENSATE];
/** Ended without finishing: the engine will not run them again by itself. */
const FAILED = ['ERROR', 'MAX_RECOVERY_ATTEMPTS_EXCEEDED', 'CANCELLED'] as const;
/** Not ended: stuck once past the threshold. */
const WAITING = ['PENDING', 'ENQUEUED'] as const;

const errorText = (e: unknown): string | null =>
  e === null || e === undefined ? null : e instanceof Error ? e.message : String(e);

/** `order:<id>:settle` → the order's id. */
const orderOf = (workflowId: string): string | null =>
  /^order:([0-9a-f-]{36})(:|$)/.exec(workflowId)?.[1] ?? null;

interface WorkflowRow {
  workflowID: string;
  workflowName: string;
  status: string;
  createdAt: number;
  updatedAt?: number;
  error?: unknown;
  recoveryAttempts?: number;
}

/** When a saga workflow counts as stuck, or null when it does not (yet). */
function stuckSince(w: WorkflowRow, now: number, thresholdS: number): number | null {
  if ((FAILED as readonly string[]).includes(w.status)) return w.updatedAt ?? w.createdAt;
  const due = (w.updatedAt ?? w.createdAt) + thresholdS * 1000;
  return due <= now ? due : null;
}

/** The step that failed: the first recorded with an error (a rewind re-runs from there). */
async function failedStep(
  id: string,
): Promise<{ step: number; name: string; error: string } | null> {
  const steps = (await DBOS.listWorkflowSteps(id, { limit: 100 })) ?? [];
  const s = steps.find((x) => x.error !== null);
  return s ? { step: s.functionID, name: s.name, error: errorText(s.error) ?? '' } : null;
}

export interface WorkflowOpsDeps {
  db: Db;
  audit: AuditLog;
  stuckS: number;
}

/** `workflow_stuck`: saga workflows that failed, or have been pending past the threshold. */
function stuckWorkflows(deps: WorkflowOpsDeps): AttentionSource {
  return {
    kind: 'workflow_stuck',
    async items(q) {
      if (!workflowsLaunched()) return [];
      const now = q.now.getTime();
      const failed = await DBOS.listWorkflows({
        workflowName: SAGA,
        status: [...FAILED],
        loadInput: false,
        limit: 1000,
      });
      const waiting = await DBOS.listWorkflows({
        workflowName: SAGA,
        status: [...WAITING],
        loadInput: false,
        endTime: new Date(now - deps.stuckS * 1000).toISOString(),
        limit: 1000,
      });
      const stuck = [...failed, ...waiting].flatMap((w) => {
        const since = stuckSince(w, now, deps.stuckS);
        const orderId = orderOf(w.workflowID);
        return since === null || !orderId ? [] : [{ w, since, orderId }];
      });
      const orders = await orderAttentionRepository(deps.db).states(stuck.map((s) => s.orderId));
      const items: AttentionItem[] = [];
      for (const { w, since, orderId } of stuck.sort((a, b) => a.since - b.since)) {
        const storeId = orders.get(orderId)?.store_id;
        if (!storeId || (q.storeId && storeId !== q.storeId)) continue;
        const step = w.status === 'ERROR' ? await failedStep(w.workflowID) : null;
        items.push({
          kind: 'workflow_stuck',
          key: w.workflowID,
          order_id: orderId,
          store_id: storeId,
          since: new Date(since),
          summary: `${w.workflowName} ${w.status.toLowerCase()}${step ? ` at ${step.name}: ${step.error}` : ''}`,
          detail: {
            workflow_id: w.workflowID,
            name: w.workflowName,
            status: w.status,
            error: errorText(w.error),
            failed_step: step,
            recovery_attempts: w.recoveryAttempts ?? 0,
          },
          actions: ['retry_step'],
        });
        if (items.length > q.limit) break;
      }
      return items;
    },
  };
}

/**
 * Ops run a stuck saga workflow again through the engine: one that failed is rewound to the step
 * that failed (the steps before it keep their recorded results, so nothing done is done twice)
 * and one that gave up or was canceled is resumed; either is enqueued on the worker queue. Only
 * the order saga's workflows; 409 unless it failed, or has waited past the threshold.
 */
export async function retryWorkflow(deps: WorkflowOpsDeps, act: AuditAct, id: string, now: Date) {
  if (!workflowsLaunched()) throw new AppError('CONFLICT', 'The workflow engine is not running');
  const [w] = await DBOS.listWorkflows({ workflowIDs: [id] });
  if (!w || !SAGA.includes(w.workflowName) || !orderOf(id))
    throw new AppError('NOT_FOUND', `No order workflow ${id}`);
  if (stuckSince(w, now.getTime(), deps.stuckS) === null)
    throw new AppError('CONFLICT', `Workflow ${id} is ${w.status}; it is neither failed nor stuck`);
  const before = { status: w.status, recovery_attempts: w.recoveryAttempts ?? 0 };
  let from: number | null = null;
  if (w.status === 'ERROR') {
    from = (await failedStep(id))?.step ?? 0;
    await DBOS.rewindWorkflow(id, { startStep: from, queueName: WORKER_QUEUE });
  } else {
    if ((WAITING as readonly string[]).includes(w.status)) await DBOS.cancelWorkflow(id);
    await DBOS.resumeWorkflow(id, { queueName: WORKER_QUEUE });
  }
  const after = (await DBOS.getWorkflowStatus(id))?.status ?? 'ENQUEUED';
  const result = { workflow_id: id, order_id: orderOf(id), status: after, from_step: from };
  // The engine's change spans its own transactions: the row is written after it, once per key.
  await deps.audit.record(deps.db, act, {
    action: 'workflow.retry',
    target: { type: 'workflow', id },
    before,
    after: { status: after, from_step: from },
  });
  return result;
}

/** The order saga's contribution to the ops console's attention list. */
export const workflowAttention = (deps: WorkflowOpsDeps): AttentionSource[] => [
  stuckWorkflows(deps),
];
