import type { PlatformContext } from '../../platform/context.ts';
import type { Stoppable } from '../../platform/module.ts';
import { DBOS, startOptions } from '../../platform/workflows/engine.ts';
import { SupportEventDefs } from './support.events.ts';
import type { SupportService } from './support.service.ts';

export const STEP_ESCALATE = 'support.escalate_if_open';
export const WORKFLOW_ESCALATION = 'support.ticket_escalation';
export const CONSUMER_ESCALATION = 'support-escalation';

// DBOS keeps one registry per process; the functions are registered once and read the service
// of the platform currently running in this process.
let service: SupportService | null = null;
let escalation: ((ticketId: string, delayS: number) => Promise<boolean>) | null = null;

/**
 * A ticket nobody resolved within the escalation delay is escalated to ops. The wait is a durable
 * sleep: a worker killed mid-wait resumes it on restart with the time that was left, and the step
 * is a conditional update, so a step repeated after a crash escalates once.
 */
export function registerSupportWorkflows(support: SupportService): void {
  service = support;
  if (escalation) return;
  const escalateIfOpen = DBOS.registerStep(
    async (ticketId: string) => {
      if (!service) throw new Error('support service not started');
      return service.escalateIfOpen(ticketId);
    },
    {
      name: STEP_ESCALATE,
      retriesAllowed: true,
      maxAttempts: 10,
      intervalSeconds: 1,
      backoffRate: 2,
    },
  );
  escalation = DBOS.registerWorkflow(
    async (ticketId: string, delayS: number) => {
      await DBOS.sleep(delayS * 1000);
      return escalateIfOpen(ticketId);
    },
    { name: WORKFLOW_ESCALATION },
  );
}

export const escalationWorkflowId = (ticketId: string) => `${WORKFLOW_ESCALATION}:${ticketId}`;

/** Starts one escalation timer per opened ticket; the workflow id makes a redelivery a no-op. */
export async function startSupportWorker(ctx: PlatformContext): Promise<Stoppable> {
  const sub = await ctx.subscribe(
    CONSUMER_ESCALATION,
    [SupportEventDefs.TICKET_OPENED],
    async (event) => {
      const p = event.payload;
      if (!escalation) throw new Error('support workflows are not registered');
      await DBOS.startWorkflow(escalation, startOptions(escalationWorkflowId(p.ticket_id)))(
        p.ticket_id,
        ctx.config.ticketEscalationS,
      );
    },
  );
  return { stop: () => sub.close() };
}
