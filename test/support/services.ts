import { describe } from 'vitest';

/**
 * Which real services the tests run against. A service is used when its URL is set; with
 * LASTMILE_REQUIRE_SERVICES=1 (CI) a missing URL is a failure, never a silent skip.
 */
const required = process.env.LASTMILE_REQUIRE_SERVICES === '1';

function serviceUrl(name: 'DATABASE_URL' | 'REDIS_URL' | 'NATS_URL'): string | undefined {
  const url = process.env[name];
  if (!url && required) {
    throw new Error(
      `${name} is not set but LASTMILE_REQUIRE_SERVICES=1: CI must run against the real service`,
    );
  }
  return url || undefined;
}

export const redisUrl = (): string | undefined => serviceUrl('REDIS_URL');
export const natsUrl = (): string | undefined => serviceUrl('NATS_URL');

/** A short unique prefix so test files sharing one Redis or NATS never see each other's keys. */
export function testPrefix(label: string): string {
  return `t${process.pid.toString(36)}${Math.random().toString(36).slice(2, 7)}_${label}`;
}

/** A unique LASTMILE_NAMESPACE (lowercase, starts with a letter) for one test's platform. */
export function testNamespace(label: string): string {
  return testPrefix(label)
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .replace(/^[^a-z]/, 'n');
}

/**
 * A suite that needs real services, given their URLs from `redisUrl()`/`natsUrl()`: skipped (and
 * reported as skipped) when one is unset; under LASTMILE_REQUIRE_SERVICES=1 the getter has already
 * thrown, so the file fails instead of skipping. The body is collected even when skipped, so it
 * must use the URLs only inside hooks and tests.
 */
export function describeWithServices<K extends string>(
  name: string,
  urls: Record<K, string | undefined>,
  body: (urls: Record<K, string>) => void,
): void {
  const missing = Object.values<string | undefined>(urls).some((url) => !url);
  describe.skipIf(missing)(name, () => body(urls as Record<K, string>));
}
