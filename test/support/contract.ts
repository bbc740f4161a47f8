import { afterAll, afterEach } from 'vitest';
import { flushContractCounts, takeViolations } from '../../src/platform/contract/check.ts';

/** Fails the test during which an answer, a socket message or an event broke the contract. */
afterEach(() => {
  const found = takeViolations();
  if (found.length === 0) return;
  const lines = found.slice(0, 10).map((v) => `  ${v.kind} ${v.where}: ${v.detail}`);
  throw new Error(`${found.length} contract violation(s):\n${lines.join('\n')}`);
});

afterAll(() => flushContractCounts());
