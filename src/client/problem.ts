import type { components } from './openapi-types.ts';

/** An error answer as the API documents it (RFC 9457 problem details with a stable `code`). */
export type Problem = components['schemas']['Problem'];
/** Every code the API may answer with; branch on these, never on `detail`. */
export type ProblemCode = Problem['code'];

const STANDARD = new Set([
  'type',
  'title',
  'status',
  'detail',
  'instance',
  'code',
  'requestId',
  'errors',
]);

/** A non-2xx answer whose body is not problem+json (a proxy's error page, say). */
export class LastmileHttpError extends Error {
  override name = 'LastmileHttpError';
  constructor(
    readonly status: number,
    /** The body as received: parsed JSON when it was JSON, else its text. */
    readonly body: unknown,
    readonly response: Response | undefined,
    message = `HTTP ${status}`,
  ) {
    super(message);
  }
}

/**
 * An `application/problem+json` answer as an error to throw: its status, stable `code`, `detail`,
 * the invalid fields of a `VALIDATION_FAILED`, and the route's own extra fields (`retry_after_s`,
 * a rate limit's `policy`…) in `extra`.
 */
export class LastmileProblem extends LastmileHttpError {
  override name = 'LastmileProblem';
  readonly code: ProblemCode;
  readonly detail: string;
  readonly title: string;
  readonly type: string;
  readonly instance: string;
  readonly requestId: string;
  readonly errors: NonNullable<Problem['errors']>;
  /** The fields the route added beyond the standard ones. */
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(problem: Problem, response?: Response) {
    super(
      problem.status,
      problem,
      response,
      `${problem.status} ${problem.code}: ${problem.detail}`,
    );
    this.code = problem.code;
    this.detail = problem.detail;
    this.title = problem.title;
    this.type = problem.type;
    this.instance = problem.instance;
    this.requestId = problem.requestId;
    this.errors = problem.errors ?? [];
    this.extra = Object.fromEntries(Object.entries(problem).filter(([k]) => !STANDARD.has(k)));
  }
}

/** Whether a parsed body is problem details with our stable code. */
export function isProblem(body: unknown): body is Problem {
  const b = body as Partial<Problem> | null;
  return (
    typeof b === 'object' &&
    b !== null &&
    typeof b.code === 'string' &&
    typeof b.status === 'number' &&
    typeof b.detail === 'string'
  );
}

/** The error a failed answer stands for: a LastmileProblem for problem+json, else the plain HTTP error. */
export function errorOf(body: unknown, response: Response): LastmileHttpError {
  const type = response.headers.get('content-type') ?? '';
  if (type.startsWith('application/problem+json') && isProblem(body))
    return new LastmileProblem(body, response);
  return new LastmileHttpError(response.status, body, response);
}
