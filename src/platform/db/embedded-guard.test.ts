import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkReachableByPostgres } from './embedded-guard.ts';

describe('embedded Postgres under root', () => {
  it('names a directory on the way to the data that the postgres user cannot enter, and how to fix it', async () => {
    // mkdtemp makes the directory with mode 0700, as `mktemp -d` does.
    const closed = mkdtempSync(path.join(tmpdir(), 'lastmile-closed-'));
    const dataDir = path.join(closed, 'data');
    mkdirSync(dataDir);
    const check = checkReachableByPostgres(dataDir);
    if (process.getuid?.() === 0) {
      await expect(check).rejects.toThrow(`cannot enter ${closed} (mode 700)`);
      await expect(checkReachableByPostgres(dataDir)).rejects.toThrow('chmod o+x');
    } else {
      // Not root: Postgres runs as this user, who can reach what it made.
      await expect(check).resolves.toBeUndefined();
    }
  });
});
