import swagger from '@fastify/swagger';
import scalar from '@scalar/fastify-api-reference';
import type { FastifyInstance } from 'fastify';
import './fastify-types.ts';

/**
 * The OpenAPI document of every route registered after it; a route's `config.auth` becomes its
 * security requirement and the roles allowed.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'lastmile API',
        version: '0.1.0',
        description:
          'Local delivery platform: stores, stock, orders, payments, dispatch and live tracking. Errors are application/problem+json with a stable `code`. Mutating routes accept `Idempotency-Key`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        },
      },
    },
    transform: ({ schema, url, route }) => {
      const auth = route.config?.auth;
      const out = { ...(schema ?? {}) } as Record<string, unknown>;
      if (auth && auth !== 'public') {
        out.security = [{ bearer: [] }, { apiKey: [] }];
        if (Array.isArray(auth))
          out.description =
            `${(out.description as string) ?? ''}\n\nRoles: ${auth.join(', ')}`.trim();
      }
      return { schema: out as never, url };
    },
  });
}

/** The document at /openapi.json and a reference to read it at /docs. */
export async function serveOpenApi(app: FastifyInstance): Promise<void> {
  app.get('/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  await app.register(scalar, {
    routePrefix: '/docs',
    configuration: { url: '/openapi.json', title: 'lastmile API' },
  });
}
