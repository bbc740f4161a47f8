import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { waitFor } from './platform.ts';
import { freePort, signalAndWait } from './processes.ts';

/**
 * A private redis-server the test can pause, kill and restart without touching the Redis other
 * test files share. Uses the same binary as the machine's Redis service.
 */
export interface PrivateRedis {
  url: string;
  /** Stops answering every client for `ms` (CLIENT PAUSE ALL). */
  pause(ms: number): Promise<void>;
  /** kill -9. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await waitFor(
      async () => {
        const probe = new Redis({
          port,
          host: '127.0.0.1',
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
        });
        probe.on('error', () => undefined);
        try {
          await probe.connect();
          return (await probe.ping()) === 'PONG';
        } finally {
          probe.disconnect();
        }
      },
      10_000,
      'private redis-server',
    );
  };
  const kill = () => signalAndWait(child, 'SIGKILL');
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    async pause(ms) {
      const admin = new Redis({ port, host: '127.0.0.1' });
      await admin.call('CLIENT', 'PAUSE', String(ms), 'ALL');
      admin.disconnect();
    },
    kill,
    restart: start,
    stop: kill,
  };
}
