import { uuidv7 } from 'uuidv7';
import type { EventOf } from '../../platform/bus/declared-event.ts';
import { onceWithInbox } from '../../platform/bus/inbox.ts';
import type { PlatformContext } from '../../platform/context.ts';
import type { Stoppable } from '../../platform/module.ts';
import { DispatchEventDefs } from '../dispatch/index.ts';
import { IdentityEventDefs } from '../identity/index.ts';
import { SupportEvents, supportEvents } from '../support/index.ts';
import { type NewNotification, notificationsRepository } from './notifications.repository.ts';

export const CONSUMER_NOTIFICATIONS = 'notifications';

/** The events that tell someone something. */
export const NOTIFYING = [
  ...supportEvents,
  DispatchEventDefs.TRIP_ESCALATED,
  IdentityEventDefs.SIGN_IN_LOCKED,
];
export type NotifyingEvent = EventOf<(typeof NOTIFYING)[number]>;

/** What each event tells whom. Pure, so it is tested without a database. */
export function notificationsFor(event: NotifyingEvent): Omit<NewNotification, 'id'>[] {
  const base = { event_id: event.id, subject_id: event.aggregateId ?? null };
  switch (event.type) {
    case SupportEvents.TICKET_OPENED: {
      const p = event.payload;
      return [
        {
          ...base,
          recipient_user_id: null,
          recipient_role: 'ops',
          kind: 'ticket_opened',
          title: `New ticket: ${p.subject}`,
          body:
            p.opener_role === 'system'
              ? 'lastmile raised it: see its message.'
              : `A ${p.opener_role} opened a ticket.`,
        },
      ];
    }
    case SupportEvents.TICKET_ESCALATED: {
      const p = event.payload;
      return [
        {
          ...base,
          recipient_user_id: null,
          recipient_role: 'ops',
          kind: 'ticket_escalated',
          title: `Escalated: ${p.subject}`,
          body: 'This ticket has waited too long for an answer.',
        },
      ];
    }
    case SupportEvents.TICKET_RESOLVED: {
      const p = event.payload;
      return [
        {
          ...base,
          recipient_user_id: p.opened_by,
          recipient_role: null,
          kind: 'ticket_resolved',
          title: `Resolved: ${p.subject}`,
          body: 'Your ticket has been answered.',
        },
      ];
    }
    case IdentityEventDefs.SIGN_IN_LOCKED.type: {
      const p = event.payload;
      return [
        {
          ...base,
          recipient_user_id: p.user_id,
          recipient_role: null,
          kind: 'sign_in_locked',
          title: 'Sign-in paused after wrong passwords',
          body: `Someone entered a wrong password for your account ${p.failures} times; sign-in is paused until ${p.locked_until}. If it was not you, change your password.`,
        },
      ];
    }
    case DispatchEventDefs.TRIP_ESCALATED.type: {
      const p = event.payload;
      return [
        {
          ...base,
          recipient_user_id: null,
          recipient_role: 'ops',
          kind: 'trip_escalated',
          title: 'No driver for a trip',
          body: `${p.offers_made} offer(s) within ${Math.round(p.radius_m / 100) / 10} km found nobody; the trip waits in the dispatch queue.`,
        },
      ];
    }
  }
}

export async function startNotificationsWorker(ctx: PlatformContext): Promise<Stoppable> {
  const handle = onceWithInbox(
    ctx.db,
    CONSUMER_NOTIFICATIONS,
    async (trx, event: NotifyingEvent) => {
      const rows = notificationsFor(event).map((n) => ({ ...n, id: uuidv7() }));
      await notificationsRepository(trx).insert(rows);
    },
  );
  const sub = await ctx.subscribe(CONSUMER_NOTIFICATIONS, NOTIFYING, async (event, delivery) => {
    try {
      await handle(event, delivery);
      ctx.metrics.eventsHandled.inc({ consumer: CONSUMER_NOTIFICATIONS, outcome: 'ok' });
    } catch (err) {
      ctx.metrics.eventsHandled.inc({ consumer: CONSUMER_NOTIFICATIONS, outcome: 'error' });
      throw err;
    }
  });
  return { stop: () => sub.close() };
}
