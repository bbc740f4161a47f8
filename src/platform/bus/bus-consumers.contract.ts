import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/support/wait.ts';
import { barrier, busHarness, recorder, sorted } from './bus-support.contract.ts';
import { newEvent } from './event.ts';
import type { DeadLetterSink, EventBus } from './port.ts';

/**
 * The EventBus contract for consumer names (with bus.contract.ts, run against every adapter): a
 * name keeps its events while it has no subscription, and `consumers()` says what waits for it.
 */
export function busConsumersContract(
  name: string,
  makeBus: (deadLetter: DeadLetterSink) => Promise<EventBus>,
): void {
  describe(`EventBus contract: ${name}, consumer names`, () => {
    const { setup } = busHarness(makeBus);

    it('keeps events for a consumer name while it has no subscription (durable)', async () => {
      const { bus } = await setup();
      const first = recorder();
      const sub = await bus.subscribe('mailer', ['orders.>'], first.handler);
      await sub.close();
      const events = Array.from({ length: 3 }, (_, i) => newEvent('orders.placed', { i }));
      await bus.publish(events);
      // The bus says what waits for the name (ops' health screen shows it as consumer lag).
      const backlog = async () => (await bus.consumers()).find((c) => c.consumer === 'mailer');
      await waitFor(async () => (await backlog())?.pending === 3, 5_000, 'a backlog of 3');
      expect(await backlog()).toMatchObject({ pending: 3, inFlight: 0, redelivered: 0 });
      const second = recorder();
      await bus.subscribe('mailer', ['orders.>'], second.handler, { concurrency: 1 });
      await waitFor(() => second.events.length >= 3);
      await barrier(bus, 'orders.placed', [second]);
      // The closed subscription got none of them: they waited for the next one, which got all.
      expect(first.events).toEqual([]);
      expect(sorted(second.ids())).toEqual(sorted(events.map((e) => e.id)));
      await waitFor(
        async () => (await backlog())?.pending === 0 && (await backlog())?.inFlight === 0,
        5_000,
        'no backlog once handled',
      );
    });

    it('keeps the whole domain for a closed consumer name; the next subscription takes the types it asks for', async () => {
      const { bus } = await setup();
      const sub = await bus.subscribe('audit', ['orders.placed'], async () => {});
      await sub.close();
      const placed = newEvent('orders.placed', {});
      const cancelled = newEvent('orders.cancelled', {});
      await bus.publish([placed, cancelled, newEvent('payments.captured', {})]);
      const r = recorder();
      await bus.subscribe('audit', ['orders.cancelled', 'payments.>'], r.handler, {
        concurrency: 1,
      });
      const marker = newEvent('payments.marker', {});
      await bus.publish([marker]);
      // Concurrency 1 keeps each stream's order: anything wrongly kept arrives before the marker
      // of its stream (the cancelled event is the last of the orders stream).
      await waitFor(() => r.ids().includes(marker.id) && r.ids().includes(cancelled.id));
      // payments.captured came before the name subscribed to payments: not kept (DeliverPolicy.New).
      // Two streams, so no order between the two.
      expect(sorted(r.ids())).toEqual(sorted([cancelled.id, marker.id]));
    });
  });
}
