import { Type } from '@sinclair/typebox';
import { ok } from './contract.ts';
import type { FastifyInstance } from 'fastify';
import type { SocketTickets } from '../auth/socket-tickets.ts';
import { optionalBody } from './audit-act.ts';
import { callerOf } from './auth-hook.ts';
import { Strict, typed } from './typed.ts';

/**
 * `POST /v1/realtime/tickets`: a single-use ticket for a browser's WebSocket (`?ticket=`), which
 * cannot send an Authorization header. Mounted after the modules, so it knows every socket's name.
 */
export async function ticketRoutes(
  scope: FastifyInstance,
  deps: { tickets: SocketTickets; sockets: readonly string[]; ttlS: number },
): Promise<void> {
  const app = typed(scope);
  const socketName = Type.Union(
    deps.sockets.map((name) => Type.Literal(name)),
    { description: 'The only socket the ticket opens; any of them when left out' },
  );
  app.post(
    '/v1/realtime/tickets',
    {
      // The answer is the secret: it is never stored for a replay (only its hash is kept).
      config: { auth: 'authenticated', idempotency: 'off' },
      // The body is optional: none asks for a ticket to any socket.
      preValidation: optionalBody,
      schema: {
        tags: ['realtime'],
        summary: 'A single-use ticket that opens one WebSocket for the caller (?ticket=)',
        description: `Valid ${deps.ttlS} s, once, for the caller who asked. Put it in the socket's URL: \`?ticket=…\`. It authenticates nothing but a WebSocket upgrade. The body may be left out.`,
        body: Strict({ socket: Type.Optional(socketName) }),
        response: {
          201: ok(
            Type.Object(
              {
                ticket: Type.String({ description: 'Opaque; shown once' }),
                expires_at: Type.String({ format: 'date-time' }),
              },
              { additionalProperties: false },
            ),
            'A ticket: open the socket with ?ticket= before it expires; it opens one socket once',
          ),
        },
      },
    },
    async (req, reply) => {
      const issued = await deps.tickets.issue(callerOf(req), req.body?.socket ?? null);
      reply.code(201).header('cache-control', 'no-store');
      return { ticket: issued.ticket, expires_at: issued.expiresAt.toISOString() };
    },
  );
}
