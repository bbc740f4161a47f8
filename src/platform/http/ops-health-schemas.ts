import { Type } from '@sinclair/typebox';
import { DateTime, Nullable } from '../contract/schemas.ts';
import { component, stringEnum } from './contract.ts';
import { Strict } from './typed.ts';

/** The shapes of ops' health routes (named components of the OpenAPI document). */

const Count = Type.Integer({ minimum: 0 });
const Ms = Type.Number({ minimum: 0 });

const Dependency = Strict({
  name: stringEnum(['postgres', 'redis', 'bus']),
  kind: Type.String({ description: '`postgres`, `redis`, `nats`, or `in-process`' }),
  ok: Type.Boolean(),
  latency_ms: Nullable(Ms),
  detail: Nullable(Type.String({ description: 'Why it did not answer' })),
});

const Queue = Strict({
  name: Type.String(),
  owner: Type.String({ description: '`platform` or the module' }),
  description: Type.String(),
  depth: Nullable(Count),
  capped: Type.Boolean({ description: 'More wait than `depth`: the count stopped there' }),
  oldest_at: Nullable(DateTime),
  error: Nullable(Type.String({ description: 'Why the queue could not be read' })),
});

const Backlog = Strict({
  consumer: Type.String(),
  stream: Nullable(Type.String()),
  pending: Count,
  in_flight: Count,
  redelivered: Count,
});

export const OpsHealth = component(
  'OpsHealth',
  Strict(
    {
      status: stringEnum(['ok', 'degraded']),
      instance: Type.String({ description: 'LASTMILE_INSTANCE_ID of the process that answered' }),
      process_id: Type.String({ description: 'Its liveness id, new at every start' }),
      roles: Type.Array(Type.String()),
      at: DateTime,
      modules: Type.Array(Strict({ name: Type.String(), state: Type.String() })),
      dependencies: Type.Array(Dependency),
      queues: Type.Array(Queue),
      consumers: Strict(
        {
          source: stringEnum(['nats', 'in-process']),
          items: Type.Array(Backlog, { description: 'Largest backlog first' }),
          error: Nullable(Type.String()),
        },
        "The bus's consumers and what each has yet to handle",
      ),
    },
    'The answering process, its dependencies, the queues in Postgres and the bus consumer backlogs',
  ),
);

const PerMinute = {
  requests: Type.Array(Count),
  errors_4xx: Type.Array(Count),
  errors_5xx: Type.Array(Count),
  p99_ms: Type.Array(Nullable(Ms), { description: 'Null for a minute without requests' }),
};
const Total = Strict({
  requests: Count,
  errors_4xx: Count,
  errors_5xx: Count,
  p99_ms: Nullable(Ms),
});

export const HealthSeries = component(
  'HealthSeries',
  Strict(
    {
      instance: Type.String({
        description: 'The process these numbers are of (each keeps its own)',
      }),
      process_id: Type.String(),
      from: DateTime,
      bucket_s: Type.Integer({ minimum: 1 }),
      minutes: Type.Integer({ minimum: 1, description: 'Entries in every per-minute list' }),
      all: Strict({ total: Total, ...PerMinute }),
      routes: Type.Array(
        Strict({ method: Type.String(), route: Type.String(), total: Total, ...PerMinute }),
        { description: 'Routes with requests in the window, most requested first' },
      ),
      rate_limited: Type.Array(
        Strict({
          policy: Type.String(),
          tier: Type.String(),
          rejections: Count,
          per_minute: Type.Array(Count),
        }),
        { description: 'Requests the gateway refused (429), by budget and tier' },
      ),
    },
    "This process's requests per route and minute, oldest minute first: counts, 4xx, 5xx and p99 latency (within 1 %)",
  ),
);

export const opsHealthSchemas = [OpsHealth, HealthSeries];
