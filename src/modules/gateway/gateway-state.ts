import { perPlatform } from '../../platform/context.ts';
import type { GatewayLimiter } from '../../platform/ratelimit/resilient-limiter.ts';
import type { PolicySource } from './policy-source.ts';

/** The gateway of an API process: its policies, its limiter and how many processes share it. */
export interface Gateway {
  /** The policy in force: ops' value over the configured one. */
  policy: PolicySource;
  /** The policy of the configuration (the file's, or the built-in one), whatever ops set. */
  configured: PolicySource;
  limiter: GatewayLimiter;
  processes(): number;
}

/** This platform's gateway, once the api role put it in front of the routes (none: rate limits off). */
export const gatewayOf = perPlatform((): { current: Gateway | null } => ({ current: null }));
