import type { FastifyInstance } from 'fastify';
import type { Adapters } from '../adapters.ts';
import type { Config } from '../config.ts';
import type { PlatformContext } from '../context.ts';
import { pingDatabase } from '../db/pool.ts';
import { createHttpApp } from '../http/app.ts';
import { startLiveness } from '../liveness.ts';
import type { ModuleDefinition } from '../module.ts';
import type { StopStack } from './stop-stack.ts';

/** The api role: the HTTP app with every module's routes, listening unless `listen` is false. */
export async function startApiRole(p: {
  config: Config;
  ctx: PlatformContext;
  modules: readonly ModuleDefinition[];
  adapters: Adapters;
  moduleStates: () => Record<string, string>;
  /** Start-up work still running: /ready waits for it. */
  holds: ReadonlySet<string>;
  /** The database is embedded: this process is the only one using it. */
  embedded: boolean;
  listen: boolean;
  stack: StopStack;
}): Promise<{ app: FastifyInstance; url: string | null }> {
  const { ctx, adapters } = p;
  const liveness = await startLiveness(ctx.db, p.config.instanceId, ctx.logger, {
    soleProcess: p.embedded,
  });
  p.stack.push('liveness', liveness.stop);
  const app = await createHttpApp({
    ctx,
    processId: liveness.id,
    modules: p.modules,
    resolveApiKey: resolverOf(p.modules, ctx),
    accountOpen: accountCheckOf(p.modules, ctx),
    moduleStates: p.moduleStates,
    readiness: async () => ({
      startup:
        p.holds.size === 0
          ? { ok: true }
          : { ok: false, detail: `waiting for ${[...p.holds].join(', ')}` },
      postgres: await check(() => pingDatabase(ctx.db)),
      bus: await check(() => adapters.bus.ping(), adapters.bus.kind),
      kv: await check(() => adapters.kv.ping(), adapters.kv.kind),
    }),
  });
  p.stack.push('http', () => app.close());
  const url = p.listen ? await app.listen({ port: p.config.port, host: p.config.host }) : null;
  return { app, url };
}

function resolverOf(modules: readonly ModuleDefinition[], ctx: PlatformContext) {
  const owners = modules.filter((m) => m.apiKeyResolver);
  if (owners.length > 1)
    throw new Error(
      `API keys resolved by several modules: ${owners.map((m) => m.name).join(', ')}`,
    );
  const make = owners[0]?.apiKeyResolver;
  return make ? make(ctx) : async () => null;
}

function accountCheckOf(modules: readonly ModuleDefinition[], ctx: PlatformContext) {
  const owners = modules.filter((m) => m.accountCheck);
  if (owners.length > 1)
    throw new Error(`accounts checked by several modules: ${owners.map((m) => m.name).join(', ')}`);
  const make = owners[0]?.accountCheck;
  return make ? make(ctx) : async () => true;
}

async function check(
  fn: () => Promise<unknown>,
  detail?: string,
): Promise<{ ok: boolean; detail?: string }> {
  try {
    await Promise.race([
      fn(),
      new Promise((_, rej) =>
        setTimeout(() => rej(new Error('timed out after 2 s')), 2000).unref(),
      ),
    ]);
    return detail ? { ok: true, detail } : { ok: true };
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
}
