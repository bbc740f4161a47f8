import { uuidv7 } from 'uuidv7';
import { apiKeyMatches, generateApiKey, parseApiKey } from '../../platform/auth/api-keys.ts';
import { type AuditAct, type AuditLog, auditLog } from '../../platform/audit/audit-log.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import type { TokenIssuer } from '../../platform/auth/tokens.ts';
import { createCache } from '../../platform/cache/cache.ts';
import { systemClock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { accountsService } from './accounts.service.ts';
import { apiKeysRepository } from './identity.repository.ts';

/**
 * Users and sign-in (accounts.service.ts), and partner API keys with their short cache; ops'
 * changes to keys go to `audit` in their transaction.
 */
export function identityService(
  db: Db,
  tokens: TokenIssuer,
  audit: AuditLog = auditLog(db, systemClock),
) {
  const repo = apiKeysRepository(db);
  // API keys are checked on every partner request; a short cache keeps that off the database.
  const keyCache = createCache<Principal | null>({ ttlMs: 30_000, maxEntries: 10_000 });

  return {
    ...accountsService(db, tokens),

    async createApiKey(partnerName: string, act: AuditAct) {
      const { key, prefix, hash } = generateApiKey();
      const id = uuidv7();
      const made = { id, prefix, partner_name: partnerName };
      await db.transaction().execute(async (trx) => {
        await apiKeysRepository(trx).insertApiKey({
          ...made,
          key_hash: hash,
          created_by: act.by.id,
        });
        // The log names the key by its prefix: never the key or its hash.
        await audit.record(trx, act, {
          action: 'api_key.create',
          target: { type: 'api_key', id },
          before: null,
          after: made,
        });
      });
      // The only time the key is ever shown.
      return { ...made, key };
    },

    listApiKeys: () => repo.listApiKeys(),

    async revokeApiKey(id: string, act: AuditAct) {
      await db.transaction().execute(async (trx) => {
        const row = await apiKeysRepository(trx).revokeApiKey(id, new Date());
        if (!row) throw new AppError('NOT_FOUND', 'No active API key with this id');
        const after = { ...row, revoked_at: row.revoked_at?.toISOString() ?? null };
        await audit.record(trx, act, {
          action: 'api_key.revoke',
          target: { type: 'api_key', id },
          before: { ...after, revoked_at: null },
          after,
        });
      });
      keyCache.clear();
    },

    async resolveApiKey(key: string): Promise<Principal | null> {
      const parsed = parseApiKey(key);
      if (!parsed) return null;
      return keyCache.get(key, async () => {
        const row = await repo.findApiKeyByPrefix(parsed.prefix);
        const principal: Principal | null =
          row && apiKeyMatches(key, row.key_hash)
            ? { kind: 'partner', id: row.id, role: 'partner' }
            : null;
        if (row && principal) void repo.touchApiKey(row.id).catch(() => {});
        return principal;
      });
    },
  };
}

export type IdentityService = ReturnType<typeof identityService>;
