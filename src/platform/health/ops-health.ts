import { pingDatabase } from '../db/pool.ts';
import type { PlatformContext } from '../context.ts';
import { withDeadline } from '../deadline.ts';
import { platformQueues } from './platform-queues.ts';
import type { QueueProbe } from './queues.ts';

/** A dependency, a queue or the bus is given this long to answer; then it is reported as down. */
const DEADLINE_MS = 2_000;

export interface HealthSources {
  ctx: PlatformContext;
  /** Each module's state, as `/health` reports it. */
  moduleStates: () => Record<string, string>;
  /** The modules' queues (`ModuleDefinition.queues`), after the platform's own. */
  queues: readonly QueueProbe[];
  /** This process's liveness id (`live_processes`). */
  processId: string;
}

/** What `call` answered and how long it took, or a DeadlineError naming `what` after 2 s. */
async function timed<T>(what: string, call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await withDeadline(call(), DEADLINE_MS, what);
  return { value, ms: Math.round((performance.now() - started) * 100) / 100 };
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Pings one dependency: its latency, or why it did not answer. */
async function dependency(name: string, kind: string, ping: () => Promise<unknown>) {
  try {
    const { ms } = await timed(name, ping);
    return { name, kind, ok: true, latency_ms: ms, detail: null };
  } catch (err) {
    return { name, kind, ok: false, latency_ms: null, detail: messageOf(err) };
  }
}

function dependencies(ctx: PlatformContext) {
  return Promise.all([
    dependency('postgres', 'postgres', () => pingDatabase(ctx.db)),
    // Without REDIS_URL the key-value store lives in this process: it answers as long as it does.
    dependency('redis', ctx.redis ? 'redis' : 'in-process', () => ctx.kv.ping()),
    dependency('bus', ctx.bus.kind === 'nats' ? 'nats' : 'in-process', () => ctx.bus.ping()),
  ]);
}

async function queue(p: QueueProbe) {
  const base = { name: p.name, owner: p.owner, description: p.description };
  try {
    const { value } = await timed(`queue ${p.name}`, () => p.depth());
    return {
      ...base,
      depth: value.depth,
      capped: value.capped,
      oldest_at: value.oldestAt?.toISOString() ?? null,
      error: null,
    };
  } catch (err) {
    return { ...base, depth: null, capped: false, oldest_at: null, error: messageOf(err) };
  }
}

async function consumers(ctx: PlatformContext) {
  const source = ctx.bus.kind === 'nats' ? ('nats' as const) : ('in-process' as const);
  try {
    const { value } = await timed('the bus', () => ctx.bus.consumers());
    const items = value
      .map((c) => ({
        consumer: c.consumer,
        stream: c.stream,
        pending: c.pending,
        in_flight: c.inFlight,
        redelivered: c.redelivered,
      }))
      .sort((a, b) => b.pending - a.pending || a.consumer.localeCompare(b.consumer));
    return { source, items, error: null };
  } catch (err) {
    return { source, items: [], error: messageOf(err) };
  }
}

/**
 * What ops' health screen shows of this process and what it depends on: module states, each
 * dependency's ping, the queues' depths and the bus consumers' backlogs, read all at once.
 * `degraded` when a dependency does not answer, a module is not running or a queue cannot be read.
 */
export async function opsHealth(s: HealthSources) {
  const { ctx } = s;
  const [deps, queues, bus] = await Promise.all([
    dependencies(ctx),
    Promise.all([...platformQueues(ctx.db), ...s.queues].map(queue)),
    consumers(ctx),
  ]);
  const modules = Object.entries(s.moduleStates()).map(([name, state]) => ({ name, state }));
  const healthy =
    deps.every((d) => d.ok) &&
    modules.every((m) => m.state === 'running') &&
    queues.every((q) => q.error === null) &&
    bus.error === null;
  return {
    status: healthy ? ('ok' as const) : ('degraded' as const),
    instance: ctx.config.instanceId,
    process_id: s.processId,
    roles: [...ctx.config.roles],
    at: new Date(ctx.clock.now()).toISOString(),
    modules,
    dependencies: deps,
    queues,
    consumers: bus,
  };
}

export type OpsHealthView = Awaited<ReturnType<typeof opsHealth>>;
