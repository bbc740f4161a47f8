import { Type } from '@sinclair/typebox';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { ErrorCode } from '../errors.ts';
import {
  CODES_KEY,
  empty,
  Headers,
  Problem,
  ProblemHeaders,
  problemResponse,
  type ResponseSpec,
  RetryProblemHeaders,
} from './contract.ts';
import './fastify-types.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type Schema = Record<string, unknown> & {
  response?: Record<string, ResponseSpec>;
  querystring?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  hide?: boolean;
};

const methodsOf = (r: RouteOptions) => (Array.isArray(r.method) ? r.method : [r.method]);

/** `POST /v1/orders/:id/cancel` → `postOrdersByIdCancel`. */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .split('/')
    .filter((s) => s && s !== 'v1')
    .map((s) => (s.startsWith(':') ? `by-${s.slice(1)}` : s))
    .join('-')
    .split(/[-_.]/)
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w.charAt(0).toUpperCase() + w.slice(1))].join(
    '',
  );
}

/** A defaulted query field is optional to the client, whatever its static type says. */
function relaxDefaults(
  qs: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!qs || !Array.isArray(qs.required)) return qs;
  const props = (qs.properties ?? {}) as Record<string, { default?: unknown }>;
  const required = (qs.required as string[]).filter((k) => props[k]?.default === undefined);
  const { required: _all, ...rest } = qs;
  return required.length === 0 ? rest : { ...rest, required };
}

function addIdempotencyHeader(schema: Schema, required: boolean): void {
  const headers = (schema.headers ?? { type: 'object', properties: {} }) as {
    properties?: Record<string, unknown>;
    required?: string[];
  };
  schema.headers = {
    ...headers,
    properties: {
      ...headers.properties,
      'idempotency-key': Type.String({
        minLength: 1,
        maxLength: 255,
        pattern: '^[\\x21-\\x7e]+$',
        description:
          'Makes the request safe to retry: the first answer (2xx or 4xx) is stored for 24 h and replayed with `Idempotent-Replayed: true`. Reusing a key with another body → 422.',
      }),
    },
    ...(required ? { required: [...(headers.required ?? []), 'idempotency-key'] } : {}),
  };
}

/** The answers every route shares, by status. */
function sharedProblems(route: RouteOptions, schema: Schema): Record<number, ErrorCode[]> {
  const auth = route.config?.auth;
  const mutating = methodsOf(route).some((m) => MUTATING.has(m));
  const idempotent = mutating && (route.config?.idempotency ?? 'optional') !== 'off';
  const out: Record<number, ErrorCode[]> = {
    400: ['VALIDATION_FAILED'],
    429: ['RATE_LIMITED'],
    500: ['INTERNAL'],
    503: ['DEPENDENCY_UNAVAILABLE', 'OVERLOADED'],
  };
  if (auth && auth !== 'public') {
    out[401] = ['UNAUTHENTICATED'];
    out[403] = route.config?.opsLevel ? ['FORBIDDEN', 'OPS_ADMIN_REQUIRED'] : ['FORBIDDEN'];
  }
  if (schema.params) out[404] = ['NOT_FOUND'];
  if (route.websocket) out[426] = ['UPGRADE_REQUIRED'];
  // Fastify reads a body on any mutating method, declared or not, so an oversized or unknown
  // media type is refused on a body-less POST or DELETE too.
  if (schema.body || mutating) {
    out[413] = ['PAYLOAD_TOO_LARGE'];
    out[415] = ['UNSUPPORTED_MEDIA_TYPE'];
  }
  if (idempotent) {
    out[409] = ['IDEMPOTENCY_IN_FLIGHT'];
    out[422] = ['IDEMPOTENCY_KEY_REUSED'];
  }
  return out;
}

/** Adds the shared headers to a declared answer without overwriting the route's own. */
function withHeaders(spec: ResponseSpec, headers: Record<string, unknown>): ResponseSpec {
  return { ...spec, headers: { ...headers, ...(spec.headers ?? {}) } } as ResponseSpec;
}

/**
 * Completes each route's declared contract before Fastify compiles it and the OpenAPI document
 * reads it: the shared error answers, the shared headers, `Idempotency-Key` on mutating routes, an
 * operationId, and defaulted query fields not required. Routes hidden from the document are left
 * alone.
 */
export function completeRouteContracts(app: FastifyInstance): void {
  app.addSchema(Problem);
  app.addHook('onSend', async (request, reply, payload) => {
    const deprecated = request.routeOptions.config?.deprecated;
    if (deprecated) {
      const sunset = new Date(deprecated.sunset);
      reply.header('deprecation', 'true');
      if (!Number.isNaN(sunset.getTime())) reply.header('sunset', sunset.toUTCString());
    }
    return payload;
  });
  app.addHook('onRoute', (route) => {
    const schema = route.schema as Schema | undefined;
    if (!schema || schema.hide) return;
    const method = methodsOf(route)[0] ?? 'GET';
    if (method === 'HEAD') return;
    const mutating = MUTATING.has(method);
    const mode = route.config?.idempotency ?? 'optional';
    if (mutating && mode !== 'off') addIdempotencyHeader(schema, mode === 'required');
    if (schema.querystring) schema.querystring = relaxDefaults(schema.querystring);
    schema.operationId ??= operationIdOf(method, route.url);
    const deprecated = route.config?.deprecated;
    if (deprecated) {
      schema.deprecated = true;
      const use = deprecated.use ? ` Use ${deprecated.use} instead.` : '';
      schema.description =
        `${String(schema.description ?? '')}\n\n**Deprecated**: removed on ${deprecated.sunset}.${use}`.trim();
    }
    const common = { 'X-Request-Id': Headers.requestId };
    const success = {
      ...common,
      'RateLimit-Limit': Headers.rateLimitLimit,
      'RateLimit-Remaining': Headers.rateLimitRemaining,
      'RateLimit-Reset': Headers.rateLimitReset,
      'RateLimit-Policy': Headers.rateLimitPolicy,
      ...(mutating && mode !== 'off' ? { 'Idempotent-Replayed': Headers.idempotentReplayed } : {}),
      ...(deprecated ? { Deprecation: Headers.deprecation, Sunset: Headers.sunset } : {}),
    };
    const response: Record<string, ResponseSpec> = route.websocket
      ? {
          101: empty(
            'Switching Protocols: the WebSocket is open (subprotocol lastmile.v1 when offered); its messages are in /asyncapi.json',
          ),
        }
      : {};
    for (const [status, spec] of Object.entries(schema.response ?? {}))
      response[status] = withHeaders(spec, Number(status) < 400 ? success : common);
    for (const [status, codes] of Object.entries(sharedProblems(route, schema))) {
      const own = response[status]?.[CODES_KEY] ?? [];
      const headers = status === '429' || status === '503' ? RetryProblemHeaders : ProblemHeaders;
      const shared = problemResponse([...own, ...codes], headers);
      const mine = response[status];
      // A route may answer this status with its own body too (e.g. /ready's 503): keep both.
      response[status] =
        mine && !mine[CODES_KEY]
          ? {
              ...shared,
              description: `${mine.description}; or a problem: ${shared.description}`,
              headers: { ...shared.headers, ...mine.headers },
              content: { ...mine.content, ...shared.content },
            }
          : shared;
    }
    schema.response = response;
  });
}
