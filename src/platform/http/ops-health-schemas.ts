import { type TSchema, Type } from '@sinclair/typebox';
import { component, stringEnum } from './contract.ts';

/** The shapes of ops' health routes (named components of the OpenAPI document). */

const Time = Type.String({ format: 'date-time' });
const Count = Type.Integer({ minimum: 0 });
const Ms = Type.Number({ minimum: 0 });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Strict = { additionalProperties: false };

const Dependency = Type.Object(
  {
    name: stringEnum(['postgres', 'redis', 'bus']),
    kind: Type.String({ description: '`postgres`, `redis`, `nats`, or `in-process`' }),
    ok: Type.Boolean(),
    latency_ms: Nullable(Ms),
    detail: Nullable(Type.String({ description: 'Why it did not answer' })),
  },
  Strict,
);

const Queue = Type.Object(
  {
    name: Type.String(),
    owner: Type.String({ description: '`platform` or the module' }),
    description: Type.String(),
    depth: Nullable(Count),
    capped: Type.Boolean({ description: 'More wait than `depth`: the count stopped there' }),
    oldest_at: Nullable(Time),
    error: Nullable(Type.String({ description: 'Why the queue could not be read' })),
  },
  Strict,
);

const Backlog = Type.Object(
  {
    consumer: Type.String(),
    stream: Nullable(Type.String()),
    pending: Count,
    in_flight: Count,
    redelivered: Count,
  },
  Strict,
);

export const OpsHealth = component(
  'OpsHealth',
  Type.Object(
    {
      status: stringEnum(['ok', 'degraded']),
      instance: Type.String({ description: 'LASTMILE_INSTANCE_ID of the process that answered' }),
      process_id: Type.String({ description: 'Its liveness id, new at every start' }),
      roles: Type.Array(Type.String()),
      at: Time,
      modules: Type.Array(Type.Object({ name: Type.String(), state: Type.String() }, Strict)),
      dependencies: Type.Array(Dependency),
      queues: Type.Array(Queue),
      consumers: Type.Object(
        {
          source: stringEnum(['nats', 'in-process']),
          items: Type.Array(Backlog, { description: 'Largest backlog first' }),
          error: Nullable(Type.String()),
        },
        { ...Strict, description: "The bus's consumers and what each has yet to handle" },
      ),
    },
    {
      ...Strict,
      description:
        'The answering process, its dependencies, the queues in Postgres and the bus consumer backlogs',
    },
  ),
);

const PerMinute = {
  requests: Type.Array(Count),
  errors_4xx: Type.Array(Count),
  errors_5xx: Type.Array(Count),
  p99_ms: Type.Array(Nullable(Ms), { description: 'Null for a minute without requests' }),
};
const Total = Type.Object(
  { requests: Count, errors_4xx: Count, errors_5xx: Count, p99_ms: Nullable(Ms) },
  Strict,
);

export const HealthSeries = component(
  'HealthSeries',
  Type.Object(
    {
      instance: Type.String({
        description: 'The process these numbers are of (each keeps its own)',
      }),
      process_id: Type.String(),
      from: Time,
      bucket_s: Type.Integer({ minimum: 1 }),
      minutes: Type.Integer({ minimum: 1, description: 'Entries in every per-minute list' }),
      all: Type.Object({ total: Total, ...PerMinute }, Strict),
      routes: Type.Array(
        Type.Object(
          { method: Type.String(), route: Type.String(), total: Total, ...PerMinute },
          Strict,
        ),
        { description: 'Routes with requests in the window, most requested first' },
      ),
      rate_limited: Type.Array(
        Type.Object(
          {
            policy: Type.String(),
            tier: Type.String(),
            rejections: Count,
            per_minute: Type.Array(Count),
          },
          Strict,
        ),
        { description: 'Requests the gateway refused (429), by budget and tier' },
      ),
    },
    {
      ...Strict,
      description:
        "This process's requests per route and minute, oldest minute first: counts, 4xx, 5xx and p99 latency (within 1 %)",
    },
  ),
);

export const opsHealthSchemas = [OpsHealth, HealthSeries];
