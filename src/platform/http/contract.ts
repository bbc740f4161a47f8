import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { type ErrorCode, ErrorCodes } from '../errors.ts';

/**
 * The pieces every route's contract is built from: the one Problem schema, the response headers a
 * client can rely on, and helpers that turn "200 answers an Order, 404 and 409 can happen" into the
 * route's `schema.response`. The platform adds the answers every route shares (see
 * contract-defaults.ts), so a route declares only its own.
 */

const CODES = Object.keys(ErrorCodes) as ErrorCode[];

/** A closed set of strings, written as a JSON Schema `enum` (what code generators read best). */
export function stringEnum<T extends string>(values: readonly T[], description?: string) {
  return Type.Unsafe<T>({
    type: 'string',
    enum: [...values],
    ...(description ? { description } : {}),
  });
}

export const Problem = Type.Object(
  {
    type: Type.String({ description: 'urn:lastmile:problem:<code in lower case>' }),
    title: Type.String(),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    code: stringEnum(CODES, 'Stable machine-readable code; branch on this, never on `detail`'),
    detail: Type.String({ description: 'What was wrong, for a person' }),
    instance: Type.String({ description: 'The request path' }),
    requestId: Type.String({ description: 'Echoes X-Request-Id; quote it when reporting' }),
    errors: Type.Optional(
      Type.Array(Type.Object({ path: Type.String(), message: Type.String() }), {
        description: 'Each invalid field (VALIDATION_FAILED)',
      }),
    ),
  },
  {
    $id: 'Problem',
    additionalProperties: true,
    description:
      'RFC 9457 problem details (application/problem+json). Some codes add fields: PAYMENT_DECLINED carries `order_id` and `decline_reason`, OUT_OF_STOCK the short lines.',
    examples: [
      {
        type: 'urn:lastmile:problem:not_found',
        title: 'Not found',
        status: 404,
        code: 'NOT_FOUND',
        detail: 'No order 0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a10',
        instance: '/v1/orders/0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a10',
        requestId: '0190f0c2-6a2f-7000-8000-000000000001',
      },
    ],
  },
);
export type ProblemBody = Static<typeof Problem>;

/** Response headers, named once so every route documents them the same way. */
export const Headers = {
  requestId: Type.String({ description: 'The request id (yours if you sent a valid one)' }),
  retryAfter: Type.Integer({ minimum: 1, description: 'Seconds to wait before retrying' }),
  idempotentReplayed: Type.Literal('true', {
    description: 'Present when this is the stored answer to an earlier request with the same key',
  }),
  rateLimitLimit: Type.Integer({ description: 'Requests allowed in the current window' }),
  rateLimitRemaining: Type.Integer({ description: 'Requests left in the current window' }),
  rateLimitReset: Type.Integer({ description: 'Seconds until the window resets' }),
  rateLimitPolicy: Type.String({ description: 'The quota and its window, e.g. `100;w=60`' }),
  etag: Type.String({ description: 'Send it back in If-None-Match; 304 when unchanged' }),
  cacheControl: Type.String(),
  location: Type.String({ description: 'Where the created resource is read' }),
  deprecation: Type.String({ description: 'This operation is deprecated (RFC 9745)' }),
  sunset: Type.String({ description: 'When this operation will be removed (RFC 8594)' }),
} as const;

type HeaderMap = Record<string, TSchema>;

/** The headers of every problem answer; a 429 or 503 also says when to try again. */
export const ProblemHeaders: HeaderMap = { 'X-Request-Id': Headers.requestId };
export const RetryProblemHeaders: HeaderMap = {
  ...ProblemHeaders,
  'Retry-After': Headers.retryAfter,
};

/**
 * The shapes of the problem answers (their headers; the body is always a `Problem`), named once as
 * responses of the OpenAPI document (`components.responses`): an operation's problem answer of one
 * of these shapes refers to it and keeps its own description, the codes it may carry.
 */
export const NamedProblemResponses: Record<string, { description: string; headers: HeaderMap }> = {
  Problem: {
    description: 'A problem (RFC 9457): branch on its `code`',
    headers: ProblemHeaders,
  },
  RetryProblem: {
    description: 'A problem (RFC 9457) that passes: try again after `Retry-After` seconds',
    headers: RetryProblemHeaders,
  },
};

/** Extension on a response object: the problem codes this status can carry. */
export const CODES_KEY = 'x-problem-codes';

export interface ResponseSpec {
  description: string;
  headers?: HeaderMap;
  content?: Record<string, { schema: TSchema }>;
  [CODES_KEY]?: ErrorCode[];
  [key: string]: unknown;
}

/** A successful answer with a JSON body. */
export function ok(schema: TSchema, description: string, headers?: HeaderMap): ResponseSpec {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema } },
  };
}

/** A successful answer with no body (204, 304). */
export function empty(description: string, headers?: HeaderMap): ResponseSpec {
  return { description, ...(headers ? { headers } : {}) };
}

/** The error answers for these codes, grouped by status, each a Problem. */
export function problems(...codes: ErrorCode[]): Record<number, ResponseSpec> {
  const out: Record<number, ResponseSpec> = {};
  for (const code of codes) {
    const status = ErrorCodes[code].status;
    const known = out[status]?.[CODES_KEY] ?? [];
    out[status] = problemResponse([...known, code]);
  }
  return out;
}

export function problemResponse(codes: ErrorCode[], headers?: HeaderMap): ResponseSpec {
  const unique = [...new Set(codes)];
  return {
    description: unique.map((c) => `\`${c}\`: ${ErrorCodes[c].title}`).join('; '),
    ...(headers ? { headers } : {}),
    content: { 'application/problem+json': { schema: Type.Ref('Problem') } },
    [CODES_KEY]: unique,
  };
}

/** A named component: registered once (app.addSchema) and referenced by `$ref` from routes. */
export function component<T extends TSchema>(id: string, schema: T): T {
  return { ...schema, $id: id };
}

/** A reference to a named component, for use inside route schemas. */
export const ref = (schema: TSchema): TSchema => {
  if (!schema.$id) throw new Error('ref() needs a component with an $id');
  return Type.Unsafe({ $ref: schema.$id });
};

/**
 * Cursor pagination, the one convention for every list: `?cursor=&limit=`, answered with the page
 * and `next_cursor` (null on the last page).
 */
export const pageOf = (item: TSchema, description: string) =>
  Type.Object(
    {
      items: Type.Array(item),
      next_cursor: Type.Union([Type.String(), Type.Null()], {
        description: 'Pass as `cursor` for the next page; null on the last page',
      }),
    },
    { additionalProperties: false, description },
  );

/**
 * A state machine as text for the documents: each state and where it may go next, in the order
 * given, terminal states marked. Built from the code's own transition table so it cannot drift.
 */
export function stateMachineText<S extends string>(
  next: Readonly<Record<S, readonly S[]>>,
): string {
  const states = Object.keys(next) as S[];
  const width = Math.max(...states.map((s) => s.length));
  const lines = states.map((s) =>
    next[s].length === 0
      ? `${s.padEnd(width)}   (final)`
      : `${s.padEnd(width)} → ${next[s].join(' | ')}`,
  );
  return ['```text', ...lines, '```'].join('\n');
}
