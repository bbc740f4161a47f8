import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { type LastmileProcess, processEnv, spawnLastmile } from '../../test/support/processes.ts';
import { testNamespace } from '../../test/support/services.ts';
import { loadConfig } from '../platform/config.ts';
import { developmentWarning } from './dev-warning.ts';

const URL = 'postgres://lastmile:s3cret@db.example.com:5432/shop';

describe('the development warning', () => {
  it('is loud in development on a DATABASE_URL: dev secrets, demo data, not for production', () => {
    const text = developmentWarning(loadConfig({ DATABASE_URL: URL }), true) ?? '';
    expect(text).toContain('DEVELOPMENT MODE on an external database: NOT FOR PRODUCTION');
    expect(text).toContain('db.example.com:5432/shop');
    expect(text).not.toContain('s3cret');
    expect(text).toContain('published development value of JWT_SECRET');
    expect(text).toContain('demo data allowed');
    expect(text).toContain('LASTMILE_ENV=production');
  });

  it('is silent on embedded Postgres, in production and under test', () => {
    expect(developmentWarning(loadConfig({}), true)).toBeNull();
    const secrets = {
      JWT_SECRET: 'a-production-secret-of-forty-characters!!',
      LASTMILE_FAKEPAY_WEBHOOK_SECRET: 'another-production-secret-forty-chars!!!',
    };
    for (const env of [
      { LASTMILE_ENV: 'production', ...secrets },
      { NODE_ENV: 'production', ...secrets },
      { NODE_ENV: 'test' },
    ])
      expect(developmentWarning(loadConfig({ DATABASE_URL: URL, ...env }), true)).toBeNull();
  });
});

describe('lastmile start in development mode on a DATABASE_URL', () => {
  let tdb: TestDatabase;
  let proc: LastmileProcess | undefined;
  beforeAll(async () => {
    tdb = await createTestDatabase();
  });
  afterAll(async () => {
    await proc?.stop();
    await tdb?.drop();
  });

  it('prints the warning at start', async () => {
    proc = await spawnLastmile(
      ['--port', '0'],
      processEnv(tdb.url, {
        LASTMILE_ENV: 'development',
        LASTMILE_NAMESPACE: testNamespace('devwarn'),
      }),
    );
    const out = proc.output();
    expect(out).toContain('DEVELOPMENT MODE on an external database: NOT FOR PRODUCTION');
    // Before the platform starts, and again under the banner.
    expect(out.split('NOT FOR PRODUCTION').length - 1).toBe(2);
  });
});
