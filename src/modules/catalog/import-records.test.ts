import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { AppError } from '../../platform/errors.ts';
import { readImportRecords } from './import-records.ts';
import { STOCK_COLUMNS } from './import.schemas.ts';

const csv = (rows: number) =>
  `sku,on_hand\n${Array.from({ length: rows }, (_, i) => `S-${i},${i}`).join('\n')}\n`;

async function read(text: string, maxRows: number, format: 'csv' | 'ndjson' = 'csv') {
  const seen: number[] = [];
  try {
    for await (const r of readImportRecords(
      Readable.from([text]),
      format,
      STOCK_COLUMNS,
      1e6,
      maxRows,
    ))
      seen.push(r.line);
    return { seen, error: null };
  } catch (err) {
    return { seen, error: err as AppError };
  }
}

describe('import rows cap', () => {
  it('takes a file of exactly the cap', async () => {
    const { seen, error } = await read(csv(10), 10);
    expect(error).toBeNull();
    expect(seen).toHaveLength(10);
  });

  it('stops at the row past the cap with a 413 that says to split the file', async () => {
    const { seen, error } = await read(csv(11), 10);
    expect(seen).toHaveLength(10);
    expect(error?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error?.message).toContain('more than 10 data rows');
    const ndjson = Array.from({ length: 4 }, (_, i) =>
      JSON.stringify({ sku: `N-${i}`, on_hand: 1 }),
    );
    expect((await read(ndjson.join('\n'), 3, 'ndjson')).error?.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
