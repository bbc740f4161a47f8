import type { Config } from '../platform/config.ts';
import { SETTINGS } from '../platform/config-settings.ts';

const RULE = '!'.repeat(78);

/** The database a URL names, without its credentials: `host:port/name`. */
function databaseOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

/**
 * What `lastmile start` prints first when it runs in development mode (the default) against a
 * database of its own (DATABASE_URL) rather than the embedded one: a shared or long-lived database
 * is where a forgotten LASTMILE_ENV=production does harm. Null in any other case.
 */
export function developmentWarning(config: Config, seed: boolean): string | null {
  if (config.env !== 'development' || !config.databaseUrl) return null;
  const published = [
    config.jwtSecret === SETTINGS.jwtSecret.publicValue ? 'JWT_SECRET' : null,
    config.fakepayWebhookSecret === SETTINGS.fakepayWebhookSecret.publicValue
      ? 'LASTMILE_FAKEPAY_WEBHOOK_SECRET'
      : null,
  ].filter((s) => s !== null);
  const lines = [
    RULE,
    '!! DEVELOPMENT MODE on an external database: NOT FOR PRODUCTION',
    `!!   database  ${databaseOf(config.databaseUrl)} (DATABASE_URL)`,
    published.length > 0
      ? `!!   secrets   the published development value of ${published.join(', ')}: anyone can forge them`
      : '!!   secrets   set, but development mode still allows everything below',
    `!!   demo      demo data allowed: ${seed ? 'an empty database is seeded with demo logins (published password)' : 'not seeded now (--no-seed)'}`,
    config.metricsToken
      ? null
      : '!!   metrics   /metrics is open to anyone (no LASTMILE_METRICS_TOKEN)',
    '!! Production: set LASTMILE_ENV=production (or NODE_ENV=production) and real secrets.',
    RULE,
    '',
  ].filter((l) => l !== null);
  return `\n${lines.join('\n')}`;
}
