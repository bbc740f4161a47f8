import { AppError } from '../../platform/errors.ts';

/** Where a page of the trip queue ends: its sort key (priority first, then age, then id). */
export interface QueuePosition {
  priority: number;
  created_at: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const INT4_MAX = 2 ** 31 - 1;

/** The opaque cursor of the queue: base64url of the last entry's sort key. */
export function encodeQueueCursor(p: QueuePosition): string {
  return Buffer.from(JSON.stringify([p.priority, p.created_at.toISOString(), p.id])).toString(
    'base64url',
  );
}

/** The position a cursor names; a cursor this API did not issue is a 400. */
export function decodeQueueCursor(cursor: string): QueuePosition {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 3) {
      const [priority, at, id] = v as unknown[];
      // Only what encodeQueueCursor writes: an int4 priority and a four-digit-year ISO time.
      const createdAt = typeof at === 'string' && ISO_TIME.test(at) ? new Date(at) : null;
      if (
        Number.isInteger(priority) &&
        Math.abs(priority as number) <= INT4_MAX &&
        createdAt !== null &&
        Number.isFinite(createdAt.getTime()) &&
        typeof id === 'string' &&
        UUID.test(id)
      )
        return { priority: priority as number, created_at: createdAt, id };
    }
  } catch {
    // Not base64url JSON: refused below.
  }
  throw new AppError('VALIDATION_FAILED', 'cursor: not one this API issued; start without it', {
    details: { errors: [{ path: 'querystring.cursor', message: 'invalid cursor' }] },
  });
}
