import { AppError } from '../../platform/errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The opaque cursor of the driver list: base64url of the last driver's id (the sort key). */
export const encodeDriverCursor = (id: string): string =>
  Buffer.from(JSON.stringify([id])).toString('base64url');

/** The id a cursor ends after; a cursor this API did not issue is a 400. */
export function decodeDriverCursor(cursor: string): string {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string' && UUID.test(v[0]))
      return v[0];
  } catch {
    // Not base64url JSON: refused below.
  }
  throw new AppError('VALIDATION_FAILED', 'cursor: not one this API issued; start without it', {
    details: { errors: [{ path: 'querystring.cursor', message: 'invalid cursor' }] },
  });
}
