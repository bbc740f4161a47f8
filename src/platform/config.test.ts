import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const fails = (env: Record<string, string>, overrides = {}) => {
  try {
    loadConfig(env, overrides);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).setting;
  }
  throw new Error('expected a ConfigError');
};

describe('config', () => {
  it('has working defaults for a machine with nothing configured', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      roles: ['all'],
      databaseUrl: undefined,
      redisUrl: undefined,
      natsUrl: undefined,
    });
    expect(c.dataDir.endsWith('.lastmile')).toBe(true);
  });

  it('names the setting that is wrong', () => {
    expect(fails({ PORT: 'eighty' })).toBe('PORT');
    expect(fails({ PORT: '70000' })).toBe('PORT');
    expect(fails({ DATABASE_URL: 'mysql://x' })).toBe('DATABASE_URL');
    expect(fails({ REDIS_URL: 'not a url' })).toBe('REDIS_URL');
    expect(fails({ NATS_URL: 'http://x' })).toBe('NATS_URL');
    expect(fails({ JWT_SECRET: 'short' })).toBe('JWT_SECRET');
    expect(fails({ NODE_ENV: 'production' })).toBe('JWT_SECRET');
    expect(fails({ LOG_LEVEL: 'loud' })).toBe('LOG_LEVEL');
    expect(fails({ LASTMILE_NAMESPACE: 'Bad-Name' })).toBe('LASTMILE_NAMESPACE');
  });

  it('reads the dispatch strategy: scored by default, greedy on request, anything else refused by name', () => {
    expect(loadConfig({}).dispatch.strategy).toBe('scored');
    expect(loadConfig({ LASTMILE_DISPATCH_STRATEGY: 'greedy' }).dispatch.strategy).toBe('greedy');
    expect(fails({ LASTMILE_DISPATCH_STRATEGY: 'nearest' })).toBe('LASTMILE_DISPATCH_STRATEGY');
    expect(() => loadConfig({ LASTMILE_DISPATCH_STRATEGY: 'Greedy' })).toThrow(
      'invalid setting LASTMILE_DISPATCH_STRATEGY: expected one of scored, greedy, got "Greedy"',
    );
  });

  it('rejects an unknown role and a split role without shared services', () => {
    expect(fails({}, { roles: ['api', 'dispatcher'] })).toBe('--role');
    expect(fails({ DATABASE_URL: 'postgres://x/db' }, { roles: ['worker'] })).toBe('NATS_URL');
    expect(fails({ NATS_URL: 'nats://x:4222' }, { roles: ['api'] })).toBe('DATABASE_URL');
    const split = loadConfig(
      { DATABASE_URL: 'postgres://x/db', NATS_URL: 'nats://x:4222' },
      { roles: ['api'] },
    );
    expect(split.roles).toEqual(['api']);
    expect(loadConfig({ LASTMILE_ROLES: 'api,worker' }).roles).toEqual(['api', 'worker']);
  });
});
