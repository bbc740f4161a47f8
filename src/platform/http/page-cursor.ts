import { Type } from '@sinclair/typebox';
import { AppError } from '../errors.ts';

/**
 * Keyset cursors for `?cursor=&limit=` lists: the sort key of the last row of a page, written as
 * base64url JSON so clients treat it as opaque. A cursor this API did not issue is a 400 naming
 * the field, never a 500.
 */

/** The `cursor` query field of every list. */
export const CursorParam = Type.Optional(
  Type.String({
    minLength: 1,
    maxLength: 200,
    description: "The previous page's `next_cursor`; leave out for the first page",
  }),
);

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const refused = () =>
  new AppError('VALIDATION_FAILED', 'cursor is not one this API issued; start again without it', {
    details: { errors: [{ path: 'querystring.cursor', message: 'invalid cursor' }] },
  });

const encode = (key: unknown[]): string => Buffer.from(JSON.stringify(key)).toString('base64url');

function decode(cursor: string): unknown[] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v)) return v;
  } catch {
    // refused below
  }
  throw refused();
}

/** Rows ordered by a (time-ordered) UUID: the cursor is the last id. */
export const idCursor = {
  encode: (id: string) => encode([id]),
  decode(cursor: string): string {
    const [id, ...rest] = decode(cursor);
    if (typeof id !== 'string' || !UUID_RE.test(id) || rest.length > 0) throw refused();
    return id;
  },
};

/** Rows ordered by a timestamp, then their id: the cursor is both of the last row. */
export const timeIdCursor = {
  encode: (at: Date, id: string) => encode([at.toISOString(), id]),
  decode(cursor: string): { at: Date; id: string } {
    const [at, id, ...rest] = decode(cursor);
    const when = typeof at === 'string' ? new Date(at) : null;
    if (!when || Number.isNaN(when.getTime()) || typeof id !== 'string' || !UUID_RE.test(id))
      throw refused();
    if (rest.length > 0) throw refused();
    return { at: when, id };
  },
};

/** Rows ordered by a positive integer id (a bigserial): the cursor is the last id. */
export const intCursor = {
  encode: (id: number) => encode([id]),
  decode(cursor: string): number {
    const [id, ...rest] = decode(cursor);
    if (!Number.isSafeInteger(id) || (id as number) < 1 || rest.length > 0) throw refused();
    return id as number;
  },
};

/**
 * A page from rows read with `limit + 1`: the extra row only says that another page exists, so
 * `next_cursor` is null exactly on the last page.
 */
export function pageFrom<R, V>(
  rows: readonly R[],
  limit: number,
  view: (row: R) => V,
  cursorOf: (row: R) => string,
): { items: V[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(view),
    next_cursor: rows.length > limit && last !== undefined ? cursorOf(last) : null,
  };
}
