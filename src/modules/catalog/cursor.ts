import { AppError } from '../../platform/errors.ts';

/** Opaque page cursor: base64url of the last row's sort key. A tampered cursor is a 400. */
export function encodeCursor(key: { name: string; id: string }): string {
  return Buffer.from(JSON.stringify([key.name, key.id])).toString('base64url');
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeCursor(cursor: string): { name: string; id: string } {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      typeof v[0] === 'string' &&
      typeof v[1] === 'string' &&
      UUID_RE.test(v[1])
    ) {
      return { name: v[0], id: v[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError(
    'VALIDATION_FAILED',
    'cursor is not one this API issued; start again without it',
    {
      details: { errors: [{ path: 'querystring.cursor', message: 'invalid cursor' }] },
    },
  );
}
