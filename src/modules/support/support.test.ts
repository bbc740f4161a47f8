import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform, waitFor } from '../../../test/support/platform.ts';
import { openShop, paidOrderAt } from '../../../test/support/shop.ts';
import { openTicket } from '../../../test/support/tickets.ts';
import { DBOS } from '../../platform/workflows/engine.ts';
import { escalationWorkflowId } from './support.workflows.ts';

let t: TestPlatform;
beforeAll(async () => {
  // Tickets escalate after 1 s here so the durable timer fires inside the test.
  t = await startTestPlatform({ env: { LASTMILE_TICKET_ESCALATION_S: '1' } });
});
afterAll(async () => {
  await t?.stop();
});

async function notificationsFor(eventKind: string, subjectId: string) {
  const r = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM notifications WHERE kind = ${eventKind} AND subject_id = ${subjectId}`.execute(
    t.platform.ctx.db,
  );
  return r.rows[0]?.n ?? 0;
}

describe('support tickets (the walking skeleton)', () => {
  it('opens a ticket, notifies ops once through outbox and bus, and escalates it after the durable timer', async () => {
    const customer = await t.tokenFor('customer');
    const opened = await t.request({
      method: 'POST',
      url: '/v1/support/tickets',
      token: customer,
      payload: { subject: 'Missing yoghurt', message: 'Order came without it' },
    });
    expect(opened.statusCode).toBe(201);
    const ticket = opened.json();
    expect(ticket.status).toBe('open');

    await waitFor(
      async () => (await notificationsFor('ticket_opened', ticket.id)) === 1,
      10_000,
      'ops notified',
    );
    const ops = await t.tokenFor('ops');
    const list = await t.request({ method: 'GET', url: '/v1/notifications', token: ops });
    expect(list.json().items.some((n: { subject_id: string }) => n.subject_id === ticket.id)).toBe(
      true,
    );

    const escalated = await waitFor(
      async () => {
        const r = await t.request({
          method: 'GET',
          url: `/v1/support/tickets/${ticket.id}`,
          token: customer,
        });
        return r.json().status === 'escalated' ? r.json() : null;
      },
      15_000,
      'escalation',
    );
    expect(escalated.escalated_at).not.toBeNull();
    await waitFor(
      async () => (await notificationsFor('ticket_escalated', ticket.id)) === 1,
      10_000,
      'escalation notice',
    );
    // The escalation's effect commits before the engine records the workflow's end.
    const status = await waitFor(
      async () => {
        const s = await DBOS.getWorkflowStatus(escalationWorkflowId(ticket.id));
        return s?.status === 'SUCCESS' ? s : null;
      },
      10_000,
      'escalation workflow recorded as done',
    );
    expect(status.status).toBe('SUCCESS');

    const resolved = await t.request({
      method: 'POST',
      url: `/v1/support/tickets/${ticket.id}/resolve`,
      token: ops,
      payload: { resolution: 'Refunded the yoghurt' },
    });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json().status).toBe('resolved');
    await waitFor(
      async () => (await notificationsFor('ticket_resolved', ticket.id)) === 1,
      10_000,
      'opener told',
    );
    const mine = await t.request({
      method: 'GET',
      url: '/v1/notifications?unread=true',
      token: customer,
    });
    expect(mine.json().items.map((n: { kind: string }) => n.kind)).toContain('ticket_resolved');

    const again = await t.request({
      method: 'POST',
      url: `/v1/support/tickets/${ticket.id}/resolve`,
      token: ops,
      payload: { resolution: 'twice' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('CONFLICT');
  });

  it('a resolved ticket is never escalated', async () => {
    const customer = await t.tokenFor('customer');
    const ops = await t.tokenFor('ops');
    const ticket = await openTicket(t, customer, {
      subject: 'Wrong address',
      message: 'Fixed it myself',
    });
    const resolved = await t.request({
      method: 'POST',
      url: `/v1/support/tickets/${ticket.id}/resolve`,
      token: ops,
      payload: { resolution: 'ok' },
    });
    expect(resolved.statusCode).toBe(200);
    const wf = await waitFor(
      async () => {
        const s = await DBOS.getWorkflowStatus(escalationWorkflowId(ticket.id));
        return s?.status === 'SUCCESS' ? s : null;
      },
      15_000,
      'escalation workflow to finish',
    );
    expect(wf.status).toBe('SUCCESS');
    const after = await t.request({
      method: 'GET',
      url: `/v1/support/tickets/${ticket.id}`,
      token: customer,
    });
    expect(after.json().status).toBe('resolved');
    expect(await notificationsFor('ticket_escalated', ticket.id)).toBe(0);
  });

  it("hides other callers' tickets and lets ops see all", async () => {
    const a = await t.tokenFor('customer', 0);
    const b = await t.tokenFor('customer', 1);
    const ops = await t.tokenFor('ops');
    const ticket = await openTicket(t, a, { subject: 'Private matter', message: 'mine' });
    const peek = await t.request({
      method: 'GET',
      url: `/v1/support/tickets/${ticket.id}`,
      token: b,
    });
    expect(peek.statusCode).toBe(404);
    const listB = await t.request({ method: 'GET', url: '/v1/support/tickets', token: b });
    expect(listB.json().items.find((x: { id: string }) => x.id === ticket.id)).toBeUndefined();
    const asOps = await t.request({
      method: 'GET',
      url: `/v1/support/tickets/${ticket.id}`,
      token: ops,
    });
    expect(asOps.statusCode).toBe(200);
    const notResolver = await t.request({
      method: 'POST',
      url: `/v1/support/tickets/${ticket.id}/resolve`,
      token: a,
      payload: { resolution: 'x' },
    });
    expect(notResolver.statusCode).toBe(403);
  });

  it("lists the tickets about one order: the caller's own, every opener's for ops", async () => {
    const [a, b, ops] = await Promise.all([
      t.tokenFor('customer', 0),
      t.tokenFor('customer', 1),
      t.tokenFor('ops'),
    ]);
    const shop = await openShop(t, { stock: [5] });
    const [mine, theirs] = await Promise.all([
      paidOrderAt(t, shop, { token: a }),
      paidOrderAt(t, shop, { token: b }),
    ]);
    const open = async (token: string, orderId: string | undefined, subject: string) =>
      (
        await openTicket(t, token, {
          subject,
          message: 'about my order',
          ...(orderId ? { order_id: orderId } : {}),
        })
      ).id;
    const first = await open(a, mine.id, 'Late order');
    await open(a, undefined, 'Something else');
    const second = await open(a, mine.id, 'Refund request');
    const staff = await open(shop.storeToken, mine.id, 'Customer unreachable');
    await open(b, theirs.id, 'Other order');
    const about = async (token: string, orderId: string) =>
      (
        await t.request({
          method: 'GET',
          url: `/v1/support/tickets?order_id=${orderId}`,
          token,
        })
      )
        .json()
        .items.map((x: { id: string }) => x.id);
    expect(await about(a, mine.id)).toEqual([second, first]);
    // Another customer's order: none of theirs, and nothing of the order's own customer.
    expect(await about(a, theirs.id)).toEqual([]);
    expect(await about(b, mine.id)).toEqual([]);
    expect(await about(ops, mine.id)).toEqual([staff, second, first]);
  });

  it("pages a caller's tickets newest first by cursor, the last page saying so", async () => {
    const mine = await t.tokenFor('driver', 1);
    const opened: string[] = [];
    for (let i = 0; i < 5; i++) {
      opened.push((await openTicket(t, mine, { subject: `Question ${i}`, message: 'paging' })).id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await t.request({
        method: 'GET',
        url: `/v1/support/tickets${query}`,
        token: mine,
      });
      expect(page.statusCode).toBe(200);
      const body = page.json() as { items: Array<{ id: string }>; next_cursor: string | null };
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((x) => x.id));
      cursor = body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...opened].reverse());
  });

  it('gives ops the queue of unresolved tickets, the longest waiting first', async () => {
    const opener = await t.tokenFor('store', 0);
    const ops = await t.tokenFor('ops');
    const opened: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await t.request({
        method: 'POST',
        url: '/v1/support/tickets',
        token: opener,
        payload: { subject: `Queue ${i}`, message: 'waiting' },
      });
      opened.push(res.json().id as string);
    }
    const resolved = await t.request({
      method: 'POST',
      url: `/v1/support/tickets/${opened[1]}/resolve`,
      token: ops,
      payload: { resolution: 'answered by phone' },
    });
    expect(resolved.statusCode).toBe(200);
    const seen: Array<{ id: string; status: string }> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await t.request({
        method: 'GET',
        url: `/v1/support/tickets?unresolved=true&sort=oldest&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        token: ops,
      });
      expect(page.statusCode).toBe(200);
      seen.push(...page.json().items);
      cursor = page.json().next_cursor;
      pages += 1;
    } while (cursor && pages < 50);
    expect(seen.every((x) => x.status !== 'resolved')).toBe(true);
    const ids = seen.map((x) => x.id);
    expect(ids).toEqual([...ids].sort());
    expect(ids.filter((id) => opened.includes(id))).toEqual([opened[0], opened[2]]);
    // A cursor of the newest-first list is not one of this order's.
    const newest = await t.request({
      method: 'GET',
      url: '/v1/support/tickets?limit=1',
      token: ops,
    });
    const mixed = await t.request({
      method: 'GET',
      url: `/v1/support/tickets?sort=oldest&cursor=${newest.json().next_cursor}`,
      token: ops,
    });
    expect(mixed.statusCode).toBe(400);
  });

  it('rejects bad input with problem+json and writes nothing', async () => {
    const customer = await t.tokenFor('customer');
    const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM support_tickets`.execute(
      t.platform.ctx.db,
    );
    for (const payload of [
      { subject: 'ab', message: 'x' },
      { subject: 'Fine subject', message: '' },
      { subject: 'Fine', message: 'x', order_id: 'not-a-uuid' },
      {},
    ]) {
      const res = await t.request({
        method: 'POST',
        url: '/v1/support/tickets',
        token: customer,
        payload,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
    const bad = await t.request({ method: 'GET', url: '/v1/support/tickets/123', token: customer });
    expect(bad.statusCode).toBe(400);
    const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM support_tickets`.execute(
      t.platform.ctx.db,
    );
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  });
});
