import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntries } from '../../../test/support/audit.ts';
import {
  flakyConsumer,
  flakyLetters,
  type LetterView,
} from '../../../test/support/flaky-consumer.ts';
import { startTestPlatform, type TestPlatform, waitFor } from '../../../test/support/platform.ts';
import { openTicket } from '../../../test/support/tickets.ts';
import { allModules } from '../../modules/index.ts';

// A consumer whose dependency is broken until the test mends it.
const flaky = flakyConsumer();

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ workflows: false, modules: [...allModules, flaky.module] });
});
afterAll(async () => {
  await t?.stop();
});

describe('dead letters', () => {
  it('keeps an event a consumer gave up on, lets ops see it and replays it once fixed', async () => {
    const customer = await t.tokenFor('customer');
    const ops = await t.tokenFor('ops');
    const ticket = await openTicket(t, customer, { subject: 'Broken consumer', message: 'x' });
    const [listed] = (await flakyLetters(t, ops, 1)) as [LetterView];
    expect(listed).toMatchObject({
      consumer: 'flaky',
      event_type: 'support.ticket_opened',
      attempts: 2,
      error: 'downstream is down',
    });
    expect(flaky.handled.size).toBe(0);
    const asCustomer = await t.request({
      method: 'GET',
      url: '/v1/ops/dead-letters',
      token: customer,
    });
    expect(asCustomer.statusCode).toBe(403);

    flaky.broken = false;
    // An ops agent replays; repeated with its Idempotency-Key, the stored answer.
    const agent = await t.tokenFor('ops', 1);
    const replay = () =>
      t.request({
        method: 'POST',
        url: `/v1/ops/dead-letters/${listed.id}/replay`,
        token: agent,
        headers: { 'idempotency-key': 'replay-flaky' },
        payload: { reason: 'the cause is fixed' },
      });
    expect((await replay()).statusCode).toBe(202);
    expect((await replay()).headers['idempotent-replayed']).toBe('true');
    const audit = await auditEntries(t, ops, 'action=dead_letter.replay');
    expect(audit).toMatchObject([
      {
        actor: { email: 'agent@demo.lastmile.dev', role: 'ops', level: 'agent' },
        target: { type: 'dead_letter', id: String(listed.id) },
        reason: 'the cause is fixed',
        before: { consumer: 'flaky', replay_requested_at: null, replayed_at: null },
        after: { consumer: 'flaky', replayed_at: null },
        idempotency_key: 'replay-flaky',
      },
    ]);
    expect(audit[0]?.after).toHaveProperty('replay_requested_at', expect.any(String));
    await waitFor(() => flaky.handled.size === 1, 15_000, 'replayed effect');
    const after = await waitFor(
      async () => {
        const r = await t.request({
          method: 'GET',
          url: '/v1/ops/dead-letters?consumer=flaky&pending=false',
          token: ops,
        });
        const row = r.json().items[0];
        return row?.replayed_at ? row : null;
      },
      10_000,
      'replayed_at',
    );
    expect(flaky.handled.get(after.event_id)).toBe(1);
    const again = await t.request({
      method: 'POST',
      url: `/v1/ops/dead-letters/${listed.id}/replay`,
      token: ops,
      payload: { reason: 'once more' },
    });
    expect(again.statusCode).toBe(409);
    // The other consumers were not disturbed by the broken one.
    const notified = await t.platform.ctx.db
      .selectFrom('notifications')
      .select('id')
      .where('subject_id', '=', ticket.id)
      .execute();
    expect(notified).toHaveLength(1);
  });
});
