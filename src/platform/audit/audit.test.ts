import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntries } from '../../../test/support/audit.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { openShop, paidOrderAt, type Shop } from '../../../test/support/shop.ts';
import type { Principal } from '../auth/principal.ts';
import { csvCell, csvLine } from './audit-csv.ts';
import { AUDIT_CSV_COLUMNS, auditFor } from './audit-log.ts';

describe('audit CSV cells', () => {
  it('quotes what needs quoting and keeps a spreadsheet from reading a cell as a formula', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(' padded')).toBe('" padded"');
    for (const formula of ['=1+1', '+1', '-1', '@SUM(A1)', '\tTAB', '\rCR'])
      expect(csvCell(formula).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell({ a: 1, b: 'x,y' })).toBe('"{""a"":1,""b"":""x,y""}"');
    expect(csvCell(new Date('2026-01-02T03:04:05.000Z'))).toBe('2026-01-02T03:04:05.000Z');
    expect(csvLine(['a', null, '=b'])).toBe("a,,'=b\r\n");
  });
});

/** A small RFC 4180 reader: the test's own, so it checks what the export wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(cell);
      cell = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      rows.push([...row, cell]);
      row = [];
      cell = '';
      i++;
    } else {
      cell += c;
    }
  }
  return rows;
}

let t: TestPlatform;
let shop: Shop;
let ops: string;
let agent: string;
beforeAll(async () => {
  t = await startTestPlatform();
  shop = await openShop(t, { stock: [50] });
  ops = await t.tokenFor('ops');
  agent = await t.tokenFor('ops', 1);
});
afterAll(async () => t?.stop());

const actor: Principal = {
  kind: 'user',
  id: '0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a10',
  role: 'ops',
  opsLevel: 'agent',
  email: 'csv@test.lastmile.dev',
};

describe('the audit log', () => {
  it("writes ops' cancels with the order's state before and after; a customer's cancel is not in it", async () => {
    const customer = await t.tokenFor('customer');
    const cancel = async (token: string, reason: string) => {
      const { id } = await paidOrderAt(t, shop, { token });
      const res = await t.request({
        method: 'POST',
        url: `/v1/orders/${id}/cancel`,
        token,
        headers: { 'idempotency-key': `cancel-${id}` },
        payload: { reason },
      });
      expect(res.statusCode).toBe(200);
      return id;
    };
    const byCustomer = await cancel(customer, 'changed my mind');
    const { id } = await paidOrderAt(t, shop, { token: customer });
    const res = await t.request({
      method: 'POST',
      url: `/v1/orders/${id}/cancel`,
      token: agent,
      payload: { reason: 'the store called: no courier tonight' },
    });
    expect(res.statusCode).toBe(200);
    expect(await auditEntries(t, ops, `target_type=order&target_id=${byCustomer}`)).toEqual([]);
    const [entry] = await auditEntries(t, ops, `target_type=order&target_id=${id}`);
    expect(entry).toMatchObject({
      action: 'order.cancel',
      actor: { role: 'ops', level: 'agent', email: 'agent@demo.lastmile.dev' },
      reason: 'the store called: no courier tonight',
      before: { status: 'authorized' },
      after: { status: 'canceled', reason: 'ops: the store called: no courier tonight' },
    });
    expect(entry?.request_id).toEqual(expect.any(String));
  });

  it('lists newest first, a page at a time, by actor, action, target and time', async () => {
    const log = auditFor(t.platform.ctx);
    const db = t.platform.ctx.db;
    const act = { by: actor, reason: 'listing', requestId: null, idempotencyKey: null };
    const from = new Date(t.platform.ctx.clock.now() - 1).toISOString();
    for (const n of [1, 2, 3])
      await log.record(db, act, {
        action: 'test.list',
        target: { type: 'thing', id: `t${n}` },
        before: { n: n - 1 },
        after: { n },
      });
    const all = await auditEntries(t, ops, `actor_id=${actor.id}&action=test.list`);
    expect(all.map((a) => a.target.id)).toEqual(['t3', 't2', 't1']);
    const first = (
      await t.request({
        method: 'GET',
        url: `/v1/ops/audit?action=test.list&limit=2&from=${from}`,
        token: agent,
      })
    ).json();
    expect(first.items.map((a: { target: { id: string } }) => a.target.id)).toEqual(['t3', 't2']);
    const second = (
      await t.request({
        method: 'GET',
        url: `/v1/ops/audit?action=test.list&limit=2&cursor=${first.next_cursor}`,
        token: agent,
      })
    ).json();
    expect(second).toMatchObject({ items: [{ target: { id: 't1' } }], next_cursor: null });
    expect(await auditEntries(t, ops, 'target_type=thing&target_id=t2')).toHaveLength(1);
    expect(await auditEntries(t, ops, `action=test.list&to=${from}`)).toEqual([]);
    const leap = await t.request({
      method: 'GET',
      url: '/v1/ops/audit?from=2016-12-31T23:59:60Z',
      token: ops,
    });
    expect(leap.statusCode).toBe(400);
    expect(leap.json().errors).toEqual([{ path: 'querystring.from', message: 'not a time' }]);
    // A request repeated after its stored answer was lost records its action once.
    const keyed = { ...act, idempotencyKey: 'lost-answer' };
    const change = {
      action: 'test.keyed',
      target: { type: 'thing', id: 'k' },
      before: null,
      after: null,
    };
    await log.record(db, keyed, change);
    await log.record(db, keyed, change);
    expect(await auditEntries(t, ops, 'action=test.keyed')).toHaveLength(1);
    expect(
      (await t.request({ method: 'GET', url: '/v1/ops/audit', token: shop.storeToken })).statusCode,
    ).toBe(403);
  });

  it('exports CSV with every column, each cell escaped and formulas defused', async () => {
    const log = auditFor(t.platform.ctx);
    const reasons = ['=HYPERLINK("http://evil.example","click")', '+1 refund', 'a, "b"\nc'];
    for (const reason of reasons)
      await log.record(
        t.platform.ctx.db,
        { by: actor, reason, requestId: 'req-1', idempotencyKey: null },
        {
          action: 'test.csv',
          target: { type: 'thing', id: '@x' },
          before: null,
          after: { note: '-2' },
        },
      );
    const res = await t.request({
      method: 'GET',
      url: '/v1/ops/audit.csv?action=test.csv',
      token: agent,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename=/);
    const [header, ...rows] = parseCsv(res.body);
    expect(header).toEqual([...AUDIT_CSV_COLUMNS]);
    expect(rows).toHaveLength(3);
    const col = (name: (typeof AUDIT_CSV_COLUMNS)[number]) => AUDIT_CSV_COLUMNS.indexOf(name);
    // Newest first; the two starting like formulas read as text.
    expect(rows.map((r) => r[col('reason')])).toEqual([
      reasons[2],
      `'${reasons[1]}`,
      `'${reasons[0]}`,
    ]);
    const row = rows[0] as string[];
    expect(row[col('target_id')]).toBe("'@x");
    expect(row[col('before')]).toBe('');
    expect(JSON.parse(row[col('after')] as string)).toEqual({ note: '-2' });
    expect(row[col('actor_email')]).toBe(actor.email);
    expect(row[col('actor_level')]).toBe('agent');
    expect(row[col('request_id')]).toBe('req-1');
    const customer = await t.tokenFor('customer');
    expect(
      (await t.request({ method: 'GET', url: '/v1/ops/audit.csv', token: customer })).statusCode,
    ).toBe(403);
  });
});
