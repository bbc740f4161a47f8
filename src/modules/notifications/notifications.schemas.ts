import { Type } from '@sinclair/typebox';
import { component, pageOf, ref } from '../../platform/http/contract.ts';
import { Uuid } from '../../platform/http/typed.ts';

/** The notifications module's API shapes (named components of the OpenAPI document). */

export const Notification = component(
  'Notification',
  Type.Object(
    {
      id: Uuid,
      kind: Type.String({
        description:
          'What happened, e.g. `ticket_opened`, `ticket_escalated`, `ticket_resolved`, `trip_escalated`',
      }),
      title: Type.String(),
      body: Type.String(),
      subject_id: Type.Union([Type.String(), Type.Null()], {
        description: 'The id of what it is about (a ticket, a trip), by the kind',
      }),
      created_at: Type.String({ format: 'date-time' }),
      read: Type.Boolean(),
    },
    {
      additionalProperties: false,
      description: 'An in-app notification for a user or for everyone in a role',
      examples: [
        {
          id: '0190f0d1-0b2c-7d3e-8f4a-5b6c7d8e9fa0',
          kind: 'ticket_opened',
          title: 'New support ticket',
          body: 'Missing item',
          subject_id: '0190f0d1-0a1b-7c2d-8e3f-4a5b6c7d8e9f',
          created_at: '2026-12-06T18:45:10.120Z',
          read: false,
        },
      ],
    },
  ),
);

export const NotificationPage = pageOf(ref(Notification), 'Notifications, newest first');

export const notificationsSchemas = [Notification];
