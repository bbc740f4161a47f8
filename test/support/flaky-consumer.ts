import { SupportEventDefs } from '../../src/modules/support/index.ts';
import type { DeadLetterView } from '../../src/platform/bus/dead-letters.ts';
import { onceWithInbox } from '../../src/platform/bus/inbox.ts';
import type { ModuleDefinition } from '../../src/platform/module.ts';
import type { TestPlatform } from './platform.ts';
import { waitFor } from './wait.ts';

/**
 * A consumer of `support.ticket_opened` (named `flaky`) whose dependency is broken until the test
 * mends it: while `broken`, each event fails twice and is dead-lettered. `handled` counts every
 * time an event's effect happened, by event id. Add `module` to the platform's modules.
 */
export interface FlakyConsumer {
  module: ModuleDefinition;
  broken: boolean;
  handled: Map<string, number>;
}

export function flakyConsumer(): FlakyConsumer {
  const flaky: FlakyConsumer = {
    broken: true,
    handled: new Map(),
    module: {
      name: 'flaky',
      startWorker: async (ctx) => {
        const handler = onceWithInbox(ctx.db, 'flaky', async (_trx, event) => {
          if (flaky.broken) throw new Error('downstream is down');
          flaky.handled.set(event.id, (flaky.handled.get(event.id) ?? 0) + 1);
        });
        const sub = await ctx.subscribe('flaky', [SupportEventDefs.TICKET_OPENED], handler, {
          maxAttempts: 2,
          backoffMs: () => 10,
        });
        return { stop: () => sub.close() };
      },
    },
  };
  return flaky;
}

/** A dead letter as `GET /v1/ops/dead-letters` lists it. */
export type LetterView = DeadLetterView;

/** Waits until the flaky consumer has left `n` dead letters, and answers them (read as `ops`). */
export function flakyLetters(t: TestPlatform, ops: string, n: number): Promise<LetterView[]> {
  return waitFor(
    async () => {
      const res = await t.request({
        method: 'GET',
        url: '/v1/ops/dead-letters?consumer=flaky',
        token: ops,
      });
      const items = res.json().items as LetterView[];
      return items.length === n ? items : null;
    },
    20_000,
    `${n} dead letters of the flaky consumer`,
  );
}
