import { AppError } from '../../platform/errors.ts';

/**
 * Opaque page cursors: base64url of the list's name and the last item's sort key. A cursor of
 * another list, or one tampered with, is a 400 naming `querystring.cursor`.
 */
type Part = 'string' | 'number' | 'uuid';
type Decoded<S extends readonly Part[]> = {
  [K in keyof S]: S[K] extends 'number' ? number : string;
};

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const fits = (part: Part, v: unknown) =>
  part === 'number'
    ? typeof v === 'number' && Number.isFinite(v)
    : typeof v === 'string' && !v.includes('\u0000') && (part === 'string' || UUID_RE.test(v));

export function encodeCursor(list: string, key: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify([list, ...key])).toString('base64url');
}

export function decodeCursor<const S extends readonly Part[]>(
  cursor: string,
  list: string,
  shape: S,
): Decoded<S> {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    v = null;
  }
  if (
    Array.isArray(v) &&
    v.length === shape.length + 1 &&
    v[0] === list &&
    shape.every((part, i) => fits(part, v[i + 1]))
  )
    return v.slice(1) as Decoded<S>;
  throw new AppError(
    'VALIDATION_FAILED',
    'cursor is not one this list issued; start again without it',
    { details: { errors: [{ path: 'querystring.cursor', message: 'invalid cursor' }] } },
  );
}

/** Keeps the first `limit` items and the cursor after the last of them when more follow. */
export function pageFrom<T>(rows: readonly T[], limit: number, keyOf: (last: T) => string) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next_cursor: rows.length > limit && last ? keyOf(last) : null };
}
