import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { principalScope } from '../auth/principal.ts';
import type { Db } from '../db/pool.ts';
import { AppError } from '../errors.ts';
import { idempotencyStore } from './idempotency-store.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_RE = /^[\x21-\x7e]{1,255}$/;

/** Canonical JSON (sorted keys) so the same body in another key order is the same request. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
    .join(',')}}`;
}

interface Claim {
  scope: string;
  key: string;
}
const claims = new WeakMap<FastifyRequest, Claim>();

function validKey(raw: string | string[]): string {
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!key || !KEY_RE.test(key))
    throw new AppError(
      'VALIDATION_FAILED',
      'Idempotency-Key must be 1-255 visible ASCII characters',
    );
  return key;
}

/**
 * Stripe-style Idempotency-Key on every mutating route. Runs after authentication and schema
 * validation, so a rejected request stores nothing. The first response (2xx or 4xx) is stored and
 * replayed for 24 h with `Idempotent-Replayed: true`; a 5xx frees the key for a retry.
 */
export function registerIdempotency(
  app: FastifyInstance,
  db: Db,
  logger: Logger,
  processId: string,
): void {
  app.decorateRequest('idempotencyKey', null);
  const store = idempotencyStore(db, processId);
  app.addHook('preHandler', async (request, reply) => {
    if (!MUTATING.has(request.method)) return;
    const mode = request.routeOptions.config?.idempotency ?? 'optional';
    if (mode === 'off') return;
    const raw = request.headers['idempotency-key'];
    if (raw === undefined) {
      if (mode === 'required')
        throw new AppError('VALIDATION_FAILED', 'This route requires an Idempotency-Key header');
      return;
    }
    const key = validKey(raw);
    const scope = request.principal ? principalScope(request.principal) : `ip:${request.ip}`;
    const path = request.routeOptions.url ?? request.url;
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.url}\n${canonical(request.body ?? null)}`)
      .digest('hex');
    const res = await store.begin({ scope, key, method: request.method, path, requestHash });
    switch (res.outcome) {
      case 'mismatch':
        throw new AppError(
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was used with a different request',
        );
      case 'in_flight':
        throw new AppError(
          'IDEMPOTENCY_IN_FLIGHT',
          'A request with this Idempotency-Key is still running; retry later',
          {
            retryAfterS: 1,
          },
        );
      case 'replay':
        reply.header('idempotent-replayed', 'true');
        if (res.response.contentType) reply.type(res.response.contentType);
        return reply.code(res.response.status).send(res.response.body);
      case 'proceed':
        claims.set(request, { scope, key });
        request.idempotencyKey = key;
    }
  });
  app.addHook('onSend', async (request, reply: FastifyReply, payload) => {
    const claim = claims.get(request);
    if (!claim) return payload;
    claims.delete(request);
    try {
      if (reply.statusCode >= 500) {
        await store.abandon(claim.scope, claim.key);
      } else {
        const body =
          typeof payload === 'string'
            ? payload
            : Buffer.isBuffer(payload)
              ? payload.toString('utf8')
              : '';
        const type = reply.getHeader('content-type');
        await store.complete(claim.scope, claim.key, {
          status: reply.statusCode,
          body,
          contentType: typeof type === 'string' ? type : null,
        });
      }
    } catch (err) {
      // The effect already happened; the in-flight row expires and a retry is then taken over.
      logger.error({ err, key: claim.key }, 'could not store the idempotent response');
    }
    return payload;
  });
}
