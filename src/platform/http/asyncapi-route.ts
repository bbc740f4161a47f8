import type { FastifyInstance } from 'fastify';
import { asyncApiDocument } from '../contract/asyncapi.ts';
import type { ModuleDefinition } from '../module.ts';
import './fastify-types.ts';

/** The AsyncAPI document of the modules' sockets and events at /asyncapi.json (public, not in OpenAPI). */
export function serveAsyncApi(app: FastifyInstance, modules: readonly ModuleDefinition[]): void {
  // Built once: it depends on the modules' declarations only.
  const doc = asyncApiDocument(modules);
  app.get(
    '/asyncapi.json',
    { config: { auth: 'public' }, schema: { hide: true } },
    async () => doc,
  );
}
