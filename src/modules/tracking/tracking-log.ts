import type { Principal } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/pool.ts';
import type { MessageOf } from '../../platform/contract/socket-contract.ts';
import { messageOfRow, storedEntry } from '../../platform/realtime/log-table.ts';
import { trackingMessagesRepository, trackingRepository } from './tracking.repository.ts';
import type {
  EtaMessage,
  StatusMessage,
  SubstitutionMessage,
  TrackingMessage,
} from './tracking-socket.messages.ts';

export type { TrackingMessage } from './tracking-socket.messages.ts';

/** A log message before it is numbered. */
export type LogEntry =
  | Omit<MessageOf<typeof StatusMessage>, 'seq'>
  | Omit<MessageOf<typeof EtaMessage>, 'seq'>
  | Omit<MessageOf<typeof SubstitutionMessage>, 'seq'>;

/** Live topic of one order's tracking messages. */
/**
 * What a caller is shown of an order's log: its courier is not shown the store's substitutes (the
 * customer and the store settle those, and a courier never sees the order's lines or prices), so
 * the courier's `seq` numbers jump over them.
 */
export const shownTo = (by: Principal, m: TrackingMessage): boolean =>
  !(by.role === 'driver' && m.type === 'substitution');

export const trackingTopic = (orderId: string) => `tracking.${orderId}`;

/**
 * Appends a message to the order's log in the caller's transaction, which then holds the order's
 * row until it commits (see `nextSeq`).
 */
export async function appendMessage(
  trx: Db,
  orderId: string,
  entry: LogEntry,
  at: Date,
): Promise<TrackingMessage> {
  const seq = (await trackingRepository(trx).nextSeq(orderId)) ?? 0;
  await trackingMessagesRepository(trx).insert({
    order_id: orderId,
    seq,
    ...storedEntry(entry, at),
  });
  return { seq, ...entry };
}

/** The order's messages after the cursor, in order, at most `limit`. */
export async function messagesAfter(
  db: Db,
  orderId: string,
  after: number,
  limit: number,
): Promise<TrackingMessage[]> {
  const rows = await trackingMessagesRepository(db).after(orderId, after, limit);
  return rows.map(messageOfRow<TrackingMessage>);
}
