/**
 * The closed catalogue of error codes. Domain code throws `AppError` with one of these; the HTTP
 * error handler maps each to a status and writes application/problem+json (RFC 9457).
 */
export const ErrorCodes = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  MALFORMED_REQUEST: { status: 400, title: 'The request is not valid HTTP' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication is required' },
  FORBIDDEN: { status: 403, title: 'Not allowed for this caller' },
  OPS_ADMIN_REQUIRED: { status: 403, title: 'Only an ops admin may do this' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  NO_ADDRESS_NEAR: { status: 404, title: 'No known address near the point' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  CONFLICT: { status: 409, title: 'Conflicts with the current state' },
  TOO_FAR_FROM_STOP: { status: 409, title: 'The driver is too far from the stop for this step' },
  LOCATION_UNKNOWN: { status: 409, title: "The driver's recent position is not known" },
  PIN_LOCKED: { status: 423, title: 'The handover is locked after too many wrong PINs' },
  PROOF_REQUIRED: { status: 422, title: 'The handover needs another proof' },
  OUT_OF_STOCK: { status: 409, title: 'Not enough stock' },
  OVER_AUTHORIZED: {
    status: 422,
    title: 'The change would cost more than the payment authorized',
  },
  STORE_CLOSED: { status: 409, title: 'The store is not taking orders now' },
  OUTSIDE_DELIVERY_AREA: { status: 422, title: 'The store does not deliver to this address' },
  HOLD_LIMIT: { status: 409, title: 'More stock than one customer may hold' },
  ADDRESS_LIMIT: { status: 409, title: 'The account keeps as many addresses as it may' },
  ORDER_IN_FLIGHT: { status: 409, title: 'An order of this account has not ended yet' },
  DRIVER_ON_JOB: { status: 409, title: 'This driver has a delivery that has not ended yet' },
  ACCOUNT_NOT_ERASABLE: { status: 409, title: 'This kind of account cannot be erased' },
  PAYMENT_DECLINED: { status: 402, title: 'The payment was declined' },
  IDEMPOTENCY_IN_FLIGHT: {
    status: 409,
    title: 'A request with this Idempotency-Key is still being processed',
  },
  REQUEST_TIMEOUT: { status: 408, title: 'The request took too long to arrive' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Request body too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  UPGRADE_REQUIRED: { status: 426, title: 'This route is a WebSocket' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'Idempotency-Key reused with a different request' },
  UNPROCESSABLE: { status: 422, title: 'The request cannot be processed' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  HEADERS_TOO_LARGE: { status: 431, title: 'Request headers too large' },
  INTERNAL: { status: 500, title: 'Internal error' },
  DEPENDENCY_UNAVAILABLE: { status: 503, title: 'A dependency is unavailable' },
  OVERLOADED: { status: 503, title: 'Shedding load; retry later' },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export interface AppErrorOptions {
  details?: Record<string, unknown> | undefined;
  cause?: unknown;
  /** Seconds a client should wait before retrying (503 and 429). */
  retryAfterS?: number | undefined;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfterS: number | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
    this.retryAfterS = options.retryAfterS;
  }

  get status(): number {
    return ErrorCodes[this.code].status;
  }
}

export const isAppError = (err: unknown): err is AppError => err instanceof AppError;

/** SQLSTATE codes we branch on (never on message text). */
export const SqlState = {
  UNIQUE_VIOLATION: '23505',
  FOREIGN_KEY_VIOLATION: '23503',
  CHECK_VIOLATION: '23514',
  SERIALIZATION_FAILURE: '40001',
  /** Raised by inventory_reserve when a line lacks stock. */
  OUT_OF_STOCK: 'LM001',
  DEADLOCK_DETECTED: '40P01',
  /** statement_timeout ran out (or the statement was canceled). */
  QUERY_CANCELED: '57014',
  /** lock_timeout ran out. */
  LOCK_NOT_AVAILABLE: '55P03',
  ADMIN_SHUTDOWN: '57P01',
  CANNOT_CONNECT_NOW: '57P03',
} as const;

export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length === 5 ? code : undefined;
}

/** Postgres aborted the transaction because another one took the same rows (deadlock, serialization): a retry may pass. */
export function isConflictAbort(err: unknown): boolean {
  const state = sqlState(err);
  return state === SqlState.DEADLOCK_DETECTED || state === SqlState.SERIALIZATION_FAILURE;
}

/** Connection-level failures: the database is unreachable or restarting, so a retry may work. */
export function isConnectionError(err: unknown): boolean {
  const state = sqlState(err);
  if (
    state?.startsWith('08') ||
    state === SqlState.ADMIN_SHUTDOWN ||
    state === SqlState.CANNOT_CONNECT_NOW
  )
    return true;
  const code = (err as { code?: unknown } | null)?.code;
  return (
    code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT'
  );
}
