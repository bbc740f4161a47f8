import { auditFor } from '../../platform/audit/audit-log.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { perPlatform } from '../../platform/context.ts';
import { stateMachineText } from '../../platform/http/contract.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { trackingFor } from '../tracking/index.ts';
import { startSupportAlerts } from './support-alerts.ts';
import { supportTimeline } from './support-timeline.ts';
import { supportEvents } from './support.events.ts';
import { supportRoutes } from './support.routes.ts';
import { supportSchemas, TICKET_NEXT } from './support.schemas.ts';
import { type SupportService, supportService } from './support.service.ts';
import { registerSupportWorkflows, startSupportWorker } from './support.workflows.ts';

export {
  SupportEventDefs,
  SupportEvents,
  supportEvents,
  type TicketEventPayload,
} from './support.events.ts';

export { supportPersonalData } from './support-privacy.repository.ts';
export type { SupportService, TicketView } from './support.service.ts';

/** The support service of a running platform (built once per platform). */
export const supportFor = perPlatform((ctx): SupportService =>
  supportService(ctx.db, auditFor(ctx)),
);

/** Support tickets from customers, drivers and stores, escalated to ops when left unanswered. */
export const supportModule: ModuleDefinition = {
  name: 'support',
  events: supportEvents,
  // tracking: who may follow an order (customer, store, assigned driver, ops) is who may open a ticket about it.
  // dispatch: a handover locked by wrong PINs opens a ticket for ops.
  dependsOn: ['identity', 'tracking', 'dispatch'],
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  schemas: supportSchemas,
  apiTags: [
    {
      name: 'support',
      description: `Tickets about an order or anything else; one nobody answers in time is escalated to ops. A ticket moves only along these transitions:\n\n${stateMachineText(TICKET_NEXT)}`,
    },
  ],
  registerWorkflows: (ctx) => registerSupportWorkflows(supportFor(ctx)),
  // The tickets about the order and their escalation timers.
  orderTimeline: (ctx) => supportTimeline(ctx.db),
  routes: (app, ctx) =>
    supportRoutes(app, supportFor(ctx), async (by, orderId) => {
      await trackingFor(ctx).access(by, orderId);
    }),
  startWorker: async (ctx) => {
    const alerts = await startSupportAlerts(ctx, supportFor(ctx));
    const escalation = await startSupportWorker(ctx);
    return {
      stop: async () => {
        await escalation.stop();
        await alerts.stop();
      },
    };
  },
};
