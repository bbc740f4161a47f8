import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';

/*
 * COPY for the catalog seed. The seed is an operator's bulk-load tool, so it owns these COPY
 * statements against the catalog's and the inventory's tables instead of going through their
 * services: a 50M-row load through per-row service calls (and an outbox event each) would take
 * hours. Everything it writes is what those services would have written, minus the events.
 */

/** Streams `chunks` into `COPY … FROM STDIN` and returns the number of rows the server took. */
export async function copyIn(
  client: pg.Client,
  statement: string,
  chunks: Iterable<Buffer | string>,
): Promise<number> {
  const stream = client.query(copyStreams.from(statement));
  await pipeline(Readable.from(chunks, { objectMode: false }), stream);
  return stream.rowCount;
}

/** One value in COPY's text format. */
export function textValue(v: string | number | boolean | null): string {
  if (v === null) return '\\N';
  if (typeof v !== 'string') return String(v);
  return v.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/** A Postgres text[] literal for COPY's text format (elements are plain identifiers here). */
export const textArray = (items: readonly string[]): string =>
  `{${items.map((s) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;

/** Rows in COPY text format, joined into chunks of roughly `chunkChars` characters. */
export function* textRows(
  rows: Iterable<ReadonlyArray<string | number | boolean | null>>,
  chunkChars = 256 * 1024,
): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += `${row.map(textValue).join('\t')}\n`;
    if (chunk.length >= chunkChars) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER = 19; // signature, flags int32, header extension length int32
const ROW = 2 + (4 + 16) + (4 + 16) + (4 + 4);

/**
 * One store's stock rows `(store_id, product_id, on_hand)` in COPY's binary format: 50 bytes a
 * row, no text parsing on the server. `productIds` holds 16 bytes per product, in serial order.
 */
export function stockCopyBuffer(
  storeId: Buffer,
  productIds: Buffer,
  onHand: (serial: number) => number,
): Buffer {
  const n = productIds.length / 16;
  const buf = Buffer.allocUnsafe(HEADER + n * ROW + 2);
  SIGNATURE.copy(buf, 0);
  buf.writeInt32BE(0, 11);
  buf.writeInt32BE(0, 15);
  let o = HEADER;
  for (let i = 0; i < n; i++) {
    buf.writeInt16BE(3, o);
    buf.writeInt32BE(16, o + 2);
    storeId.copy(buf, o + 6);
    buf.writeInt32BE(16, o + 22);
    productIds.copy(buf, o + 26, i * 16, i * 16 + 16);
    buf.writeInt32BE(4, o + 42);
    buf.writeInt32BE(onHand(i), o + 46);
    o += ROW;
  }
  buf.writeInt16BE(-1, o);
  return buf;
}

/** Splits a buffer into views of at most `size` bytes (no copying). */
export function* slices(buf: Buffer, size = 1 << 20): Generator<Buffer> {
  for (let o = 0; o < buf.length; o += size) yield buf.subarray(o, Math.min(buf.length, o + size));
}
