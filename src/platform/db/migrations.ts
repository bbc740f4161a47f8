import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';

/** A folder of numbered plain SQL files (`0001_create_outbox.sql`) owned by one module. */
export interface MigrationSource {
  name: string;
  dir: string;
}

interface MigrationFile {
  source: string;
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

const FILE_RE = /^(\d{4})_([a-z0-9_]+)\.sql$/;
// One lock for every process of every role: the first to boot migrates, the others wait and
// then find nothing left to do.
const LOCK_KEY = 7_042_025_001;

export async function readMigrations(
  sources: readonly MigrationSource[],
): Promise<MigrationFile[]> {
  const out: MigrationFile[] = [];
  for (const src of sources) {
    const entries = await fs.readdir(src.dir).catch(() => [] as string[]);
    const files: MigrationFile[] = [];
    for (const entry of entries.sort()) {
      if (!entry.endsWith('.sql')) continue;
      const m = FILE_RE.exec(entry);
      if (!m) throw new Error(`migration ${src.name}/${entry} must be named NNNN_snake_case.sql`);
      const sql = await fs.readFile(path.join(src.dir, entry), 'utf8');
      files.push({
        source: src.name,
        version: Number(m[1]),
        name: m[2] ?? entry,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex').slice(0, 16),
      });
    }
    files.forEach((f, i) => {
      if (f.version !== i + 1)
        throw new Error(
          `migration ${src.name}/${f.version} is out of sequence (expected ${i + 1})`,
        );
    });
    out.push(...files);
  }
  return out;
}

/**
 * Applies pending migrations in source order, each file in its own transaction, under a
 * session advisory lock so processes starting together never race. A file whose content changed
 * after it was applied stops boot: migrations are append-only.
 */
export async function migrate(
  pool: pg.Pool,
  sources: readonly MigrationSource[],
): Promise<{ applied: string[] }> {
  const files = await readMigrations(sources);
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    // A migration (an index on a large table) or waiting for another process's may take longer
    // than the platform lets a statement run; RESET below gives the connection its limits back.
    await client.query('SET statement_timeout = 0; SET lock_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS lastmile_migrations (
      source text NOT NULL, version int NOT NULL, name text NOT NULL, checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (source, version))`);
    const done = await client.query<{ source: string; version: number; checksum: string }>(
      'SELECT source, version, checksum FROM lastmile_migrations',
    );
    const known = new Map(done.rows.map((r) => [`${r.source}/${r.version}`, r.checksum]));
    for (const f of files) {
      const key = `${f.source}/${f.version}`;
      const seen = known.get(key);
      if (seen !== undefined) {
        if (seen !== f.checksum) {
          throw new Error(
            `migration ${key}_${f.name} changed after it was applied; add a new migration instead`,
          );
        }
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(f.sql);
        await client.query(
          'INSERT INTO lastmile_migrations (source, version, name, checksum) VALUES ($1, $2, $3, $4)',
          [f.source, f.version, f.name, f.checksum],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${key}_${f.name} failed`, { cause: err });
      }
      applied.push(`${f.source}/${String(f.version).padStart(4, '0')}_${f.name}`);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    await client.query('RESET statement_timeout; RESET lock_timeout').catch(() => {});
    client.release();
  }
  return { applied };
}
