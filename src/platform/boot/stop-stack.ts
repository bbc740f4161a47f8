import type { Logger } from '../observability/logger.ts';

/** What boot started, stopped in reverse order; one part failing to stop does not stop the rest. */
export interface StopStack {
  push(name: string, stop: () => Promise<void>): void;
  stopAll(): Promise<void>;
}

export function createStopStack(logger: Logger): StopStack {
  const stack: Array<{ name: string; stop: () => Promise<void> }> = [];
  return {
    push: (name, stop) => {
      stack.push({ name, stop });
    },
    async stopAll() {
      for (let s = stack.pop(); s; s = stack.pop()) {
        const { name } = s;
        await s
          .stop()
          .catch((err: unknown) => logger.error({ err, component: name }, 'stop failed'));
      }
    },
  };
}
