import type { Principal } from '../../platform/auth/principal.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import type { Logger } from '../../platform/observability/logger.ts';
import { identityPrivacyRepository } from './identity-privacy.repository.ts';

/** How often each process re-reads the closed accounts while requests come in. */
export const CLOSED_REFRESH_MS = 5_000;

/**
 * The accounts closed within a token's lifetime, kept in each API process: a token of one of
 * them is refused although its signature holds. Read once before the first answer, then again in
 * the background at most every 5 s while requests come in (one indexed query; closing is rare),
 * so another process refuses a closed account's tokens within about 5 s and the process that
 * closed it at once (`closed`).
 */
export function closedAccounts(deps: { db: Db; clock: Clock; tokenTtlS: number; logger: Logger }) {
  const repo = identityPrivacyRepository(deps.db);
  let ids = new Set<string>();
  const added = new Set<string>();
  let readAt = -Infinity;
  let reading: Promise<void> | null = null;

  function read(): Promise<void> {
    reading ??= (async () => {
      const started = deps.clock.now();
      try {
        const rows = await repo.closedSince(new Date(started - deps.tokenTtlS * 1000));
        ids = new Set([...rows.map((r) => r.id), ...added]);
        readAt = started;
      } finally {
        reading = null;
      }
    })();
    return reading;
  }

  return {
    /** False for a signed-in user whose account was closed; partners are not accounts. */
    async isOpen(p: Principal): Promise<boolean> {
      if (p.kind !== 'user') return true;
      if (readAt === -Infinity) await read();
      else if (deps.clock.now() - readAt > CLOSED_REFRESH_MS)
        void read().catch((err: unknown) =>
          deps.logger.warn({ err }, 'reading the closed accounts failed; the last list stays'),
        );
      return !ids.has(p.id) && !added.has(p.id);
    },
    /** This process closed the account: its tokens are refused from now on. */
    closed(userId: string): void {
      added.add(userId);
      ids.add(userId);
    },
  };
}
