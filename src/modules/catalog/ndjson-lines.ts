import { MAX_RECORD_CHARS } from './csv-records.ts';

/** One non-blank NDJSON line with its 1-based line number, or why it was not kept. */
export type NdjsonLine = { line: number; text: string } | { line: number; error: string };

/**
 * Splits text fed in chunks into lines (LF or CRLF), skipping blank ones. A line longer than
 * MAX_RECORD_CHARS is reported and dropped up to its end instead of being buffered, so a file
 * without line breaks cannot grow memory.
 */
export class NdjsonLineReader {
  private partial = '';
  private line = 1;
  private tooLong = false;

  push(text: string): NdjsonLine[] {
    const out: NdjsonLine[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      this.emit(text.slice(start, nl), out);
      start = nl + 1;
    }
    this.keep(text.slice(start));
    return out;
  }

  end(): NdjsonLine[] {
    const out: NdjsonLine[] = [];
    if (this.partial.length > 0 || this.tooLong) this.emit('', out);
    return out;
  }

  private keep(rest: string): void {
    if (this.tooLong) return;
    this.partial += rest;
    if (this.partial.length > MAX_RECORD_CHARS) {
      this.tooLong = true;
      this.partial = '';
    }
  }

  private emit(tail: string, out: NdjsonLine[]): void {
    this.keep(tail);
    const text = this.partial.endsWith('\r') ? this.partial.slice(0, -1) : this.partial;
    if (this.tooLong)
      out.push({
        line: this.line,
        error: `the line is longer than ${MAX_RECORD_CHARS} characters`,
      });
    else if (text.trim().length > 0) out.push({ line: this.line, text });
    this.partial = '';
    this.tooLong = false;
    this.line++;
  }
}
