/** One CSV record with the 1-based file line it starts on, or why it could not be read. */
export type CsvRecord = { line: number; fields: string[] } | { line: number; error: string };

/** Longest record kept in memory; a longer one is reported, not buffered (memory stays flat). */
export const MAX_RECORD_CHARS = 65_536;

type State = 'fieldStart' | 'unquoted' | 'quoted' | 'quoteInQuoted';

/**
 * An incremental RFC 4180 reader: feed it text in chunks of any size (a chunk may end inside a
 * field, a quote pair or a CRLF) and it returns the records completed so far. Line ends are CRLF,
 * LF or a lone CR; quoted fields may hold delimiters, doubled quotes and line breaks; blank lines
 * are skipped. A malformed record (stray quote, text after a closing quote, an unclosed quote at
 * the end, or one over MAX_RECORD_CHARS) becomes an error record, and reading resumes at the next
 * line end outside quotes, so one bad row never hides the rows after it.
 */
export class CsvRecordReader {
  private state: State = 'fieldStart';
  private fields: string[] = [];
  private field = '';
  private chars = 0;
  private error: string | null = null;
  private line = 1;
  private recordLine = 1;
  private inRecord = false;
  /** The previous chunk ended with CR: an LF at the start of this one belongs to it. */
  private afterCr = false;

  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    for (let i = 0; i < text.length; i++) {
      const c = text[i] as string;
      if (c === '\n' && this.afterCr) {
        this.afterCr = false;
        if (this.state === 'quoted') this.append(c);
        continue;
      }
      this.afterCr = c === '\r';
      this.step(c, out);
    }
    return out;
  }

  /** Call once at the end of the input: returns the last record if the text did not end with a line end. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (!this.inRecord) return out;
    if (this.state === 'quoted')
      this.fail('a quoted field is not closed before the end of the file');
    this.finishRecord(out);
    return out;
  }

  private step(c: string, out: CsvRecord[]): void {
    const newline = c === '\n' || c === '\r';
    if (!this.inRecord) {
      if (newline) {
        this.line++;
        return;
      }
      this.inRecord = true;
      this.recordLine = this.line;
    }
    switch (this.state) {
      case 'fieldStart':
        if (c === '"') this.state = 'quoted';
        else if (c === ',') this.finishField();
        else if (newline) this.finishRecord(out);
        else {
          this.state = 'unquoted';
          this.append(c);
        }
        return;
      case 'unquoted':
        if (c === ',') this.finishField();
        else if (newline) this.finishRecord(out);
        else {
          if (c === '"')
            this.fail(
              'a quote inside an unquoted field (quote the whole field and double the quotes inside)',
            );
          this.append(c);
        }
        return;
      case 'quoted':
        if (c === '"') this.state = 'quoteInQuoted';
        else {
          if (newline) this.line++;
          this.append(c);
        }
        return;
      case 'quoteInQuoted':
        if (c === '"') {
          this.state = 'quoted';
          this.append(c);
        } else if (c === ',') this.finishField();
        else if (newline) this.finishRecord(out);
        else {
          this.fail('unexpected text after a closing quote');
          this.state = 'unquoted';
          this.append(c);
        }
        return;
    }
  }

  private append(c: string): void {
    if (++this.chars > MAX_RECORD_CHARS)
      this.fail(`the row is longer than ${MAX_RECORD_CHARS} characters`);
    if (this.error === null) this.field += c;
  }

  private fail(message: string): void {
    if (this.error === null) this.error = message;
    // Nothing more of a bad record is needed; only its end has to be found.
    this.field = '';
    this.fields = [];
  }

  private finishField(): void {
    if (this.error === null) this.fields.push(this.field);
    this.field = '';
    this.state = 'fieldStart';
  }

  private finishRecord(out: CsvRecord[]): void {
    this.finishField();
    out.push(
      this.error === null
        ? { line: this.recordLine, fields: this.fields }
        : { line: this.recordLine, error: this.error },
    );
    this.fields = [];
    this.error = null;
    this.chars = 0;
    this.inRecord = false;
    this.line++;
  }
}
