import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { allModules } from '../../modules/index.ts';
import { platformPruneJobs } from '../boot/retention.ts';
import { DAY_MS, pruneAll } from '../db/prune.ts';
import type { ModuleDefinition } from '../module.ts';
import { DBOS } from './engine.ts';

// Three workflows: one that succeeds, one that fails, one that sleeps an hour.
let done: ((n: number) => Promise<number>) | null = null;
let failing: (() => Promise<number>) | null = null;
let sleeping: (() => Promise<number>) | null = null;
const probe: ModuleDefinition = {
  name: 'retention-probe',
  registerWorkflows: () => {
    done ??= DBOS.registerWorkflow(async (n: number) => n + 1, { name: 'retention_probe.done' });
    failing ??= DBOS.registerWorkflow(
      async () => {
        throw new Error('partner is gone');
      },
      { name: 'retention_probe.failing' },
    );
    sleeping ??= DBOS.registerWorkflow(
      async () => {
        await DBOS.sleep(3_600_000);
        return 0;
      },
      { name: 'retention_probe.sleeping' },
    );
  },
};

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ modules: [...allModules, probe] });
});
afterAll(async () => {
  await t?.stop();
});

const status = async (id: string) => (await DBOS.getWorkflowStatus(id))?.status ?? 'gone';

describe('durable workflow retention', () => {
  it('deletes workflows that succeeded past the retention; failed and running ones stay', async () => {
    if (!done || !failing || !sleeping) throw new Error('probe workflows not registered');
    await (await DBOS.startWorkflow(done, { workflowID: 'retention-done' })(1)).getResult();
    const failed = await DBOS.startWorkflow(failing, { workflowID: 'retention-failing' })();
    await expect(failed.getResult()).rejects.toThrow('partner is gone');
    await DBOS.startWorkflow(sleeping, { workflowID: 'retention-sleeping' })();

    const retention = t.config.retention;
    const job = platformPruneJobs(t.platform.ctx.db, retention, { workflows: true }).find(
      (j) => j.table === 'dbos.workflow_status',
    );
    if (!job) throw new Error('no workflow prune job');
    // Within the retention nothing goes.
    await pruneAll(job, new Date(Date.now() + (retention.workflowDays - 1) * DAY_MS));
    expect(await status('retention-done')).toBe('SUCCESS');

    // Past it, the succeeded workflow goes with its input; the others are kept.
    await pruneAll(job, new Date(Date.now() + (retention.workflowDays + 1) * DAY_MS));
    expect(await status('retention-done')).toBe('gone');
    const input = await sql<{ n: number }>`SELECT count(*)::int AS n FROM dbos.workflow_input
      WHERE workflow_uuid = 'retention-done'`.execute(t.platform.ctx.db);
    expect(input.rows[0]?.n).toBe(0);
    expect(await status('retention-failing')).toBe('ERROR');
    expect(await status('retention-sleeping')).toBe('PENDING');

    // Once canceled, the sleeping one is finished too and goes the same way.
    await DBOS.cancelWorkflow('retention-sleeping');
    await pruneAll(job, new Date(Date.now() + (retention.workflowDays + 1) * DAY_MS));
    expect(await status('retention-sleeping')).toBe('gone');
  });
});
