import { uuidv7 } from 'uuidv7';
import { apiKeyMatches, generateApiKey, parseApiKey } from '../../platform/auth/api-keys.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import type { TokenIssuer } from '../../platform/auth/tokens.ts';
import { createCache } from '../../platform/cache/cache.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { accountsService } from './accounts.service.ts';
import { apiKeysRepository } from './identity.repository.ts';

/** Users and sign-in (accounts.service.ts), and partner API keys with their short cache. */
export function identityService(db: Db, tokens: TokenIssuer) {
  const repo = apiKeysRepository(db);
  // API keys are checked on every partner request; a short cache keeps that off the database.
  const keyCache = createCache<Principal | null>({ ttlMs: 30_000, maxEntries: 10_000 });

  return {
    ...accountsService(db, tokens),

    async createApiKey(partnerName: string, createdBy: string) {
      const { key, prefix, hash } = generateApiKey();
      const id = uuidv7();
      await repo.insertApiKey({
        id,
        prefix,
        key_hash: hash,
        partner_name: partnerName,
        created_by: createdBy,
      });
      // The only time the key is ever shown.
      return { id, key, prefix, partner_name: partnerName };
    },

    listApiKeys: () => repo.listApiKeys(),

    async revokeApiKey(id: string) {
      if (!(await repo.revokeApiKey(id)))
        throw new AppError('NOT_FOUND', 'No active API key with this id');
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
