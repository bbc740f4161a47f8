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

const SECRETS = {
  JWT_SECRET: 'a-production-secret-of-forty-characters!!',
  LASTMILE_FAKEPAY_WEBHOOK_SECRET: 'another-production-secret-forty-chars!!!',
};
/** The published development values, as development runs with them. */
const DEV = loadConfig({});

describe('config', () => {
  it('reads the WebSocket origins as normalized origins or *, and refuses anything else', () => {
    const c = loadConfig({
      LASTMILE_WS_ALLOWED_ORIGINS: 'https://App.example.com:443, http://localhost:5173,*',
    });
    expect(c.sockets.allowedOrigins).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
      '*',
    ]);
    for (const bad of ['app.example.com', 'https://app.example.com/path', 'ftp://x', 'null'])
      expect(fails({ LASTMILE_WS_ALLOWED_ORIGINS: bad })).toBe('LASTMILE_WS_ALLOWED_ORIGINS');
    expect(fails({ LASTMILE_WS_TICKET_TTL_S: '1' })).toBe('LASTMILE_WS_TICKET_TTL_S');
  });

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

  it('takes every default from the settings schema', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      host: '127.0.0.1',
      jwtTtlS: 3600,
      logLevel: 'info',
      instanceId: 'all-3000',
      bodyLimitBytes: 1_048_576,
      dbPoolSize: 10,
      namespace: 'lastmile',
      reserveStrategy: 'coalesced',
      reservationTtlS: 600,
      cartHolds: false,
      orderAcceptTimeoutS: 300,
      substitutionAnswerS: 300,
      paymentWaitMs: 2000,
      paymentRetryGraceS: 300,
      ticketEscalationS: 900,
      drivers: { staleS: 60, historyS: 30, ingestMaxPending: 20_000 },
      dispatch: {
        strategy: 'scored',
        offerTtlS: 30,
        radiiM: [3000, 6000, 10000],
        offersPerRound: 3,
        weights: { travel: 1, acceptance: 0.5, vehicle: 0.05, fairness: 0.1 },
        batchMarginS: 180,
      },
      webhooks: { maxAttempts: 8, backoffBaseMs: 1000, timeoutMs: 5000, concurrency: 16 },
      rateLimits: { policy: 'default', timeoutMs: 10, breakAfter: 5, halfOpenAfterMs: 1000 },
      sockets: { ticketTtlS: 30, allowedOrigins: [] },
    });
    expect(c.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('silent');
    // A config's lists are its own: changing one leaves the next load's defaults alone.
    c.dispatch.radiiM.push(1);
    c.dispatch.weights.travel = 9;
    expect(loadConfig({}).dispatch).toMatchObject({
      radiiM: [3000, 6000, 10000],
      weights: { travel: 1 },
    });
  });

  it('reads each kind of value from the environment, an empty variable counting as unset', () => {
    const c = loadConfig({
      PORT: '8080',
      HOST: '',
      LASTMILE_CART_HOLDS: '1',
      LASTMILE_DISPATCH_RADII_M: ' 1000, 2000 ',
      LASTMILE_DISPATCH_WEIGHTS: 'vehicle=0.5, fairness = 1',
      LASTMILE_RATE_LIMITS: 'policy.json',
      LASTMILE_ROLES: 'api,worker,api',
      NATS_URL: 'nats://x:4222',
    });
    expect(c).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      cartHolds: true,
      roles: ['api', 'worker'],
      instanceId: 'api+worker-8080',
      natsUrl: 'nats://x:4222',
    });
    expect(c.dispatch.radiiM).toEqual([1000, 2000]);
    expect(c.dispatch.weights).toEqual({ travel: 1, acceptance: 0.5, vehicle: 0.5, fairness: 1 });
    expect(c.rateLimits.policy).toEqual({ file: expect.stringMatching(/\/policy\.json$/) });
    expect(loadConfig({ LASTMILE_RATE_LIMITS: 'off' }).rateLimits.policy).toBe('off');
  });

  it('lets a flag override its variable and names the flag when its value is bad', () => {
    expect(loadConfig({ PORT: '8080' }, { port: 9090 }).port).toBe(9090);
    expect(loadConfig({ LASTMILE_ROLES: 'api' }, { roles: ['all'] }).roles).toEqual(['all']);
    expect(fails({}, { port: 'x' })).toBe('--port');
    expect(fails({}, { databaseUrl: 'mysql://x' })).toBe('DATABASE_URL');
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
    expect(fails({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) })).toBe(
      'LASTMILE_FAKEPAY_WEBHOOK_SECRET',
    );
    expect(fails({ LASTMILE_CART_HOLDS: 'yes' })).toBe('LASTMILE_CART_HOLDS');
    expect(fails({ LASTMILE_DISPATCH_RADII_M: '3000,2000' })).toBe('LASTMILE_DISPATCH_RADII_M');
    expect(fails({ LASTMILE_DISPATCH_RADII_M: '50' })).toBe('LASTMILE_DISPATCH_RADII_M');
    expect(fails({ LASTMILE_DISPATCH_WEIGHTS: 'speed=1' })).toBe('LASTMILE_DISPATCH_WEIGHTS');
    expect(fails({ LASTMILE_ROLES: 'api,dispatcher' })).toBe('LASTMILE_ROLES');
    expect(() => loadConfig({ PORT: '70000' })).toThrow(
      'invalid setting PORT: expected 0..65535, got 70000',
    );
    expect(() => loadConfig({ PORT: '1e3' })).toThrow(
      'invalid setting PORT: expected a whole number, got "1e3"',
    );
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      'invalid setting JWT_SECRET: required when NODE_ENV=production',
    );
  });

  it('takes a previous JWT secret for rotation, never the published one in production', () => {
    expect(DEV.jwtPreviousSecret).toBeUndefined();
    const previous = 'the-secret-before-the-last-rotation-0123';
    expect(
      loadConfig({ LASTMILE_ENV: 'production', ...SECRETS, JWT_PREVIOUS_SECRET: previous })
        .jwtPreviousSecret,
    ).toBe(previous);
    expect(fails({ JWT_PREVIOUS_SECRET: 'short' })).toBe('JWT_PREVIOUS_SECRET');
    expect(() =>
      loadConfig({ LASTMILE_ENV: 'production', ...SECRETS, JWT_PREVIOUS_SECRET: DEV.jwtSecret }),
    ).toThrow('invalid setting JWT_PREVIOUS_SECRET: is the published development secret');
  });

  it('runs in production only when told, and then refuses the published secrets and open doors', () => {
    expect(loadConfig({}).env).toBe('development');
    expect(loadConfig({ LASTMILE_ENV: 'production', ...SECRETS }).env).toBe('production');
    expect(() =>
      loadConfig({ LASTMILE_ENV: 'production', ...SECRETS, JWT_SECRET: DEV.jwtSecret }),
    ).toThrow('invalid setting JWT_SECRET: is the published development secret');
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        ...SECRETS,
        LASTMILE_FAKEPAY_WEBHOOK_SECRET: DEV.fakepayWebhookSecret,
      }),
    ).toThrow('LASTMILE_FAKEPAY_WEBHOOK_SECRET');
    const prod = loadConfig({ NODE_ENV: 'production', ...SECRETS });
    expect(prod.trustedProxies).toEqual([]);
    expect(prod.metricsToken).toBeUndefined();
    expect(loadConfig({ LASTMILE_TRUSTED_PROXIES: '10.0.0.0/8,127.0.0.1' }).trustedProxies).toEqual(
      ['10.0.0.0/8', '127.0.0.1'],
    );
    expect(fails({ LASTMILE_TRUSTED_PROXIES: 'everyone' })).toBe('LASTMILE_TRUSTED_PROXIES');
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
