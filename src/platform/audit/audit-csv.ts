/**
 * CSV (RFC 4180) for the audit export, safe to open in a spreadsheet: a cell a spreadsheet would
 * read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed
 * with `'` (OWASP's advice on CSV injection), and a cell holding a comma, a quote or a line break
 * is quoted with its quotes doubled.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One cell: null and undefined are empty, objects their JSON. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text =
    typeof value === 'string'
      ? value
      : value instanceof Date
        ? value.toISOString()
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One line, ended by CRLF as RFC 4180 says. */
export const csvLine = (cells: readonly unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`;
