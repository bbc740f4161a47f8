import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../platform/context.ts';
import { AuditReason, auditActOf } from '../../platform/http/audit-act.ts';
import { ok, problems } from '../../platform/http/contract.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { extendDeadline, type OrderAttentionDeps } from './order-attention.ts';
import { retryWorkflow, type WorkflowOpsDeps } from './workflow-ops.ts';

const Deadline = Type.Object(
  {
    status: Type.String({ description: 'The phase whose deadline was extended' }),
    version: Type.Integer(),
    deadline_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'When the deadline sweep ends the order if it is still in this phase',
    }),
  },
  { additionalProperties: false },
);

const WorkflowRetry = Type.Object(
  {
    workflow_id: Type.String(),
    order_id: Type.Union([Uuid, Type.Null()]),
    status: Type.String({
      description: 'The workflow’s status after the retry (ENQUEUED, PENDING…)',
    }),
    from_step: Type.Union([Type.Integer(), Type.Null()], {
      description: 'The step a failed workflow runs again from; null for a resumed one',
    }),
  },
  { additionalProperties: false },
);

/**
 * Ops' fixes of a late or stuck order (the ops console's attention list): extend the current
 * phase's deadline, run a failed or stuck saga workflow again. Each asks for a reason and is
 * audited; a repeat with its Idempotency-Key replays the answer.
 */
export function orderOpsRoutes(
  scope: FastifyInstance,
  deps: { attention: OrderAttentionDeps; workflows: WorkflowOpsDeps; clock: Clock },
): void {
  const app = typed(scope);
  app.post(
    '/v1/orders/:id/deadline',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['ops'],
        summary: "Extend the deadline of the order's current phase",
        description:
          'Gives the phase the order is in (waiting for the store to accept, preparing, waiting for a courier, on the way) more minutes, from its deadline or from now when that has passed: the deadline sweep does not end the order before then, and the attention list leaves it out until then. At most `LASTMILE_OPS_DEADLINE_EXTEND_MAX_MIN` minutes at a time; 409 for an order that is not paid or has ended. Audited `order.extend_deadline`.',
        params: Strict({ id: Uuid }),
        body: Strict({
          minutes: Type.Integer({ minimum: 1, maximum: 1440, description: 'Minutes to add' }),
          reason: AuditReason,
        }),
        response: { 200: ok(Deadline, 'The phase and its new deadline'), ...problems('CONFLICT') },
      },
    },
    async (req) =>
      extendDeadline(
        deps.attention,
        auditActOf(req, req.body.reason),
        req.params.id,
        req.body.minutes,
      ),
  );
  app.post(
    '/v1/ops/workflows/:id/retry',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['ops'],
        summary: 'Run a failed or stuck order workflow again',
        description:
          'Only the order saga’s workflows (`order:<id>:authorize`, `…:settle`, `…:compensate`). One that failed is rewound to its failed step (the steps before keep their recorded results); one pending past `LASTMILE_OPS_WORKFLOW_STUCK_S`, canceled or past its recovery attempts is resumed. Either runs on the worker queue. 409 when it is neither failed nor stuck (a repeat finds it running). Audited `workflow.retry`.',
        params: Strict({
          id: Type.String({
            minLength: 1,
            maxLength: 200,
            pattern: '^order:[0-9a-f-]{36}(:[a-z0-9:]+)?$',
          }),
        }),
        body: Strict({ reason: AuditReason }),
        response: { 200: ok(WorkflowRetry, 'The workflow, queued again'), ...problems('CONFLICT') },
      },
    },
    async (req) =>
      retryWorkflow(
        deps.workflows,
        auditActOf(req, req.body.reason),
        req.params.id,
        new Date(deps.clock.now()),
      ),
  );
}
