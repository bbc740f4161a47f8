import fs from 'node:fs';
import path from 'node:path';

/**
 * Contract checking. With `LASTMILE_CONTRACT_CHECK=1` (set by the test runner) every HTTP response,
 * socket message and bus event is validated against its declared schema. Each check is counted and
 * each violation is kept; with `LASTMILE_CONTRACT_LEDGER_DIR` set, every process (test workers and
 * the app processes they spawn) also writes them there, so the run can total them at the end.
 */
export type ContractKind = 'http' | 'socket' | 'event';

export interface ContractViolation {
  kind: ContractKind;
  /** What was checked: `GET /v1/orders/{id} 200`, `tracking socket → status`, an event type. */
  where: string;
  detail: string;
}

interface Ledger {
  validated: Record<ContractKind, number>;
  violations: ContractViolation[];
}

const KEY = Symbol.for('lastmile.contract.ledger');
const holder = globalThis as unknown as Record<symbol, Ledger | undefined>;

export const contractCheckEnabled = (): boolean => process.env.LASTMILE_CONTRACT_CHECK === '1';

function ledger(): Ledger {
  let l = holder[KEY];
  if (!l) {
    l = { validated: { http: 0, socket: 0, event: 0 }, violations: [] };
    holder[KEY] = l;
    if (process.env.LASTMILE_CONTRACT_LEDGER_DIR) process.once('exit', flushContractCounts);
  }
  return l;
}

/** Writes this process's counts to the ledger directory (at exit, and after each test file). */
export function flushContractCounts(): void {
  const dir = process.env.LASTMILE_CONTRACT_LEDGER_DIR;
  const l = holder[KEY];
  if (!dir || !l) return;
  fs.writeFileSync(path.join(dir, `counts-${process.pid}.json`), JSON.stringify(l.validated));
}

export function recordValidated(kind: ContractKind): void {
  ledger().validated[kind] += 1;
}

export function recordViolation(v: ContractViolation): void {
  ledger().violations.push(v);
  const dir = process.env.LASTMILE_CONTRACT_LEDGER_DIR;
  if (dir)
    fs.appendFileSync(path.join(dir, `violations-${process.pid}.jsonl`), `${JSON.stringify(v)}\n`);
}

/** The violations recorded in this process since the last call (a test file's share). */
export function takeViolations(): ContractViolation[] {
  const l = ledger();
  return l.violations.splice(0, l.violations.length);
}
