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
/** Only what `Date.toISOString` writes, with a four-digit year. */
const ISO_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const INT4_MAX = 2 ** 31 - 1;

/** What one part of a sort key may be. */
export type KeyPart = 'string' | 'number' | 'int' | 'uuid' | 'time';
type PartValue<P extends KeyPart> = P extends 'number' | 'int'
  ? number
  : P extends 'time'
    ? Date
    : string;
type KeyOf<S extends readonly KeyPart[]> = { [K in keyof S]: PartValue<S[K]> };

const fits: Record<KeyPart, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string' && !v.includes('\u0000'),
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  int: (v) => Number.isInteger(v) && Math.abs(v as number) <= INT4_MAX,
  uuid: (v) => typeof v === 'string' && UUID_RE.test(v),
  time: (v) => typeof v === 'string' && ISO_TIME_RE.test(v) && !Number.isNaN(Date.parse(v)),
};

const refused = () =>
  new AppError('VALIDATION_FAILED', 'cursor is not one this list issued; start again without it', {
    details: { errors: [{ path: 'querystring.cursor', message: 'invalid cursor' }] },
  });

/**
 * The cursor codec of one list: its name and the shape of its sort key. The name is written into
 * the cursor, so a cursor of another list is refused rather than read as this one's.
 */
export function keyCursor<const S extends readonly KeyPart[]>(list: string, shape: S) {
  return {
    encode(key: KeyOf<S>): string {
      const parts = (key as readonly unknown[]).map((v) =>
        v instanceof Date ? v.toISOString() : v,
      );
      return Buffer.from(JSON.stringify([list, ...parts])).toString('base64url');
    },
    decode(cursor: string): KeyOf<S> {
      let v: unknown;
      try {
        v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      } catch {
        throw refused();
      }
      if (
        !Array.isArray(v) ||
        v.length !== shape.length + 1 ||
        v[0] !== list ||
        !shape.every((part, i) => fits[part](v[i + 1]))
      )
        throw refused();
      return shape.map((part, i) => (part === 'time' ? new Date(v[i + 1]) : v[i + 1])) as KeyOf<S>;
    },
  };
}

/** Rows ordered by a (time-ordered) UUID: the cursor is the last id. */
export function idCursor(list: string) {
  const c = keyCursor(list, ['uuid']);
  return {
    encode: (id: string) => c.encode([id]),
    decode: (cursor: string) => c.decode(cursor)[0],
  };
}

/** Rows ordered by a timestamp, then their id: the cursor is both of the last row. */
export function timeIdCursor(list: string) {
  const c = keyCursor(list, ['time', 'uuid']);
  return {
    encode: (at: Date, id: string) => c.encode([at, id]),
    decode(cursor: string): { at: Date; id: string } {
      const [at, id] = c.decode(cursor);
      return { at, id };
    },
  };
}

/** Rows ordered by a positive integer id (a bigserial): the cursor is the last id. */
export function intCursor(list: string) {
  const c = keyCursor(list, ['number']);
  return {
    encode: (id: number) => c.encode([id]),
    decode(cursor: string): number {
      const [id] = c.decode(cursor);
      if (!Number.isSafeInteger(id) || id < 1) throw refused();
      return id;
    },
  };
}

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

/** The view of a page whose rows are already what the client gets. */
export const asIs = <T>(row: T): T => row;
