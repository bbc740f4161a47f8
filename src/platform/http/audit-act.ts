import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AuditAct } from '../audit/audit-log.ts';
import { callerOf } from './auth-hook.ts';

/** The `reason` an audited ops action asks for (body or query). */
export const AuditReason = Type.String({
  minLength: 1,
  maxLength: 500,
  description: 'Why: kept with who and when in the audit log (`GET /v1/ops/audit`)',
});

/** The caller of an audited action, its reason and the request's id and Idempotency-Key. */
export const auditActOf = (request: FastifyRequest, reason: string): AuditAct => ({
  by: callerOf(request),
  reason,
  requestId: request.id,
  idempotencyKey: request.idempotencyKey,
});

/**
 * The audit act of a route both ops and others may call: ops' act (its `reason`, or the route's
 * own `fallback` when none was given), none for any other caller (they are not audited).
 */
export const opsActOf = (
  request: FastifyRequest,
  reason: string | undefined,
  fallback: string,
): AuditAct | undefined =>
  callerOf(request).role === 'ops' ? auditActOf(request, reason ?? fallback) : undefined;

/** A body that may be left out (a route whose only field is an optional `reason`). */
export const optionalBody = async (request: FastifyRequest): Promise<void> => {
  request.body ??= {};
};
