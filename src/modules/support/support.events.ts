import { type Static, Type } from '@sinclair/typebox';
import { defineEvent } from '../../platform/bus/declared-event.ts';
import { Nullable, OneOf, Uuid } from '../../platform/contract/schemas.ts';

/** Event types the support module emits (payload version 1). */
export const SupportEvents = {
  TICKET_OPENED: 'support.ticket_opened',
  TICKET_ESCALATED: 'support.ticket_escalated',
  TICKET_RESOLVED: 'support.ticket_resolved',
} as const;

const TicketEventPayload = Type.Object({
  ticket_id: Uuid,
  opened_by: Uuid,
  opener_role: Type.String({
    description: 'The role of whoever opened it (customer, driver, store…)',
  }),
  subject: Type.String(),
  order_id: Nullable(Uuid),
  status: OneOf(['open', 'escalated', 'resolved']),
  version: Type.Integer({ minimum: 1, description: "The ticket row's version after this change" }),
});
export type TicketEventPayload = Static<typeof TicketEventPayload>;

const ticket = <T extends string>(type: T, description: string) =>
  defineEvent(type, TicketEventPayload, { description });

export const SupportEventDefs = {
  TICKET_OPENED: ticket(
    SupportEvents.TICKET_OPENED,
    'A customer, driver or store opened a ticket.',
  ),
  TICKET_ESCALATED: ticket(
    SupportEvents.TICKET_ESCALATED,
    'A ticket waited too long for an answer and went to ops.',
  ),
  TICKET_RESOLVED: ticket(SupportEvents.TICKET_RESOLVED, 'Ops answered and closed a ticket.'),
};

export const supportEvents = Object.values(SupportEventDefs);

export type TicketEventDefinition = (typeof supportEvents)[number];
