/** Event types the support module emits (payload version 1). */
export const SupportEvents = {
  TICKET_OPENED: 'support.ticket_opened',
  TICKET_ESCALATED: 'support.ticket_escalated',
  TICKET_RESOLVED: 'support.ticket_resolved',
} as const;

export interface TicketEventPayload {
  ticket_id: string;
  opened_by: string;
  opener_role: string;
  subject: string;
  order_id: string | null;
  status: 'open' | 'escalated' | 'resolved';
  version: number;
}
