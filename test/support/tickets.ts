import type { TestPlatform } from './platform.ts';

/** A support ticket as `POST /v1/support/tickets` answers it. */
export interface TicketView {
  id: string;
  status: string;
  subject: string;
  order_id: string | null;
}

/** Opens a support ticket as the holder of `token`; throws unless it was opened (201). */
export async function openTicket(
  t: TestPlatform,
  token: string,
  ticket: { subject: string; message: string; order_id?: string },
): Promise<TicketView> {
  const res = await t.request({
    method: 'POST',
    url: '/v1/support/tickets',
    token,
    payload: ticket,
  });
  if (res.statusCode !== 201) throw new Error(`open ticket: ${res.statusCode} ${res.body}`);
  return res.json() as TicketView;
}
