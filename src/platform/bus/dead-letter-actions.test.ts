import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntries } from '../../../test/support/audit.ts';
import {
  flakyConsumer,
  flakyLetters,
  type LetterView as Letter,
} from '../../../test/support/flaky-consumer.ts';
import { startTestPlatform, type TestPlatform, waitFor } from '../../../test/support/platform.ts';
import { openTicket } from '../../../test/support/tickets.ts';
import { allModules } from '../../modules/index.ts';
import { recordDeadLetter } from './dead-letters.repository.ts';
import { newEvent } from './event.ts';

// A consumer broken until the test mends it; it counts every time an event's effect happens.
const flaky = flakyConsumer();
const { handled } = flaky;

let t: TestPlatform;
let ops: string;
let letters: Letter[];
const post = (url: string, payload: Record<string, unknown>, key?: string) =>
  t.request({
    method: 'POST',
    url,
    token: ops,
    payload,
    ...(key ? { headers: { 'idempotency-key': key } } : {}),
  });
const list = async (query: string): Promise<Letter[]> =>
  (await t.request({ method: 'GET', url: `/v1/ops/dead-letters?${query}`, token: ops })).json()
    .items;

beforeAll(async () => {
  t = await startTestPlatform({ workflows: false, modules: [...allModules, flaky.module] });
  ops = await t.tokenFor('ops');
  const customer = await t.tokenFor('customer');
  for (const subject of ['First', 'Second', 'Third'])
    await openTicket(t, customer, { subject, message: 'x' });
  letters = await flakyLetters(t, ops, 3);
  flaky.broken = false;
});
afterAll(async () => {
  await t?.stop();
});

describe('dead letter actions', () => {
  it('shows a dead letter with its event, redacted, and 404 for an unknown one', async () => {
    const event = newEvent(
      'orders.order_placed',
      { card_token: 'tok_visa', note: 'leave at the door' },
      { aggregateId: 'order-1' },
    );
    await recordDeadLetter(t.platform.ctx.db, {
      consumer: 'nobody',
      event,
      attempts: 3,
      error: 'boom',
    });
    const [row] = await list('consumer=nobody');
    const detail = await t.request({
      method: 'GET',
      url: `/v1/ops/dead-letters/${row?.id}`,
      token: ops,
    });
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({
      consumer: 'nobody',
      error: 'boom',
      discarded_at: null,
      event: {
        id: event.id,
        type: 'orders.order_placed',
        aggregate_id: 'order-1',
        payload: { card_token: '[redacted]', note: 'leave at the door' },
      },
    });
    const unknown = await t.request({
      method: 'GET',
      url: '/v1/ops/dead-letters/999999',
      token: ops,
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('hands a double-clicked replay to its consumer once, with one audit entry', async () => {
    const letter = letters[0] as Letter;
    const url = `/v1/ops/dead-letters/${letter.id}/replay`;
    const answers = await Promise.all([
      post(url, { reason: 'fixed' }, 'click-1'),
      post(url, { reason: 'fixed' }, 'click-1'),
      post(url, { reason: 'fixed' }),
      post(url, { reason: 'fixed' }),
    ]);
    expect(answers.map((a) => a.statusCode).filter((s) => s !== 202 && s !== 409)).toEqual([]);
    expect(answers.filter((a) => a.statusCode === 202).length).toBeGreaterThan(0);
    await waitFor(
      async () => (await list('status=replayed')).some((l) => l.id === letter.id),
      15_000,
      'replayed',
    );
    expect(handled.get(letter.event_id)).toBe(1);
    const audit = await auditEntries(t, ops, `action=dead_letter.replay&target_id=${letter.id}`);
    expect(audit).toHaveLength(1);
    // Replayed: neither replayed again nor discarded.
    expect((await post(url, { reason: 'again' })).statusCode).toBe(409);
    const discard = await post(`/v1/ops/dead-letters/${letter.id}/discard`, { reason: 'late' });
    expect(discard.statusCode).toBe(409);
    expect(handled.get(letter.event_id)).toBe(1);
  });

  it('discards once with its reason, and a discarded letter is never replayed', async () => {
    const letter = letters[1] as Letter;
    const url = `/v1/ops/dead-letters/${letter.id}/discard`;
    const first = await post(url, { reason: 'a test ticket' });
    expect(first.statusCode).toBe(200);
    expect(first.json().discarded_at).toEqual(expect.any(String));
    const second = await post(url, { reason: 'a test ticket' });
    expect(second.statusCode).toBe(200);
    expect(second.json().discarded_at).toBe(first.json().discarded_at);
    const audit = await auditEntries(t, ops, `action=dead_letter.discard&target_id=${letter.id}`);
    expect(audit).toMatchObject([
      {
        reason: 'a test ticket',
        before: { consumer: 'flaky', discarded_at: null },
        after: { consumer: 'flaky', discarded_at: first.json().discarded_at },
      },
    ]);
    const replay = await post(`/v1/ops/dead-letters/${letter.id}/replay`, { reason: 'oops' });
    expect(replay.statusCode).toBe(409);
    expect(replay.headers['content-type']).toContain('application/problem+json');
    expect((await list('consumer=flaky')).map((l) => l.id)).not.toContain(letter.id);
    expect((await list('status=discarded')).map((l) => l.id)).toContain(letter.id);
    expect(handled.has(letter.event_id)).toBe(false);
  });

  it('replays many at once, saying what happened to each', async () => {
    const [replayed, discarded, waiting] = letters as [Letter, Letter, Letter];
    const ids = [waiting.id, replayed.id, discarded.id, 999_999, waiting.id];
    const res = await post('/v1/ops/dead-letters/replay', { ids, reason: 'provider is back' });
    expect(res.statusCode).toBe(202);
    expect(res.json().items).toEqual([
      { id: waiting.id, outcome: 'requested' },
      { id: replayed.id, outcome: 'already_replayed' },
      { id: discarded.id, outcome: 'discarded' },
      { id: 999_999, outcome: 'not_found' },
    ]);
    await waitFor(() => handled.get(waiting.event_id) === 1, 15_000, 'replayed effect');
    const logged = await auditEntries(t, ops, `action=dead_letter.replay&target_id=${waiting.id}`);
    expect(logged).toMatchObject([{ reason: 'provider is back' }]);
    const empty = await post('/v1/ops/dead-letters/replay', { ids: [], reason: 'none' });
    expect(empty.statusCode).toBe(400);
  });
});
