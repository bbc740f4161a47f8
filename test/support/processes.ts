import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const BIN = path.resolve('bin/lastmile.js');

export interface LastmileProcess {
  child: ChildProcess;
  output: () => string;
  /** kill -9: no shutdown hooks run, exactly like a crash. */
  crash(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `lastmile start` as a real OS process and waits until it says it is running. */
export async function spawnLastmile(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<LastmileProcess> {
  const child = spawn(process.execPath, [BIN, 'start', '--no-seed', ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d) => {
    out += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lastmile ${args.join(' ')} did not start:\n${out}`)), timeoutMs);
    const onData = () => {
      if (out.includes('lastmile is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lastmile ${args.join(' ')} exited with ${code}:\n${out}`));
    });
  });
  return {
    child,
    output: () => out,
    async crash() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A TCP port free right now on 127.0.0.1, for a process the test starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}
