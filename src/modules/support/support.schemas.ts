import { Type } from '@sinclair/typebox';
import { USER_ROLES } from '../../platform/auth/principal.ts';
import { component, pageOf, ref, stringEnum } from '../../platform/http/contract.ts';
import { transitionsDoc } from '../../platform/http/transitions-doc.ts';
import { DateTime, Uuid } from '../../platform/http/typed.ts';
import type { TicketStatus } from './support.repository.ts';

/** The support module's API shapes (named components of the OpenAPI document). */

const NullableTime = Type.Union([DateTime, Type.Null()]);

/** A ticket's moves: the guards of support.service.ts (resolve, escalateIfOpen). */
export const TICKET_NEXT: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  open: ['escalated', 'resolved'],
  escalated: ['resolved'],
  resolved: [],
};
const TICKET_STATUSES = Object.keys(TICKET_NEXT) as TicketStatus[];

export const TicketStatusField = stringEnum(
  TICKET_STATUSES,
  `Where the ticket is (escalated: nobody answered in time). Allowed moves: ${transitionsDoc(TICKET_NEXT)}`,
);

export const Ticket = component(
  'Ticket',
  Type.Object(
    {
      id: Uuid,
      status: TicketStatusField,
      subject: Type.String(),
      message: Type.String(),
      order_id: Type.Union([Uuid, Type.Null()], { description: 'The order it is about, if any' }),
      opened_by: Uuid,
      opener_role: stringEnum(
        [...USER_ROLES, 'system'],
        '`system`: raised by lastmile itself for ops (a handover locked by wrong PINs)',
      ),
      created_at: DateTime,
      escalated_at: NullableTime,
      resolved_at: NullableTime,
      resolution: Type.Union([Type.String(), Type.Null()]),
      version: Type.Integer({ minimum: 1, description: 'Goes up by one with every change' }),
    },
    {
      additionalProperties: false,
      description: 'A support ticket opened by a customer, a driver or a store',
      examples: [
        {
          id: '0190f0d1-0a1b-7c2d-8e3f-4a5b6c7d8e9f',
          status: 'open',
          subject: 'Missing item',
          message: 'The bread was not in the bag.',
          order_id: '0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a10',
          opened_by: '0190f0a1-2b3c-7d4e-9f50-6a7b8c9d0e12',
          opener_role: 'customer',
          created_at: '2026-12-06T18:45:10.000Z',
          escalated_at: null,
          resolved_at: null,
          resolution: null,
          version: 1,
        },
      ],
    },
  ),
);

export const TicketPage = pageOf(ref(Ticket), 'Tickets, in the order asked for');

export const supportSchemas = [Ticket];
