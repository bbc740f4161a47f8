import { LastmileHttpError, LastmileProblem, type ProblemCode } from '@lastmile/client';

/** An app's words for the API's problems (by code) and for failures without one. */
export type ProblemMessages = Partial<Record<ProblemCode, string>> & {
  /** No answer at all: offline, the server down. */
  network: string;
  /** An answer that is not a problem document. */
  unexpected: (status: number) => string;
};

/** What to tell a person about a failed call: the app's words for its code, else the API's detail. */
export function describeError(err: unknown, m: ProblemMessages): string {
  if (err instanceof LastmileProblem) return m[err.code] ?? err.detail;
  if (err instanceof LastmileHttpError) return m.unexpected(err.status);
  return m.network;
}

/** The problem's code when `err` is an API problem. */
export const codeOf = (err: unknown): ProblemCode | null =>
  err instanceof LastmileProblem ? err.code : null;
