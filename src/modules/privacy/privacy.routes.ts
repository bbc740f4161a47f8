import type { FastifyInstance } from 'fastify';
import { AuditReason, auditActOf } from '../../platform/http/audit-act.ts';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { empty, ok, problems, ref } from '../../platform/http/contract.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { PersonalDataExport } from './privacy.schemas.ts';
import type { PrivacyService } from './privacy.service.ts';

const REFUSALS = problems('ORDER_IN_FLIGHT', 'DRIVER_ON_JOB', 'ACCOUNT_NOT_ERASABLE');

/** A person's own export and erasure, and ops' for any account. */
export async function privacyRoutes(scope: FastifyInstance, service: PrivacyService) {
  const app = typed(scope);

  app.get(
    '/v1/me/export',
    {
      config: { auth: ['customer', 'driver', 'store', 'ops'] },
      schema: {
        tags: ['privacy'],
        summary: 'Everything lastmile holds about you, as one JSON document',
        response: { 200: ok(ref(PersonalDataExport), 'Your data'), ...problems('NOT_FOUND') },
      },
    },
    async (req) => service.export(callerOf(req).id),
  );

  app.delete(
    '/v1/me',
    {
      // Nothing to replay: a repeat finds the account closed (401).
      config: { auth: ['customer', 'driver', 'store'], idempotency: 'off' },
      schema: {
        tags: ['privacy'],
        summary:
          'Erase your account: personal data erased, orders and payments kept pseudonymised, tokens refused',
        response: {
          204: empty('Erased; this token no longer works'),
          ...REFUSALS,
          ...problems('NOT_FOUND'),
        },
      },
    },
    async (req, reply) => {
      await service.erase(callerOf(req).id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/ops/users/:id/export',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['privacy'],
        summary: "An account's data, as its owner would get it (subject access request)",
        description: 'Written to the audit log (`privacy.export`) with the reason.',
        params: Strict({ id: Uuid }),
        querystring: Strict({ reason: AuditReason }),
        response: { 200: ok(ref(PersonalDataExport), 'The data of the account') },
      },
    },
    async (req) => service.export(req.params.id, auditActOf(req, req.query.reason)),
  );

  app.delete(
    '/v1/ops/users/:id',
    {
      config: { auth: ['ops'], opsLevel: 'admin' },
      schema: {
        tags: ['privacy'],
        summary: 'Erase an account (customer, driver or store staff) on its owner’s request',
        description:
          'Written to the audit log (`privacy.erase`) with the reason, the role and the number of orders kept; nothing personal.',
        params: Strict({ id: Uuid }),
        body: Strict({ reason: AuditReason }),
        response: { 204: empty('Erased (also when it already was)'), ...REFUSALS },
      },
    },
    async (req, reply) => {
      await service.erase(req.params.id, auditActOf(req, req.body.reason));
      return reply.code(204).send();
    },
  );
}
