import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform, waitFor } from '../../../test/support/platform.ts';
import { declaredEvent } from '../../platform/bus/declared-event.ts';
import type { DomainEvent } from '../../platform/bus/event.ts';
import { DispatchEventDefs } from '../dispatch/index.ts';
import { SupportEventDefs, type TicketEventPayload } from '../support/index.ts';
import { CONSUMER_NOTIFICATIONS, notificationsFor } from './notifications.worker.ts';

const USER = '01a20959-0000-7000-8000-00000000c001';
const TICKET = '01a20959-0000-7000-8000-00000000a001';
const TRIP = '01a20959-0000-7000-8000-00000000b001';
const STORE = '01a20959-0000-7000-8000-00000000d001';

const ticket = (over: Partial<TicketEventPayload> = {}): TicketEventPayload => ({
  ticket_id: TICKET,
  opened_by: USER,
  opener_role: 'customer',
  subject: 'Missing yoghurt',
  order_id: null,
  status: 'open',
  version: 1,
  ...over,
});

const tripEscalated = (radiusM: number, offersMade: number) =>
  declaredEvent(
    DispatchEventDefs.TRIP_ESCALATED,
    { trip_id: TRIP, store_id: STORE, offers_made: offersMade, radius_m: radiusM },
    { aggregateId: TRIP },
  );

describe('what each event tells whom', () => {
  it('tells ops about an opened ticket, naming its subject and who opened it', () => {
    const event = declaredEvent(SupportEventDefs.TICKET_OPENED, ticket({ opener_role: 'driver' }), {
      aggregateId: TICKET,
    });
    expect(notificationsFor(event)).toEqual([
      {
        event_id: event.id,
        subject_id: TICKET,
        recipient_user_id: null,
        recipient_role: 'ops',
        kind: 'ticket_opened',
        title: 'New ticket: Missing yoghurt',
        body: 'A driver opened a ticket.',
      },
    ]);
    // A ticket lastmile raised itself (a handover locked after wrong PINs) says so.
    const raised = declaredEvent(SupportEventDefs.TICKET_OPENED, ticket({ opener_role: 'system' }));
    expect(notificationsFor(raised)[0]?.body).toBe('lastmile raised it: see its message.');
  });

  it('tells ops about an escalated ticket', () => {
    const event = declaredEvent(
      SupportEventDefs.TICKET_ESCALATED,
      ticket({ status: 'escalated' }),
      {
        aggregateId: TICKET,
      },
    );
    expect(notificationsFor(event)).toEqual([
      expect.objectContaining({
        recipient_user_id: null,
        recipient_role: 'ops',
        kind: 'ticket_escalated',
        title: 'Escalated: Missing yoghurt',
      }),
    ]);
  });

  it('tells the one who opened a ticket, and nobody else, that it was resolved', () => {
    const event = declaredEvent(SupportEventDefs.TICKET_RESOLVED, ticket({ status: 'resolved' }), {
      aggregateId: TICKET,
    });
    expect(notificationsFor(event)).toEqual([
      {
        event_id: event.id,
        subject_id: TICKET,
        recipient_user_id: USER,
        recipient_role: null,
        kind: 'ticket_resolved',
        title: 'Resolved: Missing yoghurt',
        body: 'Your ticket has been answered.',
      },
    ]);
  });

  it('tells ops about a trip nobody took, with the offers made and the radius in km', () => {
    const [n] = notificationsFor(tripEscalated(6000, 3));
    expect(n).toMatchObject({
      recipient_role: 'ops',
      recipient_user_id: null,
      kind: 'trip_escalated',
      subject_id: TRIP,
      title: 'No driver for a trip',
      body: '3 offer(s) within 6 km found nobody; the trip waits in the dispatch queue.',
    });
    // One decimal of a kilometre, rounded.
    expect(notificationsFor(tripEscalated(2549, 1))[0]?.body).toMatch(
      /^1 offer\(s\) within 2.5 km/,
    );
  });

  it('keeps a subject-less event without a subject', () => {
    const bare = declaredEvent(SupportEventDefs.TICKET_OPENED, ticket());
    expect(notificationsFor(bare)[0]?.subject_id).toBeNull();
  });
});

describe('notifications worker and routes', () => {
  let t: TestPlatform;
  let ops: string;
  let customer: string;
  let otherCustomer: string;
  let customerId: string;

  beforeAll(async () => {
    t = await startTestPlatform();
    ops = await t.tokenFor('ops');
    customer = await t.tokenFor('customer');
    otherCustomer = await t.tokenFor('customer', 1);
    customerId = (await t.request({ method: 'GET', url: '/v1/me', token: customer })).json().id;
  });
  afterAll(async () => {
    await t?.stop();
  });

  const handled = async (event: DomainEvent) =>
    (
      await sql<{ n: number }>`SELECT count(*)::int AS n FROM inbox
        WHERE consumer = ${CONSUMER_NOTIFICATIONS} AND event_id = ${event.id}::uuid`.execute(
        t.platform.ctx.db,
      )
    ).rows[0]?.n === 1;
  const rowsOf = async (event: DomainEvent) =>
    (
      await sql<{
        kind: string;
      }>`SELECT kind FROM notifications WHERE event_id = ${event.id}::uuid`.execute(
        t.platform.ctx.db,
      )
    ).rows;
  /** Publishes events and waits until the worker has handled each (its inbox row committed). */
  const deliver = async (...events: DomainEvent[]) => {
    await t.platform.ctx.bus.publish(events);
    for (const e of events) await waitFor(() => handled(e), 10_000, `${e.type} handled`);
  };
  const list = async (token: string, query = '') => {
    const res = await t.request({ method: 'GET', url: `/v1/notifications${query}`, token });
    expect(res.statusCode).toBe(200);
    return res.json() as {
      items: Array<{ id: string; kind: string; subject_id: string | null; read: boolean }>;
      next_cursor: string | null;
    };
  };

  it('writes each event once, as its mapping says', async () => {
    const opened = declaredEvent(SupportEventDefs.TICKET_OPENED, ticket(), { aggregateId: TICKET });
    await deliver(opened);
    // A repeated publish of the same event changes nothing.
    await deliver(opened);
    expect(await rowsOf(opened)).toEqual([{ kind: 'ticket_opened' }]);
  });

  it('shows a role notification to every user of the role and a personal one to its user only', async () => {
    const subject = `Broken bag ${Date.now()}`;
    const resolved = declaredEvent(
      SupportEventDefs.TICKET_RESOLVED,
      ticket({ opened_by: customerId, subject, status: 'resolved' }),
      { aggregateId: TICKET },
    );
    const escalated = tripEscalated(3000, 2);
    await deliver(resolved, escalated);

    const mine = await list(customer);
    expect(mine.items.filter((n) => n.kind === 'ticket_resolved')).toHaveLength(1);
    expect(mine.items.some((n) => n.kind === 'trip_escalated')).toBe(false);
    expect((await list(otherCustomer)).items).toEqual([]);
    const forOps = await list(ops);
    expect(forOps.items.some((n) => n.kind === 'trip_escalated')).toBe(true);
    expect(forOps.items.some((n) => n.kind === 'ticket_resolved')).toBe(false);
  });

  it('marks a notification read for its recipient only, and lists unread ones apart', async () => {
    const opened = declaredEvent(SupportEventDefs.TICKET_OPENED, ticket(), {
      aggregateId: 'read-me',
    });
    await deliver(opened);
    const target = (await list(ops)).items.find((n) => n.subject_id === 'read-me');
    expect(target?.read).toBe(false);
    const id = target?.id as string;

    const read = (token: string) =>
      t.request({ method: 'POST', url: `/v1/notifications/${id}/read`, token });
    expect((await read(customer)).statusCode).toBe(404);
    expect((await read(ops)).statusCode).toBe(204);
    // Marking again is harmless.
    expect((await read(ops)).statusCode).toBe(204);
    expect((await list(ops)).items.find((n) => n.id === id)?.read).toBe(true);
    expect((await list(ops, '?unread=true')).items.some((n) => n.id === id)).toBe(false);
    const unknown = '01a20959-0000-7000-8000-000000000000';
    expect(
      (await t.request({ method: 'POST', url: `/v1/notifications/${unknown}/read`, token: ops }))
        .statusCode,
    ).toBe(404);
  });

  it('pages newest first with next_cursor', async () => {
    const events = Array.from({ length: 3 }, (_, i) =>
      declaredEvent(SupportEventDefs.TICKET_OPENED, ticket(), { aggregateId: `page-${i}` }),
    );
    for (const e of events) await deliver(e);
    const all = await list(ops, '?limit=100');
    const ids = all.items.map((n) => n.id);
    expect(ids).toEqual([...ids].sort().reverse());
    expect(all.next_cursor).toBeNull();

    const first = await list(ops, '?limit=2');
    expect(first.items.map((n) => n.id)).toEqual(ids.slice(0, 2));
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await list(ops, `?limit=2&cursor=${first.next_cursor}`);
    expect(second.items.map((n) => n.id)).toEqual(ids.slice(2, 4));
    // The last page says so, even when it is full.
    const last = await list(ops, `?limit=${ids.length - 2}&cursor=${first.next_cursor}`);
    expect(last.items.map((n) => n.id)).toEqual(ids.slice(2));
    expect(last.next_cursor).toBeNull();
    const forged = await t.request({
      method: 'GET',
      url: '/v1/notifications?cursor=bm90LWEtY3Vyc29y',
      token: ops,
    });
    expect(forged.statusCode).toBe(400);
    expect(forged.json().code).toBe('VALIDATION_FAILED');
  });
});
