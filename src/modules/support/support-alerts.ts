import type { PlatformContext } from '../../platform/context.ts';
import type { Stoppable } from '../../platform/module.ts';
import { DispatchEventDefs } from '../dispatch/index.ts';
import type { SupportService } from './support.service.ts';

export const CONSUMER_ALERTS = 'support-alerts';

/**
 * Tickets lastmile raises for ops from other modules' events: a handover locked after wrong PINs.
 * The ticket's key names the occurrence, so a redelivered event opens no second one; the ticket's
 * own event tells ops (notifications) and starts its escalation timer.
 */
export async function startSupportAlerts(
  ctx: PlatformContext,
  support: SupportService,
): Promise<Stoppable> {
  const sub = await ctx.subscribe(
    CONSUMER_ALERTS,
    [DispatchEventDefs.DELIVERY_PIN_LOCKED],
    async (event) => {
      const p = event.payload;
      await support.raise({
        subject: 'Handover locked after wrong PINs',
        message: `Delivery ${p.delivery_id}: ${p.failures} wrong PINs at the door (driver ${p.driver_id ?? 'none'}). Call the customer and the driver; unlock it with POST /v1/deliveries/${p.delivery_id}/pin-unlock.`,
        order_id: p.order_id,
        key: `pin_locked:${p.delivery_id}:${p.locked_at}`,
      });
    },
  );
  return { stop: () => sub.close() };
}
