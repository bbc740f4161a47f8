import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ContractKind, ContractViolation } from '../../src/platform/contract/check.ts';

/**
 * Turns contract checking on for the whole run (test workers and the app processes they spawn
 * inherit the environment) and totals what every process checked when the run ends. A violation
 * anywhere fails the run, even one raised in a child process.
 */
export function openContractLedger(): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lastmile-contract-'));
  process.env.LASTMILE_CONTRACT_CHECK = '1';
  process.env.LASTMILE_CONTRACT_LEDGER_DIR = dir;
  return () => {
    const totals: Record<ContractKind, number> = { http: 0, socket: 0, event: 0 };
    const violations: ContractViolation[] = [];
    for (const f of fs.readdirSync(dir)) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      if (f.startsWith('counts-')) {
        const counts = JSON.parse(text) as Record<ContractKind, number>;
        for (const k of Object.keys(totals) as ContractKind[]) totals[k] += counts[k] ?? 0;
      } else {
        for (const line of text.split('\n'))
          if (line) violations.push(JSON.parse(line) as ContractViolation);
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
    console.log(
      `contract check: ${totals.http} HTTP responses, ${totals.socket} socket messages and ${totals.event} events validated; ${violations.length} violations`,
    );
    if (violations.length > 0) {
      const shown = violations.slice(0, 20).map((v) => `  ${v.kind} ${v.where}: ${v.detail}`);
      throw new Error(`contract violations:\n${shown.join('\n')}`);
    }
  };
}
