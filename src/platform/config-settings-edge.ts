import { Type } from '@sinclair/typebox';
import { list, optionalText, text, whole } from './config-schema.ts';

/** Settings of what talks to the outside: partner webhooks and the gateway's rate limiter. */
export const EDGE_SETTINGS = {
  trustedProxies: list(
    Type.String({
      pattern: '^[0-9a-fA-F.:]+(/[0-9]{1,3})?$',
      hint: 'expected an IP address or CIDR such as 10.0.0.0/8',
    }),
    {
      env: 'LASTMILE_TRUSTED_PROXIES',
      description:
        'Comma-separated addresses or CIDRs of the reverse proxies in front of lastmile; only their X-Forwarded-For is believed (the client address keys anonymous rate limits)',
      default: [],
      shownDefault: '(none)',
    },
  ),
  metricsToken: optionalText({
    env: 'LASTMILE_METRICS_TOKEN',
    description:
      '/metrics answers only `Authorization: Bearer <this>`; unset, /metrics is open in development and refused in production',
    shownDefault: '(none)',
    minLength: 16,
  }),
  webhookMaxAttempts: whole({
    env: 'LASTMILE_WEBHOOK_MAX_ATTEMPTS',
    description: 'Attempts before a partner webhook delivery is kept as dead',
    default: 8,
    minimum: 1,
    maximum: 50,
  }),
  webhookBackoffMs: whole({
    env: 'LASTMILE_WEBHOOK_BACKOFF_MS',
    description:
      'Nominal first retry delay of a failed webhook delivery, doubled each attempt (capped at 1 h); each wait is jittered between half and all of it',
    default: 1000,
    minimum: 10,
    maximum: 3_600_000,
  }),
  webhookTimeoutMs: whole({
    env: 'LASTMILE_WEBHOOK_TIMEOUT_MS',
    description: 'How long a partner endpoint may take to answer',
    default: 5000,
    minimum: 100,
    maximum: 60_000,
  }),
  rateLimitPolicy: text({
    env: 'LASTMILE_RATE_LIMITS',
    description:
      'Rate-limit policy: `default` (built in), `off`, or the path of a JSON policy file, reloaded when it changes',
    default: 'default',
  }),
  rateLimitTimeoutMs: whole({
    env: 'LASTMILE_RATE_LIMIT_TIMEOUT_MS',
    description:
      "A rate-limit check that Redis has not answered in this time (a batched call: plus 40 µs per check in it) uses the route's failure mode",
    default: 10,
    minimum: 1,
    maximum: 10_000,
  }),
  rateLimitBreakAfter: whole({
    env: 'LASTMILE_RATE_LIMIT_BREAK_AFTER',
    description: "Consecutive failed Redis checks that open the rate limiter's breaker",
    default: 5,
    minimum: 1,
    maximum: 1000,
  }),
  rateLimitHalfOpenMs: whole({
    env: 'LASTMILE_RATE_LIMIT_HALF_OPEN_MS',
    description: 'How long the open breaker skips Redis before trying it again',
    default: 1000,
    minimum: 10,
    maximum: 600_000,
  }),
};
