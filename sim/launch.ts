import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const BIN = path.resolve('bin/lastmile.js');
/** How much of the latest output is kept for an error message. */
const KEEP_CHARS = 50_000;

export interface LastmileProcess {
  child: ChildProcess;
  /** The latest output (stdout and stderr), for an error message. */
  output: () => string;
  /** kill -9: no shutdown hooks run, exactly like a crash. */
  crash(): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `lastmile start <args>` as an OS process and resolves once it says it is running; rejects
 * with its output when it exits first or takes longer than `timeoutMs`. Every chunk of output also
 * goes to `onOutput` (a log file). Used by the simulator and by the multi-process tests.
 */
export async function launchLastmile(
  args: string[],
  env: Record<string, string>,
  opts: { timeoutMs?: number; onOutput?: (chunk: Buffer) => void } = {},
): Promise<LastmileProcess> {
  const child = spawn(process.execPath, [BIN, 'start', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let started = false;
  let onStarted = () => {};
  const onData = (d: Buffer) => {
    opts.onOutput?.(d);
    const text = d.toString();
    // Only the new text (and a line's worth before it, for a message split across chunks) is searched.
    if (!started && `${out.slice(-200)}${text}`.includes('lastmile is running')) {
      started = true;
      onStarted();
    }
    out += text;
    if (out.length > 2 * KEEP_CHARS) out = out.slice(-KEEP_CHARS);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  await new Promise<void>((resolve, reject) => {
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`lastmile ${args.join(' ')} did not start in ${timeoutMs / 1000} s:\n${out}`),
      );
    }, timeoutMs);
    onStarted = () => {
      clearTimeout(timer);
      resolve();
    };
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lastmile ${args.join(' ')} exited with ${code}:\n${out}`));
    });
  });
  return {
    child,
    output: () => out,
    async crash() {
      if (!running()) return;
      child.kill('SIGKILL');
      await exited;
    },
    async stop(graceMs = 30_000) {
      if (!running()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Runs a one-off `lastmile <args>` (a seed, an import) to its end; rejects with its output when it
 * exits with another code than 0 or takes longer than `timeoutMs`.
 */
export async function runLastmileCommand(
  args: string[],
  env: Record<string, string>,
  opts: { timeoutMs?: number; onOutput?: (chunk: Buffer) => void } = {},
): Promise<void> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const onData = (d: Buffer) => {
    opts.onOutput?.(d);
    out = `${out}${d.toString()}`.slice(-KEEP_CHARS);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  await new Promise<void>((resolve, reject) => {
    const timeoutMs = opts.timeoutMs ?? 120_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`lastmile ${args.join(' ')} did not finish in ${timeoutMs / 1000} s:\n${out}`),
      );
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`lastmile ${args.join(' ')} exited with ${code}:\n${out}`));
    });
  });
}
