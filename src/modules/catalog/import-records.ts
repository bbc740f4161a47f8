import type { Readable } from 'node:stream';
import { AppError } from '../../platform/errors.ts';
import { CsvRecordReader } from './csv-records.ts';
import type { ColumnSpec, ImportFormat } from './import.schemas.ts';
import { NdjsonLineReader } from './ndjson-lines.ts';

export interface RowProblem {
  message: string;
  field?: string;
}

/** One data row of an import file, as named values ready for the row schema, or why it is unreadable. */
export type ImportRecord =
  { line: number; values: Record<string, unknown> } | { line: number; problem: RowProblem };

const badFile = (message: string) =>
  new AppError('VALIDATION_FAILED', message, { details: { errors: [{ path: 'body', message }] } });

/**
 * Reads an import file from the request stream as it arrives: only the current chunk and the row
 * being assembled are held, and the caller's await between rows is the backpressure. A bad header,
 * a file without data rows, one over `maxBytes` or one with more than `maxRows` data rows throws
 * (400/413) when the reader gets there; a bad row is yielded as such.
 */
export async function* readImportRecords(
  body: Readable,
  format: ImportFormat,
  columns: ColumnSpec,
  maxBytes: number,
  maxRows: number,
): AsyncGenerator<ImportRecord> {
  const tooMany = () =>
    new AppError(
      'PAYLOAD_TOO_LARGE',
      `The file has more than ${maxRows} data rows; split it (rows up to there were applied)`,
    );
  const decoder = new TextDecoder('utf-8');
  const rows = format === 'csv' ? csvRows(columns) : ndjsonRows();
  let bytes = 0;
  let count = 0;
  // Leaving the loop early (an error) must not destroy the request: the error response still has to go out on it.
  for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<
    Buffer | string
  >) {
    bytes += chunk.length;
    if (bytes > maxBytes)
      throw new AppError('PAYLOAD_TOO_LARGE', `The file is larger than ${maxBytes} bytes`);
    for (const r of rows.push(
      typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }),
    )) {
      if (++count > maxRows) throw tooMany();
      yield r;
    }
  }
  for (const r of rows.end(decoder.decode())) {
    if (++count > maxRows) throw tooMany();
    yield r;
  }
  if (count === 0)
    throw badFile(
      format === 'csv' ? 'The file has a header but no data rows' : 'The file has no data rows',
    );
}

interface RowSource {
  push(text: string): ImportRecord[];
  end(rest: string): ImportRecord[];
}

function ndjsonRows(): RowSource {
  const lines = new NdjsonLineReader();
  const toRecord = (l: ReturnType<NdjsonLineReader['push']>[number]): ImportRecord => {
    if ('error' in l) return { line: l.line, problem: { message: l.error } };
    let value: unknown;
    try {
      value = JSON.parse(l.text);
    } catch (err) {
      return { line: l.line, problem: { message: `not valid JSON (${(err as Error).message})` } };
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      return { line: l.line, problem: { message: 'each line must be one JSON object' } };
    return { line: l.line, values: value as Record<string, unknown> };
  };
  return {
    push: (text) => lines.push(text).map(toRecord),
    end: (rest) => [...lines.push(rest), ...lines.end()].map(toRecord),
  };
}

function csvRows(spec: ColumnSpec): RowSource {
  const reader = new CsvRecordReader();
  let header: string[] | null = null;
  const convert = (fields: string[], line: number): ImportRecord => {
    const cols = header as string[];
    if (fields.length !== cols.length)
      return {
        line,
        problem: {
          message: `expected ${cols.length} fields as in the header, found ${fields.length}`,
        },
      };
    const values: Record<string, unknown> = {};
    cols.forEach((col, i) => {
      const cell = fields[i] as string;
      // An empty cell is an absent value: a required column reports it missing, an optional one takes its default.
      if (cell !== '') values[col] = csvValue(spec, col, cell);
    });
    return { line, values };
  };
  const take = (records: ReturnType<CsvRecordReader['push']>): ImportRecord[] => {
    const out: ImportRecord[] = [];
    for (const r of records) {
      if (header === null) {
        if ('error' in r)
          throw badFile(`The header row (line ${r.line}) cannot be read: ${r.error}`);
        header = checkHeader(r.fields, r.line, spec);
      } else
        out.push(
          'error' in r
            ? { line: r.line, problem: { message: r.error } }
            : convert(r.fields, r.line),
        );
    }
    return out;
  };
  return {
    push: (text) => take(reader.push(text)),
    end: (rest) => {
      const out = take([...reader.push(rest), ...reader.end()]);
      if (header === null)
        throw badFile(
          `The file is empty; the first line must be the header: ${spec.required.join(',')}`,
        );
      return out;
    },
  };
}

function checkHeader(fields: string[], line: number, spec: ColumnSpec): string[] {
  const names = fields.map((f) => f.trim().toLowerCase());
  const known = new Set([...spec.required, ...spec.optional]);
  const expected = `columns are ${spec.required.join(', ')} (required) and ${spec.optional.join(', ') || 'none'} (optional), in any order`;
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0)
    throw badFile(
      `Unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')} in the header (line ${line}); ${expected}`,
    );
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length > 0)
    throw badFile(`Column "${twice[0]}" appears twice in the header (line ${line})`);
  const missing = spec.required.filter((c) => !names.includes(c));
  if (missing.length > 0)
    throw badFile(
      `Missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} in the header (line ${line}); ${expected}`,
    );
  return names;
}

const BOOLEANS = new Map([
  ['true', true],
  ['false', false],
  ['yes', true],
  ['no', false],
  ['1', true],
  ['0', false],
]);

/** CSV text to the JSON type the row schema expects; text that does not convert is left for the schema to reject. */
function csvValue(spec: ColumnSpec, col: string, cell: string): unknown {
  if (spec.integers.includes(col) && /^[+-]?\d{1,15}$/.test(cell)) return Number(cell);
  if (spec.booleans.includes(col)) return BOOLEANS.get(cell.toLowerCase()) ?? cell;
  return cell;
}
