import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { waitFor } from '../../../test/support/wait.ts';
import { takeViolations } from '../contract/check.ts';
import { createDatabase, type Db } from '../db/pool.ts';
import {
  declaredEvent,
  declaredHandler,
  defineEvent,
  EventContractError,
  type EventOf,
} from './declared-event.ts';
import { newEvent } from './event.ts';
import { createMemoryBus } from './memory-bus.ts';
import { withOutboxEvents } from './outbox.ts';
import type { DeadLetter } from './port.ts';

const Parcel = Type.Object({ parcel_id: Type.String({ format: 'uuid' }), grams: Type.Integer() });
const SENT = defineEvent('parcels.sent', Parcel, { description: 'A parcel left.' });
const SENT_V2 = defineEvent('parcels.sent', Type.Object({ parcel: Type.String() }), {
  description: 'A parcel left (new shape).',
  version: 2,
});

// Contract checking on, as the test runner sets it, without writing to a run's ledger: the
// violations these tests cause on purpose are taken back by each test.
const saved = { ...process.env };
beforeEach(() => {
  process.env.LASTMILE_CONTRACT_CHECK = '1';
  delete process.env.LASTMILE_CONTRACT_LEDGER_DIR;
  takeViolations();
});
afterEach(() => {
  process.env.LASTMILE_CONTRACT_CHECK = saved.LASTMILE_CONTRACT_CHECK;
  if (saved.LASTMILE_CONTRACT_CHECK === undefined) delete process.env.LASTMILE_CONTRACT_CHECK;
  if (saved.LASTMILE_CONTRACT_LEDGER_DIR)
    process.env.LASTMILE_CONTRACT_LEDGER_DIR = saved.LASTMILE_CONTRACT_LEDGER_DIR;
});

describe('a producer', () => {
  it('builds an event of a declared type with its schema version', () => {
    const e = declaredEvent(SENT, { parcel_id: uuidv7(), grams: 300 }, { aggregateId: 'p' });
    expect(e).toMatchObject({ type: 'parcels.sent', version: 1, aggregateId: 'p' });
    expect(declaredEvent(SENT_V2, { parcel: 'x' }).version).toBe(2);
    expect(takeViolations()).toEqual([]);
  });

  it('throws on a payload that does not match, and records the violation', () => {
    const bad = { parcel_id: 'not-a-uuid', grams: 1.5 } as unknown as {
      parcel_id: string;
      grams: number;
    };
    expect(() => declaredEvent(SENT, bad)).toThrow(EventContractError);
    expect(() => declaredEvent(SENT, bad)).toThrow(/parcels\.sent.*parcel_id/);
    const [v] = takeViolations();
    expect(v).toMatchObject({ kind: 'event', where: 'parcels.sent' });
  });
});

describe('a payload built by the database', () => {
  let tdb: TestDatabase;
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    ({ db, close } = createDatabase(tdb.url, { poolSize: 2, applicationName: 'declared-event' }));
  });
  afterAll(async () => {
    await close?.();
    await tdb?.drop();
  });

  const outboxRows = async (id: string) =>
    (
      await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM outbox WHERE id = ${id}::uuid`.execute(db)
    ).rows[0]?.n;

  // A stand-in change: one row keyed `k`, whose event payload the statement builds.
  const write = (trx: Db, eventId: string, payload: ReturnType<typeof sql>) =>
    withOutboxEvents<{ key: string }>(
      sql`SELECT 'k'::text AS key, ${uuidv7()}::text AS parcel`,
      { def: SENT, keys: ['k'], eventIds: [eventId] },
      sql`changed.key`,
      sql`changed.key`,
      payload,
    ).execute(trx);

  it('is checked after the statement, and its row comes back without it', async () => {
    const id = uuidv7();
    const res = await db
      .transaction()
      .execute((trx) =>
        write(trx, id, sql`jsonb_build_object('parcel_id', changed.parcel, 'grams', 250)`),
      );
    expect(res.rows).toEqual([{ key: 'k', parcel: expect.any(String) }]);
    expect(await outboxRows(id)).toBe(1);
  });

  it('that does not match fails the statement, and in a transaction nothing is written', async () => {
    const id = uuidv7();
    await expect(
      db
        .transaction()
        .execute((trx) =>
          write(trx, id, sql`jsonb_build_object('parcel_id', changed.parcel, 'grams', 'heavy')`),
        ),
    ).rejects.toThrow(EventContractError);
    expect(await outboxRows(id)).toBe(0);
    expect(takeViolations()).toEqual([expect.objectContaining({ where: 'parcels.sent' })]);
  });
});

describe('a consumer', () => {
  it('gets typed payloads, and dead-letters at once what it cannot read', async () => {
    const dead: DeadLetter[] = [];
    const bus = createMemoryBus({
      deadLetter: async (d) => {
        dead.push(d);
      },
      logger: { warn() {}, error() {} },
    });
    const got: Array<EventOf<typeof SENT>> = [];
    const { subjects, handler } = declaredHandler('parcel-counter', [SENT], async (event) => {
      got.push(event);
    });
    expect(subjects).toEqual(['parcels.sent']);
    await bus.subscribe('parcel-counter', subjects, handler, { maxAttempts: 5 });
    const good = declaredEvent(SENT, { parcel_id: uuidv7(), grams: 10 });
    const newer = declaredEvent(SENT_V2, { parcel: 'p-1' });
    const broken = { ...newEvent('parcels.sent', { parcel_id: 'x' }), id: uuidv7() };
    await bus.publish([newer, broken, good]);

    await waitFor(() => got.length === 1 && dead.length === 2, 5000, 'handled and dead-lettered');
    expect(got[0]?.payload.grams).toBe(10);
    // Neither was retried: an event a consumer cannot read never becomes readable by retrying.
    const byId = new Map(dead.map((d) => [d.event.id, d]));
    expect(byId.get(newer.id)?.attempts).toBe(1);
    expect(byId.get(broken.id)?.attempts).toBe(1);
    expect(byId.get(newer.id)?.error).toMatch(/version 2 is not one consumer parcel-counter reads/);
    expect(byId.get(broken.id)?.error).toMatch(/parcel_id: Expected string to match 'uuid'/);
    expect(takeViolations().map((v) => v.where)).toEqual(['parcels.sent', 'parcels.sent']);
    await bus.close();
  });

  it('reads every version it declares', async () => {
    const seen: number[] = [];
    const { handler } = declaredHandler('both', [SENT, SENT_V2], async (event) => {
      // The union is told apart by version at run time; both payloads arrive as declared.
      seen.push(event.version);
    });
    await handler(declaredEvent(SENT_V2, { parcel: 'p' }), { attempt: 1 });
    await handler(declaredEvent(SENT, { parcel_id: uuidv7(), grams: 1 }), { attempt: 1 });
    expect(seen).toEqual([2, 1]);
  });
});
