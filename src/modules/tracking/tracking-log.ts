import type { Db } from '../../platform/db/pool.ts';
import {
  type MessageKind,
  trackingMessagesRepository,
  trackingRepository,
} from './tracking.repository.ts';

/** A message as subscribers get it: its number and what happened. */
export interface TrackingMessage {
  seq: number;
  type: MessageKind;
  [key: string]: unknown;
}

/** Live topic of one order's tracking messages. */
export const trackingTopic = (orderId: string) => `tracking.${orderId}`;

/**
 * Appends a message to the order's log in the caller's transaction, which then holds the order's
 * row until it commits (see `nextSeq`).
 */
export async function appendMessage(
  trx: Db,
  orderId: string,
  kind: MessageKind,
  payload: Record<string, unknown>,
  at: Date,
): Promise<TrackingMessage> {
  const seq = (await trackingRepository(trx).nextSeq(orderId)) ?? 0;
  const message = { type: kind, ...payload };
  await trackingMessagesRepository(trx).insert({
    order_id: orderId,
    seq,
    kind,
    payload: JSON.stringify(message),
    at,
  });
  return { seq, ...message };
}

/** The order's messages after the cursor, in order, at most `limit`. */
export async function messagesAfter(
  db: Db,
  orderId: string,
  after: number,
  limit: number,
): Promise<TrackingMessage[]> {
  const rows = await trackingMessagesRepository(db).after(orderId, after, limit);
  return rows.map((r) => ({ seq: r.seq, ...r.payload }) as TrackingMessage);
}
