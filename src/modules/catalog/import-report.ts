import type { ImportRecord, RowProblem } from './import-records.ts';
import { MAX_REPORTED_ERRORS } from './import.schemas.ts';

export interface RowError extends RowProblem {
  line: number;
}

export interface ImportReport {
  rows: number;
  applied: number;
  failed: number;
  errors: RowError[];
}

/**
 * Counts an import as it runs. Errors found when a batch is written arrive up to a batch later
 * than the rows checked meanwhile, so the kept list is trimmed by line, not by arrival: the
 * response holds the first errors of the file, and never more than twice the cap in memory.
 */
export function importTally() {
  const report: ImportReport = { rows: 0, applied: 0, failed: 0, errors: [] };
  const trim = () => {
    report.errors.sort((a, b) => a.line - b.line);
    report.errors.length = Math.min(report.errors.length, MAX_REPORTED_ERRORS);
  };
  return {
    row: () => void report.rows++,
    applied: (n = 1) => void (report.applied += n),
    fail(line: number, problem: RowProblem) {
      report.failed++;
      report.errors.push({
        line,
        message: problem.message,
        ...(problem.field ? { field: problem.field } : {}),
      });
      if (report.errors.length >= 2 * MAX_REPORTED_ERRORS) trim();
    },
    done(): ImportReport {
      trim();
      return report;
    },
  };
}
export type ImportTally = ReturnType<typeof importTally>;

/** Checks (and, as the HTTP layer does, coerces in place) one row's values; null when they are valid. */
export type RowCheck = (values: Record<string, unknown>) => RowProblem | null;

interface SchemaError {
  keyword: string;
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/**
 * A RowCheck from a compiled request-schema validator, so import rows meet exactly the
 * constraints (and coercions) of the JSON routes. In a union (`null` or a value) the branch
 * errors are noise; the one that names the real constraint is reported.
 */
export function rowCheckOf(
  validate: ((data: unknown) => boolean | PromiseLike<unknown>) & { errors?: SchemaError[] | null },
): RowCheck {
  return (values) => {
    if (validate(values) === true) return null;
    const errors = validate.errors ?? [];
    const first =
      errors.find(
        (e) => e.keyword !== 'anyOf' && !(e.keyword === 'type' && e.params?.type === 'null'),
      ) ?? errors[0];
    if (!first) return { message: 'invalid row' };
    const extra = first.params?.missingProperty ?? first.params?.additionalProperty;
    const field =
      (first.instancePath ?? '').replace(/^\//, '').split('/')[0] ||
      (typeof extra === 'string' ? extra : '');
    const what =
      first.keyword === 'required'
        ? 'is missing or empty'
        : first.keyword === 'additionalProperties'
          ? 'unknown field'
          : (first.message ?? 'invalid');
    return field ? { field, message: `${field}: ${what}` } : { message: what };
  };
}

/**
 * The rows of an import that read and check cleanly, counting every row and tallying each failure
 * with its line: what every importer does before its own checks and writes.
 */
export async function* checkedRows(
  records: AsyncIterable<ImportRecord>,
  check: RowCheck,
  tally: ImportTally,
): AsyncGenerator<{ line: number; values: Record<string, unknown> }> {
  for await (const r of records) {
    tally.row();
    const problem = 'problem' in r ? r.problem : check(r.values);
    if (problem) tally.fail(r.line, problem);
    else if ('values' in r) yield r;
  }
}
