import type { Logger } from '../../platform/observability/logger.ts';
import { settingsGroup } from '../../platform/settings/settings-group.ts';
import {
  type CompiledPolicy,
  compilePolicy,
  DEFAULT_POLICY,
  type PolicyDocument,
  PolicyError,
  PolicySchema,
} from './policy.ts';
import { gatewayOf } from './gateway-state.ts';
import type { PolicySource } from './policy-source.ts';

/**
 * The whole rate-limit policy as a settings group: ops may replace the configured one (the file
 * of LASTMILE_RATE_LIMITS, or the built-in policy) while the API runs; `null` goes back to it.
 */
export const RATE_LIMITS = settingsGroup({
  id: 'rate-limits',
  module: 'gateway',
  summary: 'Rate-limit tiers and budgets',
  description:
    "The rate-limit policy: the tiers' budgets, which tier each role and named caller is on, the routes with budgets of their own and what each does when Redis cannot count. The default is the policy of LASTMILE_RATE_LIMITS (a file, or the built-in one); while ops' value is set, edits of the file are read but not enforced. Nothing is enforced with LASTMILE_RATE_LIMITS=off. The next request is counted under the policy in force.",
  schema: PolicySchema,
  // The policy this process would enforce without ops' change: the file's, or the built-in one.
  defaults: (ctx) => gatewayOf(ctx).current?.configured.current().document ?? DEFAULT_POLICY,
  check(value) {
    try {
      compilePolicy(value);
      return null;
    } catch (err) {
      if (!(err instanceof PolicyError)) throw err;
      return { path: err.path, message: err.message.replace(/^rate-limit policy: /, '') };
    }
  },
});

/**
 * The configured policy source with ops' value over it: the value in force (compiled once per
 * version) wins; without one, or should it no longer compile, the configured policy holds.
 */
export function withOpsPolicy(
  configured: PolicySource,
  override: () => { version: number; value: PolicyDocument } | null,
  logger: Logger,
): PolicySource {
  let compiled: { version: number; policy: CompiledPolicy | null } | null = null;
  const fromOps = (): { version: number; policy: CompiledPolicy } | null => {
    const o = override();
    if (!o) return null;
    if (compiled?.version !== o.version) {
      let policy: CompiledPolicy | null = null;
      try {
        policy = compilePolicy(o.value);
      } catch (err) {
        logger.error(
          { err, version: o.version },
          'ops rate-limit policy refused; file policy holds',
        );
      }
      compiled = { version: o.version, policy };
    }
    return compiled.policy ? { version: o.version, policy: compiled.policy } : null;
  };
  return {
    current: () => fromOps()?.policy ?? configured.current(),
    describe() {
      const d = configured.describe();
      const ops = fromOps();
      return ops ? { ...d, source: `ops settings, version ${ops.version} (over ${d.source})` } : d;
    },
    stop: configured.stop,
  };
}
