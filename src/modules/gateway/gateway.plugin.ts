import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge } from 'prom-client';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { RequestSeries } from '../../platform/observability/request-series.ts';
import { settingsFor } from '../../platform/settings/runtime-settings.ts';
import { startMembership } from '../../platform/ratelimit/membership.ts';
import {
  createGatewayLimiter,
  type SourcedDecision,
} from '../../platform/ratelimit/resilient-limiter.ts';
import type { LimitRule } from '../../platform/ratelimit/rules.ts';
import { type Limit, subjectOf } from './policy.ts';
import { openPolicySource } from './policy-source.ts';
import { RATE_LIMITS, withOpsPolicy } from './gateway-settings.ts';
import type { Gateway } from './gateway-state.ts';

/** `RateLimit-Policy` (IETF RateLimit header fields draft): the quota and its window in seconds. */
function policyHeader(rule: LimitRule): string {
  return rule.algorithm === 'sliding_window'
    ? `${rule.limit};w=${Math.max(1, Math.round(rule.windowMs / 1000))}`
    : `${rule.capacity};w=${Math.max(1, Math.round(rule.capacity / rule.refillPerS))};burst=${rule.capacity}`;
}

function setHeaders(reply: FastifyReply, limit: Limit, d: SourcedDecision) {
  reply.header('ratelimit-limit', d.limit);
  reply.header('ratelimit-remaining', d.remaining);
  reply.header('ratelimit-reset', Math.ceil(d.resetMs / 1000));
  reply.header('ratelimit-policy', policyHeader(limit.rule));
}

/** Whole seconds for Retry-After, never 0 (a client told 0 would retry at once). */
const retrySeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

function describeRule(rule: LimitRule): string {
  return rule.algorithm === 'sliding_window'
    ? `${rule.limit} requests per ${rule.windowMs / 1000} s`
    : `bursts of ${rule.capacity}, then ${rule.refillPerS} requests per second`;
}

/** The gateway's metrics: decisions, fallbacks when Redis did not answer, the breaker's state. */
function gatewayMetrics(ctx: PlatformContext) {
  return {
    decisions: new Counter({
      name: 'lastmile_ratelimit_decisions_total',
      help: 'Rate-limit decisions by budget, outcome and who decided (redis, local share, fail-open/closed)',
      labelNames: ['policy', 'outcome', 'source'],
      registers: [ctx.metrics.registry],
    }),
    fallbacks: new Counter({
      name: 'lastmile_ratelimit_fallbacks_total',
      help: 'Checks Redis did not answer in time, by the failure mode applied',
      labelNames: ['mode'],
      registers: [ctx.metrics.registry],
    }),
    breakerOpen: new Gauge({
      name: 'lastmile_ratelimit_breaker_open',
      help: '1 while the limiter skips Redis',
      registers: [ctx.metrics.registry],
    }),
  };
}

/**
 * Spends one unit of the request's budget: sets the RateLimit headers, or refuses with 429 (budget
 * used up) or 503 (Redis cannot count and the route fails closed).
 */
async function spend(
  gateway: Gateway,
  seen: { decisions: Counter; series: RequestSeries },
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const p = gateway.policy.current();
  const tier = p.tierOf(request.principal);
  const limit = p.limitFor(request.method, request.routeOptions.url ?? '*unmatched', tier);
  if (!limit) return;
  const subject = subjectOf(request.principal, request.ip);
  const rule = limit.rule;
  const key = `${limit.policy}:${rule.algorithm === 'sliding_window' ? 's' : 't'}:${subject}`;
  const d = await gateway.limiter.check(key, rule, limit.mode);
  seen.decisions.inc({
    policy: limit.policy,
    outcome: d.allowed ? 'allowed' : 'limited',
    source: d.source,
  });
  if (d.source === 'fail_closed') {
    throw new AppError(
      'DEPENDENCY_UNAVAILABLE',
      `The rate limiter cannot count requests right now and "${limit.policy}" refuses uncounted ones; retry shortly`,
      {
        retryAfterS: retrySeconds(d.retryAfterMs),
      },
    );
  }
  if (d.source !== 'fail_open') setHeaders(reply, limit, d);
  if (!d.allowed) {
    seen.series.rateLimited(limit.policy, tier);
    const retryAfterS = retrySeconds(d.retryAfterMs);
    throw new AppError(
      'RATE_LIMITED',
      `Rate limit "${limit.policy}" for tier ${tier} (${describeRule(rule)}) is used up; retry in ${retryAfterS} s`,
      {
        retryAfterS,
        details: {
          policy: limit.policy,
          tier,
          limit: d.limit,
          remaining: d.remaining,
          reset_s: Math.ceil(d.resetMs / 1000),
          retry_after_s: retryAfterS,
        },
      },
    );
  }
}

/**
 * The gateway in front of every route: after authentication, each request spends one unit of its
 * caller's budget (user, partner key, or client address) for the route's tier, counted in Redis
 * across all API processes. It answers with RateLimit headers; an exhausted budget is a 429 with
 * Retry-After and a problem+json body naming the limit. When Redis cannot answer, the route's
 * failure mode decides (open, closed, or this process's share of the limit).
 */
export async function registerGateway(
  app: FastifyInstance,
  ctx: PlatformContext,
): Promise<Gateway | null> {
  const settings = ctx.config.rateLimits;
  if (settings.policy === 'off') return null;
  const configured = openPolicySource({
    file: typeof settings.policy === 'object' ? settings.policy.file : undefined,
    logger: ctx.logger,
  });
  const policy = withOpsPolicy(
    configured,
    () => settingsFor(ctx).override(RATE_LIMITS),
    ctx.logger,
  );
  const ns = ctx.config.namespace;
  const membership = ctx.redis
    ? startMembership({
        redis: ctx.redis,
        key: `${ns}:gateway:members`,
        member: ctx.config.instanceId,
        logger: ctx.logger,
      })
    : null;
  const processes = () => membership?.count() ?? 1;
  const { decisions, fallbacks, breakerOpen } = gatewayMetrics(ctx);
  const limiter = createGatewayLimiter({
    redis: ctx.redis,
    prefix: `${ns}:rl:`,
    resilience: settings,
    processes,
    onFallback: (mode) => fallbacks.inc({ mode }),
    onBreakerChange: (state) => {
      breakerOpen.set(state === 'closed' ? 0 : 1);
      ctx.logger.warn(
        { state },
        state === 'closed'
          ? 'rate limiter: Redis answers again'
          : 'rate limiter: Redis failing, using the failure modes',
      );
    },
  });
  const gateway: Gateway = { policy, configured, limiter, processes };

  app.addHook('onRequest', async (request, reply) =>
    spend(gateway, { decisions, series: ctx.metrics.series }, request, reply),
  );
  app.addHook('onClose', async () => {
    policy.stop();
    await membership?.stop();
    await limiter.close();
  });
  return gateway;
}
