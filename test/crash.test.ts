import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { describe, expect, it } from 'vitest';
// The service over the bare test database: this test runs no platform of its own.
import { supportService } from '../src/modules/support/support.service.ts';
import { crashFixture } from './support/crash-fixture.ts';
import { waitFor } from './support/platform.ts';
import { processEnv, spawnLastmile } from './support/processes.ts';
import { natsUrl, testNamespace } from './support/services.ts';

/**
 * kill -9 the process that relays events, runs consumers and durable workflows, several times
 * while events flow and timers sleep; after a restart every event's effect exists exactly once and
 * every workflow finished. With NATS_URL the worker runs as its own role over JetStream; without,
 * the single-process mode (in-process bus) is crashed instead.
 */
const WAVES = 4;
const PER_WAVE = 120;

const world = crashFixture();
const nats = natsUrl();

const count = async (query: ReturnType<typeof sql<{ n: number }>>) =>
  (await query.execute(world.database.db)).rows[0]?.n ?? 0;

describe('crash recovery', () => {
  it('applies every event exactly once and resumes sleeping workflows after repeated kill -9', async () => {
    const env = processEnv(world.tdb.url, {
      LASTMILE_NAMESPACE: testNamespace('crash'),
      LASTMILE_TICKET_ESCALATION_S: '2',
      LASTMILE_INSTANCE_ID: 'crash-worker',
      PORT: '0',
    });
    const args = nats ? ['--role', 'worker'] : ['--role', 'all'];
    const support = supportService(world.database.db);
    const customer = { kind: 'user' as const, id: uuidv7(), role: 'customer' as const };
    let opened = 0;
    let kills = 0;

    for (let wave = 0; wave < WAVES; wave++) {
      await Promise.all(
        Array.from({ length: PER_WAVE }, (_, i) =>
          support.open(
            customer,
            { subject: `Wave ${wave} ticket ${i}`, message: 'where is my order?' },
            null,
          ),
        ),
      );
      opened += PER_WAVE;
      world.proc = await spawnLastmile(args, env);
      // Let it get part of the way: some events handled, some in flight, timers sleeping.
      await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 900)));
      await world.proc.crash();
      kills++;
      world.proc = null;
    }

    world.proc = await spawnLastmile(args, env);
    await waitFor(
      async () =>
        (await count(
          sql`SELECT count(*)::int AS n FROM notifications WHERE kind = 'ticket_escalated'`,
        )) === opened,
      90_000,
      'every ticket escalated and notified',
    );
    // A workflow whose step committed just before a kill finishes (records SUCCESS) after the effect is visible.
    await waitFor(
      async () =>
        (await count(
          sql`SELECT count(*)::int AS n FROM dbos.workflow_status WHERE name = 'support.ticket_escalation' AND status = 'SUCCESS'`,
        )) === opened,
      60_000,
      'every escalation workflow finished',
    );
    await world.proc.stop();
    world.proc = null;

    expect(kills).toBe(WAVES);
    expect(
      await count(sql`SELECT count(*)::int AS n FROM support_tickets WHERE status = 'escalated'`),
    ).toBe(opened);
    expect(
      await count(sql`SELECT count(*)::int AS n FROM notifications WHERE kind = 'ticket_opened'`),
    ).toBe(opened);
    expect(
      await count(
        sql`SELECT count(*)::int AS n FROM notifications WHERE kind = 'ticket_escalated'`,
      ),
    ).toBe(opened);
    // No event produced two notifications, and the inbox saw each event once.
    expect(
      await count(
        sql`SELECT count(*)::int AS n FROM (SELECT event_id FROM notifications GROUP BY event_id HAVING count(*) > 1) d`,
      ),
    ).toBe(0);
    expect(
      await count(sql`SELECT count(*)::int AS n FROM inbox WHERE consumer = 'notifications'`),
    ).toBe(opened * 2);
    expect(await count(sql`SELECT count(*)::int AS n FROM outbox`)).toBe(opened * 2);
    expect(await count(sql`SELECT count(*)::int AS n FROM dead_letters`)).toBe(0);
    const workflows = await count(
      sql`SELECT count(*)::int AS n FROM dbos.workflow_status WHERE name = 'support.ticket_escalation' AND status = 'SUCCESS'`,
    );
    expect(workflows).toBe(opened);
  }, 240_000);
});
