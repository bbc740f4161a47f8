import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { AuditReason, auditActOf } from '../../platform/http/audit-act.ts';
import { empty, ok, problems, ref } from '../../platform/http/contract.ts';
import { Email, NewAccount, Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { ApiKey, Me, NewApiKey, Session } from './identity.schemas.ts';
import type { IdentityService } from './identity.service.ts';

export async function identityRoutes(
  scope: FastifyInstance,
  service: IdentityService,
): Promise<void> {
  accountRoutes(scope, service);
  apiKeyRoutes(scope, service);
}

/** Sign-in, sign-up and the signed-in user. */
function accountRoutes(scope: FastifyInstance, service: IdentityService): void {
  const app = typed(scope);

  app.post(
    '/v1/auth/token',
    {
      config: { auth: 'public', idempotency: 'off' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password and get a bearer token',
        body: Strict({
          email: Email,
          password: Type.String({ minLength: 1, maxLength: 200 }),
        }),
        response: { 200: ok(ref(Session), 'Signed in'), ...problems('UNAUTHENTICATED') },
      },
    },
    async (req) => service.issueToken(req.body.email, req.body.password),
  );

  app.post(
    '/v1/auth/signup',
    {
      // Not replayed by Idempotency-Key: the stored request hash would be a fast, unsalted hash
      // over the password and the stored answer a live bearer token, kept 24 h per client address.
      // A retry after a lost answer gets 409 and signs in with the same password instead.
      config: { auth: 'public', idempotency: 'off' },
      schema: {
        tags: ['auth'],
        summary: 'Create a customer account and get a bearer token (409 when the email is taken)',
        body: Strict({
          ...NewAccount,
        }),
        response: {
          201: ok(ref(Session), 'Account created and signed in'),
          ...problems('CONFLICT'),
        },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return service.signUp(req.body);
    },
  );

  app.get(
    '/v1/me',
    {
      config: { auth: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user',
        response: { 200: ok(ref(Me), 'The caller'), ...problems('NOT_FOUND') },
      },
    },
    async (req) => {
      const p = req.principal;
      if (!p) throw new AppError('UNAUTHENTICATED', 'Sign in first');
      if (p.kind === 'partner') return { id: p.id, role: p.role, kind: p.kind };
      return service.me(p.id);
    },
  );
}

/** Partner API keys, managed by ops. */
function apiKeyRoutes(scope: FastifyInstance, service: IdentityService): void {
  const app = typed(scope);

  app.post(
    '/v1/partners/api-keys',
    {
      config: { auth: ['ops'], opsLevel: 'admin' },
      schema: {
        tags: ['partners'],
        summary: 'Create a partner API key (shown once)',
        description:
          'Written to the audit log (`api_key.create`, the prefix, never the key) with the reason.',
        body: Strict({
          partner_name: Type.String({ minLength: 1, maxLength: 120 }),
          reason: AuditReason,
        }),
        response: { 201: ok(ref(NewApiKey), 'The key, shown this once') },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return service.createApiKey(req.body.partner_name, auditActOf(req, req.body.reason));
    },
  );

  app.get(
    '/v1/partners/api-keys',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['partners'],
        summary: 'List partner API keys (never the keys)',
        response: {
          200: ok(
            Type.Object({ items: Type.Array(ref(ApiKey)) }, { additionalProperties: false }),
            'Every key, revoked ones included',
          ),
        },
      },
    },
    async () => ({ items: await service.listApiKeys() }),
  );

  app.delete(
    '/v1/partners/api-keys/:id',
    {
      config: { auth: ['ops'], opsLevel: 'admin' },
      schema: {
        tags: ['partners'],
        summary: 'Revoke a partner API key',
        description: 'Written to the audit log (`api_key.revoke`) with the reason.',
        params: Strict({ id: Uuid }),
        body: Strict({ reason: AuditReason }),
        response: { 204: empty('Revoked') },
      },
    },
    async (req, reply) => {
      await service.revokeApiKey(req.params.id, auditActOf(req, req.body.reason));
      return reply.code(204).send();
    },
  );
}
