import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { allModules } from '../../modules/index.ts';
import { AppError } from '../errors.ts';
import { ok, problems } from '../http/contract.ts';
import { Strict, typed } from '../http/typed.ts';
import type { ModuleDefinition } from '../module.ts';

// A route whose handler waits until the test lets it go, to hold a request in flight.
let release: (() => void) | null = null;
let calls = 0;
const gate: ModuleDefinition = {
  name: 'gate',
  routes: async (scope) => {
    typed(scope).post(
      '/v1/test/gate',
      {
        config: { auth: 'authenticated' },
        schema: {
          tags: ['test'],
          summary: 'Waits until the test lets it go',
          body: Strict({ n: Type.Integer() }),
          response: {
            200: ok(Strict({ n: Type.Integer(), call: Type.Integer() }), 'Released'),
            ...problems('UNPROCESSABLE'),
          },
        },
      },
      async (req) => {
        calls++;
        if (req.body.n < 0) throw new Error('boom');
        if (req.body.n === 0) throw new AppError('UNPROCESSABLE', 'zero is not allowed');
        await new Promise<void>((r) => {
          release = r;
        });
        return { n: req.body.n, call: calls };
      },
    );
  },
};

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ workflows: false, modules: [...allModules, gate] });
});
afterAll(async () => {
  await t?.stop();
});

/** A POST to `url` with the Idempotency-Key `key`. */
const keyed = (url: string) => (token: string, key: string, payload: object) =>
  t.request({ method: 'POST', url, token, headers: { 'idempotency-key': key }, payload });
const post = keyed('/v1/support/tickets');
/** The gate route called with `key`. */
const gated = (token: string, key: string, n: number) => keyed('/v1/test/gate')(token, key, { n });

/** Waits until a gated request is held in its handler, and takes the function that lets it go. */
async function held(): Promise<() => void> {
  while (!release) await new Promise((r) => setTimeout(r, 5));
  const go = release as () => void;
  release = null;
  return go;
}

describe('Idempotency-Key', () => {
  it('replays the first response for the same key and body', async () => {
    const token = await t.tokenFor('customer');
    const first = await post(token, 'k-replay', {
      subject: 'Late order',
      message: 'still waiting',
    });
    expect(first.statusCode).toBe(201);
    const second = await post(token, 'k-replay', {
      message: 'still waiting',
      subject: 'Late order',
    });
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
  });

  it('answers 422 when the key comes back with a different body', async () => {
    const token = await t.tokenFor('customer');
    await post(token, 'k-diff', { subject: 'Late order', message: 'one' });
    const res = await post(token, 'k-diff', { subject: 'Late order', message: 'two' });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('scopes keys per caller', async () => {
    const a = await t.tokenFor('customer', 0);
    const b = await t.tokenFor('customer', 1);
    const ra = await post(a, 'k-shared', { subject: 'Same key', message: 'a' });
    const rb = await post(b, 'k-shared', { subject: 'Same key', message: 'a' });
    expect(ra.statusCode).toBe(201);
    expect(rb.statusCode).toBe(201);
    expect(rb.headers['idempotent-replayed']).toBeUndefined();
    expect(rb.json().id).not.toBe(ra.json().id);
  });

  it('answers 409 while the first request is still running, then replays it', async () => {
    const token = await t.tokenFor('ops');
    const req = () => gated(token, 'k-gate', 7);
    const first = req();
    const go = await held();
    const concurrent = await req();
    expect(concurrent.statusCode).toBe(409);
    expect(concurrent.json().code).toBe('IDEMPOTENCY_IN_FLIGHT');
    expect(concurrent.headers['retry-after']).toBe('1');
    go();
    const done = await first;
    expect(done.statusCode).toBe(200);
    const replay = await req();
    expect(replay.json()).toEqual(done.json());
    expect(calls).toBe(1);
  });

  it('takes over at once a key whose process died mid-request', async () => {
    const token = await t.tokenFor('ops');
    const req = () => gated(token, 'k-orphan', 9);
    const first = req();
    const firstRelease = await held();
    // The claim now belongs to a process that is not alive (as after a kill -9).
    await sql`UPDATE idempotency_keys SET owner = gen_random_uuid() WHERE key = 'k-orphan'`.execute(
      t.platform.ctx.db,
    );
    const before = calls;
    const retry = req();
    const go = await held();
    expect(calls).toBe(before + 1);
    go();
    expect((await retry).statusCode).toBe(200);
    firstRelease();
    await first;
  });

  it('stores a 4xx outcome but frees the key after a 5xx', async () => {
    const token = await t.tokenFor('ops');
    const before = calls;
    const gate4 = () => gated(token, 'k-4xx', 0);
    expect((await gate4()).statusCode).toBe(422);
    expect((await gate4()).headers['idempotent-replayed']).toBe('true');
    expect(calls).toBe(before + 1);
    const gate5 = () => gated(token, 'k-5xx', -1);
    expect((await gate5()).statusCode).toBe(500);
    expect((await gate5()).statusCode).toBe(500);
    expect(calls).toBe(before + 3);
  });

  it('50 concurrent retries of one request make one ticket', async () => {
    const token = await t.tokenFor('customer');
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        post(token, 'k-storm', { subject: 'Storm', message: 'retrying hard' }),
      ),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.every((c) => c === 201 || c === 409)).toBe(true);
    const ids = new Set(results.filter((r) => r.statusCode === 201).map((r) => r.json().id));
    expect(ids.size).toBe(1);
    const n = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM support_tickets WHERE subject = 'Storm'`.execute(
      t.platform.ctx.db,
    );
    expect(n.rows[0]?.n).toBe(1);
  });

  it('rejects a malformed key', async () => {
    const token = await t.tokenFor('customer');
    const res = await post(token, 'x'.repeat(300), { subject: 'Bad key', message: 'x' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
  });
});
