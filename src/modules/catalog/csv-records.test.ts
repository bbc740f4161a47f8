import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CsvRecord, CsvRecordReader, MAX_RECORD_CHARS } from './csv-records.ts';
import { NdjsonLineReader } from './ndjson-lines.ts';

function readAll(chunks: string[]): CsvRecord[] {
  const r = new CsvRecordReader();
  return [...chunks.flatMap((c) => r.push(c)), ...r.end()];
}

const quote = (f: string) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);

describe('CSV records', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks, numbering records by their first line', () => {
    const text = 'a,b\r\n"x, y","say ""hi"""\n\n"two\nlines",z\rlast,';
    expect(readAll([text])).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 4, fields: ['two\nlines', 'z'] },
      { line: 6, fields: ['last', ''] },
    ]);
  });

  it('reports a malformed record and carries on at the next line', () => {
    expect(readAll(['a,b"c\n"d"e,f\nok,1\n"open,2\nnever closed'])).toEqual([
      { line: 1, error: expect.stringContaining('quote inside an unquoted field') },
      { line: 2, error: 'unexpected text after a closing quote' },
      { line: 3, fields: ['ok', '1'] },
      { line: 4, error: 'a quoted field is not closed before the end of the file' },
    ]);
  });

  it('refuses an overlong record without buffering it and reads the next one', () => {
    const long = 'x'.repeat(MAX_RECORD_CHARS + 10);
    expect(readAll([`${long}\n`, 'a,b'])).toEqual([
      { line: 1, error: `the row is longer than ${MAX_RECORD_CHARS} characters` },
      { line: 2, fields: ['a', 'b'] },
    ]);
  });

  it('gives the same records however the text is split into chunks', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r', ' ', 'é') });
    const record = fc.array(field, { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 8 }),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.nat(), { maxLength: 6 }),
        (records, eol, cuts) => {
          // A lone empty field would be a blank line, which the reader skips; quote it to keep the record.
          const lines = records.map((r) =>
            r.length === 1 && r[0] === '' ? '""' : r.map(quote).join(','),
          );
          const text = lines.join(eol);
          const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...at].map((start, i) => text.slice(start, at[i] ?? text.length));
          let line = 1;
          const expected = records.map((fields, i) => {
            const rec = { line, fields };
            line += (lines[i] as string).split(/\r\n|\r|\n/).length;
            return rec;
          });
          expect(readAll(chunks)).toEqual(expected);
        },
      ),
    );
  });
});

describe('NDJSON lines', () => {
  it('splits across chunks, skips blank lines, strips CR and numbers lines', () => {
    const r = new NdjsonLineReader();
    const out = [...r.push('{"a":1}\r\n\n  \n{"b"'), ...r.push(':2}\n{"c":3}'), ...r.end()];
    expect(out).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 4, text: '{"b":2}' },
      { line: 5, text: '{"c":3}' },
    ]);
  });

  it('reports an overlong line without keeping it', () => {
    const r = new NdjsonLineReader();
    const out = [...r.push('x'.repeat(MAX_RECORD_CHARS)), ...r.push('yy\n{}'), ...r.end()];
    expect(out).toEqual([
      { line: 1, error: `the line is longer than ${MAX_RECORD_CHARS} characters` },
      { line: 2, text: '{}' },
    ]);
  });
});
