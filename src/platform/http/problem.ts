import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import {
  AppError,
  type ErrorCode,
  ErrorCodes,
  isAppError,
  isConflictAbort,
  isConnectionError,
  SqlState,
  sqlState,
} from '../errors.ts';

export const PROBLEM_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance: string;
  requestId: string;
  errors?: Array<{ path: string; message: string }>;
  [extra: string]: unknown;
}

const problemType = (code: ErrorCode) => `urn:lastmile:problem:${code.toLowerCase()}`;

/** Turns anything thrown by a route into an AppError without losing the original as `cause`. */
export function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  const fe = err as FastifyError;
  if (fe?.validation) {
    return new AppError('VALIDATION_FAILED', validationMessage(fe), {
      cause: err,
      details: {
        errors: fe.validation.map((v) => ({
          path: validationPath(v, fe.validationContext),
          message: v.message ?? 'invalid',
        })),
      },
    });
  }
  switch (fe?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(
        'PAYLOAD_TOO_LARGE',
        'The request body is larger than this route accepts',
        { cause: err },
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Unsupported Content-Type; send application/json`,
        { cause: err },
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError(
        'VALIDATION_FAILED',
        'The request body is empty but Content-Type is application/json',
        { cause: err },
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('VALIDATION_FAILED', 'Content-Length does not match the body', {
        cause: err,
      });
  }
  if (err instanceof SyntaxError || fe?.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new AppError('VALIDATION_FAILED', 'The request body is not valid JSON', { cause: err });
  }
  // A uniqueness race the code did not foresee is still the client's conflict, not our crash.
  if (sqlState(err) === SqlState.UNIQUE_VIOLATION) {
    return new AppError(
      'CONFLICT',
      'This conflicts with data that already exists; reload and retry',
      { cause: err },
    );
  }
  const state = sqlState(err);
  if (state === SqlState.QUERY_CANCELED || state === SqlState.LOCK_NOT_AVAILABLE) {
    return new AppError(
      'DEPENDENCY_UNAVAILABLE',
      'The database is too busy to answer in time; retry',
      {
        cause: err,
        retryAfterS: 2,
      },
    );
  }
  if (isConflictAbort(err)) {
    return new AppError('DEPENDENCY_UNAVAILABLE', 'Busy with a concurrent change; retry', {
      cause: err,
      retryAfterS: 1,
    });
  }
  if (isConnectionError(err)) {
    return new AppError('DEPENDENCY_UNAVAILABLE', 'The database is unavailable; retry shortly', {
      cause: err,
      retryAfterS: 2,
    });
  }
  const status = typeof fe?.statusCode === 'number' ? fe.statusCode : 500;
  if (status === 404) return new AppError('NOT_FOUND', fe.message || 'Not found', { cause: err });
  if (status === 405) return new AppError('METHOD_NOT_ALLOWED', fe.message, { cause: err });
  if (status === 413) return new AppError('PAYLOAD_TOO_LARGE', fe.message, { cause: err });
  if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE', fe.message, { cause: err });
  if (status >= 400 && status < 500)
    return new AppError('VALIDATION_FAILED', fe.message || 'Bad request', { cause: err });
  return new AppError('INTERNAL', 'An internal error occurred; it has been logged', { cause: err });
}

function validationPath(
  v: { instancePath?: string; params?: Record<string, unknown> },
  ctx?: string,
): string {
  const base = v.instancePath ? v.instancePath.replace(/^\//, '').replace(/\//g, '.') : '';
  const extra = v.params?.additionalProperty ?? v.params?.missingProperty;
  const field = [base, typeof extra === 'string' ? extra : ''].filter(Boolean).join('.');
  return `${ctx ?? 'body'}${field ? `.${field}` : ''}`;
}

function validationMessage(fe: FastifyError): string {
  const first = fe.validation?.[0];
  if (!first) return fe.message;
  const where = validationPath(first, fe.validationContext);
  if (first.keyword === 'additionalProperties') return `${where}: unknown field`;
  return `${where}: ${first.message ?? 'invalid'}`;
}

export function problemOf(err: AppError, request: FastifyRequest): Problem {
  const { errors, ...rest } = (err.details ?? {}) as { errors?: Problem['errors'] } & Record<
    string,
    unknown
  >;
  return {
    ...rest,
    type: problemType(err.code),
    title: ErrorCodes[err.code].title,
    status: err.status,
    code: err.code,
    detail: err.message,
    instance: request.url.split('?')[0] ?? request.url,
    requestId: String(request.id),
    ...(errors ? { errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, err: AppError): FastifyReply {
  if (err.retryAfterS !== undefined) reply.header('retry-after', String(err.retryAfterS));
  // RFC 9110 §11.6.1: a 401 names the scheme that would be accepted.
  if (err.status === 401) reply.header('www-authenticate', 'Bearer realm="lastmile"');
  return reply.code(err.status).type(PROBLEM_TYPE).send(problemOf(err, reply.request));
}

export function errorHandler(logger: Logger) {
  return (raw: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const err = toAppError(raw);
    if (err.status >= 500) {
      logger.error({ err: raw, reqId: request.id, url: request.url }, 'request failed');
    }
    return sendProblem(reply, err);
  };
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (headers too large, conflicting
 * framing, a timeout): answered as problem+json on the raw socket, then the connection is closed.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket) {
  if (!socket.writable) return socket.destroy();
  const code: ErrorCode =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? 'HEADERS_TOO_LARGE'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'REQUEST_TIMEOUT'
        : 'MALFORMED_REQUEST';
  const { status, title } = ErrorCodes[code];
  const body = JSON.stringify({
    type: problemType(code),
    title,
    status,
    code,
    detail:
      code === 'HEADERS_TOO_LARGE'
        ? 'The request headers are larger than the server accepts'
        : code === 'REQUEST_TIMEOUT'
          ? 'The request was not received in time'
          : `The request could not be parsed as HTTP (${err.code ?? 'parse error'})`,
    instance: '',
    requestId: '',
  });
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
