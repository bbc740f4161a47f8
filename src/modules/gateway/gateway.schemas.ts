import { Type } from '@sinclair/typebox';
import { component, ref, stringEnum } from '../../platform/http/contract.ts';
import { PolicySchema } from './policy.ts';

/** The gateway's API shapes (named components of the OpenAPI document). */

export const RateLimitState = component(
  'RateLimitState',
  Type.Union(
    [
      Type.Object(
        { enabled: Type.Literal(false) },
        { additionalProperties: false, title: 'Disabled', description: 'No limits are enforced' },
      ),
      Type.Object(
        {
          enabled: Type.Literal(true),
          source: Type.String({ description: '`built-in`, or the policy file read' }),
          loaded_at: Type.String({ format: 'date-time', description: 'When it was last loaded' }),
          reloads: Type.Integer({ minimum: 0, description: 'Reloads of the file since start' }),
          last_error: Type.Union([Type.String(), Type.Null()], {
            description: 'Why the last edit of the file was refused (the policy in force stays)',
          }),
          counters: stringEnum(['memory', 'redis'], 'Where the counters live'),
          redis_healthy: Type.Boolean({ description: 'False while checks fall back' }),
          live_processes: Type.Integer({
            minimum: 1,
            description: 'API processes sharing the limits (a fallback share divides by it)',
          }),
          policy: ref(PolicySchema),
        },
        { additionalProperties: false, title: 'Enabled' },
      ),
    ],
    { description: 'The rate-limit policy in force in this process and the state of its counters' },
  ),
);

export const gatewaySchemas = [PolicySchema, RateLimitState];
