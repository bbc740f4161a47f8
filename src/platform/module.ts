import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { EventDefinition } from './bus/declared-event.ts';
import type { PlatformContext } from './context.ts';
import type { SocketChannel } from './contract/socket-contract.ts';
import type { AccountCheck, ApiKeyResolver } from './http/auth-hook.ts';
import type { AttentionSource } from './attention/attention.ts';
import type { QueueProbe } from './health/queues.ts';
import type { SettingsGroup } from './settings/settings-group.ts';
import type { OrderTimelineSource } from './timeline/timeline.ts';

/** What a module's worker side started: consumers, timers. Stopped in reverse order at shutdown. */
export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * A module's declaration. The platform applies its migrations, registers its workflows in every
 * process (so any process can recover them), mounts its routes in the api role and starts its
 * consumers in the worker role.
 */
export interface ModuleDefinition {
  name: string;
  /** The event types this module publishes (the AsyncAPI document lists them). */
  events?: readonly EventDefinition[];
  /** The WebSocket routes this module serves, with their messages (for the AsyncAPI document). */
  sockets?: readonly SocketChannel[];
  /** Modules whose public API this one calls; they boot first. */
  dependsOn?: readonly string[];
  /** Folder of numbered SQL files. */
  migrationsDir?: string;
  /** Registers durable workflows and steps; runs before the workflow engine launches. */
  registerWorkflows?: (ctx: PlatformContext) => void;
  /**
   * Hooks in front of every route of every module (the gateway), added to the root app after
   * authentication and before any route is mounted (api role).
   */
  frontDoor?: (app: FastifyInstance, ctx: PlatformContext) => Promise<void>;
  /**
   * The module's named API schemas (each with an `$id`): registered once for the whole API, so a
   * route refers to them with `ref()` and the OpenAPI document lists them as components.
   */
  schemas?: readonly TSchema[];
  /** The module's tags in the OpenAPI document, with what a reader needs to know (state machines). */
  apiTags?: readonly { name: string; description: string }[];
  /** Fastify plugin with the module's routes (api role). */
  routes?: (app: FastifyInstance, ctx: PlatformContext) => Promise<void>;
  /** The one module that owns partner API keys provides how to resolve them. */
  apiKeyResolver?: (ctx: PlatformContext) => ApiKeyResolver;
  /** The one module that owns user accounts says whether a signed-in user's account still holds. */
  accountCheck?: (ctx: PlatformContext) => AccountCheck;
  /**
   * What this module recorded about an order, for the ops console's timeline of it: read from
   * the module's own tables (`platform/timeline/timeline.ts`). Any role; nothing starts.
   */
  orderTimeline?: (ctx: PlatformContext) => OrderTimelineSource;
  /**
   * What of this module's is late or stuck now, for the ops console's attention list
   * (`platform/attention/attention.ts`): one source per kind. Any role; nothing starts.
   */
  attention?: (ctx: PlatformContext) => readonly AttentionSource[];
  /**
   * This module's queues for the ops health screen (`platform/health/queues.ts`): how much waits
   * in its own tables (webhook deliveries due). Any role; nothing starts.
   */
  queues?: (ctx: PlatformContext) => readonly QueueProbe[];
  /**
   * The settings of this module ops may change while it runs (`platform/settings`): each group is
   * stored by the platform, served at `/v1/ops/settings/<id>` and read with
   * `settingsFor(ctx).value(group)`.
   */
  settings?: readonly SettingsGroup[];
  /** Starts consumers and background work (worker role). */
  startWorker?: (ctx: PlatformContext) => Promise<Stoppable>;
}

/** Orders modules so each comes after the ones it depends on; an unknown or cyclic dependency fails boot. */
export function orderModules(modules: readonly ModuleDefinition[]): ModuleDefinition[] {
  const byName = new Map(modules.map((m) => [m.name, m]));
  const out: ModuleDefinition[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (m: ModuleDefinition, path: string[]) => {
    const s = state.get(m.name);
    if (s === 'done') return;
    if (s === 'visiting')
      throw new Error(`module dependency cycle: ${[...path, m.name].join(' -> ')}`);
    state.set(m.name, 'visiting');
    for (const dep of m.dependsOn ?? []) {
      const d = byName.get(dep);
      if (!d) throw new Error(`module ${m.name} depends on unknown module ${dep}`);
      visit(d, [...path, m.name]);
    }
    state.set(m.name, 'done');
    out.push(m);
  };
  for (const m of modules) visit(m, []);
  return out;
}
