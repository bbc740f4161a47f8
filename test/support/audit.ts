import type { TestPlatform } from './platform.ts';

/** One entry of `GET /v1/ops/audit`, as the tests read it. */
export interface AuditEntryView {
  id: string;
  at: string;
  actor: { id: string; email: string | null; role: string; level: string | null };
  action: string;
  target: { type: string; id: string };
  reason: string;
  before: unknown;
  after: unknown;
  request_id: string | null;
  idempotency_key: string | null;
}

/** Every audit entry matching `query` (newest first), read page by page as `token`. */
export async function auditEntries(
  t: TestPlatform,
  token: string,
  query = '',
): Promise<AuditEntryView[]> {
  const out: AuditEntryView[] = [];
  let cursor: string | null = null;
  do {
    const url = `/v1/ops/audit?limit=200${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await t.request({ method: 'GET', url, token });
    if (res.statusCode !== 200) throw new Error(`audit list: ${res.statusCode} ${res.body}`);
    const page = res.json() as { items: AuditEntryView[]; next_cursor: string | null };
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}
