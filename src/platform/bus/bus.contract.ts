import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/support/wait.ts';
import { barrier, busHarness, deferred, recorder, sorted } from './bus-support.contract.ts';
import { newEvent } from './event.ts';
import type { DeadLetterSink, EventBus } from './port.ts';

/**
 * The behaviour every EventBus adapter must have (what it keeps for consumer names is in
 * bus-consumers.contract.ts); run against the in-process and the NATS adapter so single-process
 * mode cannot drift from production. `makeBus` must return a bus that shares no state with
 * earlier calls (fresh instance, or fresh NATS prefix).
 */
export function busContract(
  name: string,
  makeBus: (deadLetter: DeadLetterSink) => Promise<EventBus>,
): void {
  describe(`EventBus contract: ${name}`, () => {
    const { setup, cleanups } = busHarness(makeBus);

    it('delivers a published event exactly as published, and only matching types', async () => {
      const { bus } = await setup();
      const r = recorder();
      await bus.subscribe('shop', ['orders.placed'], r.handler, { concurrency: 1 });
      const other = newEvent('orders.cancelled', { orderId: 'o0' });
      const placed = newEvent(
        'orders.placed',
        { orderId: 'o1', lines: [{ sku: 'apple', qty: 2 }], totalMinor: 499, currency: 'EUR' },
        { aggregateId: 'o1', traceId: 'trace-1', version: 2 },
      );
      await bus.publish([other, placed]);
      await waitFor(() => r.events.length >= 1, 5_000, 'delivery');
      await barrier(bus, 'orders.placed', [r]);
      expect(r.events).toEqual([placed]);
      expect(r.attempts).toEqual([1]);
    });

    it('matches subjects with * and > wildcards, across several domains', async () => {
      const { bus } = await setup();
      const wide = recorder();
      const pair = recorder();
      await bus.subscribe('wide', ['orders.*', 'payments.>'], wide.handler);
      await bus.subscribe('pair', ['orders.placed', 'orders.cancelled'], pair.handler, {
        concurrency: 1,
      });
      const e = {
        placed: newEvent('orders.placed', {}),
        cancelled: newEvent('orders.cancelled', {}),
        shipped: newEvent('orders.shipped', {}),
        deep: newEvent('orders.placed.late', {}),
        captured: newEvent('payments.captured', {}),
        refund: newEvent('payments.refund.issued', {}),
        driver: newEvent('drivers.online', {}),
      };
      await bus.publish(Object.values(e));
      const wideWant = [e.placed, e.cancelled, e.shipped, e.captured, e.refund].map((x) => x.id);
      const pairWant = [e.placed, e.cancelled].map((x) => x.id);
      await waitFor(
        () => wide.events.length >= wideWant.length && pair.events.length >= pairWant.length,
      );
      await barrier(bus, 'orders.placed', [wide, pair]);
      await barrier(bus, 'payments.captured', [wide]);
      expect(sorted(wide.ids())).toEqual(sorted(wideWant));
      expect(sorted(pair.ids())).toEqual(sorted(pairWant));
    });

    it('gives every event to each consumer name (fan-out)', async () => {
      const { bus } = await setup();
      const a = recorder();
      const b = recorder();
      await bus.subscribe('billing', ['orders.>'], a.handler, { concurrency: 1 });
      await bus.subscribe('analytics', ['orders.>'], b.handler, { concurrency: 1 });
      const events = Array.from({ length: 5 }, (_, i) => newEvent('orders.placed', { i }));
      await bus.publish(events);
      await waitFor(() => a.events.length >= 5 && b.events.length >= 5);
      await barrier(bus, 'orders.placed', [a, b]);
      const want = sorted(events.map((x) => x.id));
      expect(sorted(a.ids())).toEqual(want);
      expect(sorted(b.ids())).toEqual(want);
    });

    it('splits events between subscriptions sharing a consumer name, each handled once', async () => {
      const { bus } = await setup();
      // Each member holds its first event until the other member has one too: proves both
      // take part without depending on how fast either is.
      const bothBusy = deferred();
      cleanups.push(bothBusy.resolve);
      const gate = async () => {
        if (a.events.length > 0 && b.events.length > 0) bothBusy.resolve();
        await bothBusy.promise;
      };
      const a = recorder(gate);
      const b = recorder(gate);
      await bus.subscribe('dispatcher', ['orders.>'], a.handler, { concurrency: 1 });
      await bus.subscribe('dispatcher', ['orders.>'], b.handler, { concurrency: 1 });
      const events = Array.from({ length: 20 }, (_, i) => newEvent('orders.placed', { i }));
      await bus.publish(events);
      const total = () => a.events.length + b.events.length;
      await waitFor(() => total() >= events.length, 10_000, 'all events handled');
      await barrier(bus, 'orders.placed', [a, b], { any: true });
      const handled = [...a.ids(), ...b.ids()];
      expect(sorted(handled)).toEqual(sorted(events.map((e) => e.id)));
      expect(a.events.length).toBeGreaterThan(0);
      expect(b.events.length).toBeGreaterThan(0);
    });

    it('delivers a duplicate publish of the same event id once', async () => {
      const { bus } = await setup();
      const r = recorder();
      await bus.subscribe('dedupe', ['orders.>'], r.handler, { concurrency: 1 });
      const e = newEvent('orders.placed', { orderId: 'o1' });
      await bus.publish([e]);
      await bus.publish([e, { ...e }]);
      const marker = newEvent('orders.marker', {});
      await bus.publish([marker]);
      // Concurrency 1 keeps stream order, so any duplicate would arrive before the marker.
      await waitFor(() => r.ids().includes(marker.id));
      expect(r.ids()).toEqual([e.id, marker.id]);
    });

    it('redelivers after a failure until the handler succeeds, without dead-lettering', async () => {
      const { bus, deadLetters } = await setup();
      const r = recorder(async (_event, { attempt }) => {
        if (attempt < 3) throw new Error(`transient ${attempt}`);
      });
      await bus.subscribe('flaky', ['payments.>'], r.handler, {
        maxAttempts: 5,
        backoffMs: () => 20,
        concurrency: 1,
      });
      const e = newEvent('payments.captured', { amountMinor: 1200 });
      await bus.publish([e]);
      await waitFor(() => r.events.length >= 3);
      await barrier(bus, 'payments.captured', [r]);
      expect(r.attempts).toEqual([1, 2, 3]);
      expect(r.ids()).toEqual([e.id, e.id, e.id]);
      expect(deadLetters).toEqual([]);
    });

    it('dead-letters after exactly maxAttempts failed deliveries and then drops the event', async () => {
      const { bus, deadLetters } = await setup();
      const r = recorder(async () => {
        throw new Error('card declined: insufficient funds');
      });
      await bus.subscribe('doomed', ['payments.>'], r.handler, {
        maxAttempts: 3,
        backoffMs: () => 20,
        concurrency: 1,
      });
      const e = newEvent('payments.captured', { amountMinor: 1200 });
      await bus.publish([e]);
      await waitFor(() => deadLetters.length >= 1);
      await barrier(bus, 'payments.captured', [r]);
      expect(r.attempts).toEqual([1, 2, 3]);
      expect(deadLetters).toEqual([
        { consumer: 'doomed', event: e, attempts: 3, error: 'card declined: insufficient funds' },
      ]);
    });

    it('close() waits for handlers in flight', async () => {
      const { bus } = await setup();
      const log: string[] = [];
      const release = deferred();
      cleanups.push(release.resolve);
      const sub = await bus.subscribe('slow', ['orders.>'], async () => {
        log.push('start');
        await release.promise;
        log.push('end');
      });
      await bus.publish([newEvent('orders.placed', {})]);
      await waitFor(() => log.includes('start'));
      const closing = sub.close().then(() => log.push('closed'));
      // A close() that did not wait for the handler would have ended by now: a round trip on the
      // bus, then a turn of the event loop.
      await bus.ping();
      await new Promise((r) => setImmediate(r));
      log.push('released');
      release.resolve();
      await closing;
      expect(log).toEqual(['start', 'released', 'end', 'closed']);
    });

    it('keeps publish order with concurrency 1', async () => {
      const { bus } = await setup();
      const r = recorder();
      await bus.subscribe('ledger', ['orders.>'], r.handler, { concurrency: 1 });
      const events = Array.from({ length: 10 }, (_, i) => newEvent('orders.placed', { i }));
      await bus.publish(events.slice(0, 5));
      await bus.publish(events.slice(5));
      await waitFor(() => r.events.length >= 10);
      expect(r.ids()).toEqual(events.map((e) => e.id));
    });

    it('runs at most `concurrency` handlers of a subscription at once', async () => {
      const { bus } = await setup();
      let active = 0;
      let peak = 0;
      // The first handlers hold until three run at once (so more than one can), then all go on.
      const full = deferred();
      cleanups.push(full.resolve);
      const r = recorder(async () => {
        active += 1;
        peak = Math.max(peak, active);
        if (active === 3) full.resolve();
        await full.promise;
        active -= 1;
      });
      await bus.subscribe('pool', ['orders.>'], r.handler, { concurrency: 3 });
      await bus.publish(Array.from({ length: 12 }, (_, i) => newEvent('orders.placed', { i })));
      await waitFor(() => r.events.length >= 12 && active === 0, 10_000);
      expect(peak).toBeLessThanOrEqual(3);
      expect(peak).toBeGreaterThan(1);
    });

    it('rejects event types and patterns that cannot map to a subject', async () => {
      const { bus } = await setup();
      await expect(bus.publish([newEvent('nodomain', {})])).rejects.toThrow();
      await expect(bus.publish([newEvent('orders.bad type', {})])).rejects.toThrow();
      await expect(bus.subscribe('x', ['*.placed'], async () => {})).rejects.toThrow(
        /literal domain/,
      );
      await expect(bus.subscribe('x', [], async () => {})).rejects.toThrow();
    });

    it('announces live data to every listener of the exact topic, and to nobody after close', async () => {
      const { bus } = await setup();
      const a: unknown[] = [];
      const b: unknown[] = [];
      const other: unknown[] = [];
      const la = bus.listen('drivers.d1', (d) => a.push(d));
      const lb = bus.listen('drivers.d1', (d) => b.push(d));
      const lo = bus.listen('drivers.d2', (d) => other.push(d));
      // Core NATS subscriptions are registered once the server has seen them.
      await bus.ping();
      bus.announce('drivers.d1', { offer: 'o1', at: 1 });
      await waitFor(() => a.length === 1 && b.length === 1, 5_000, 'live delivery');
      expect(a).toEqual([{ offer: 'o1', at: 1 }]);
      expect(b).toEqual([{ offer: 'o1', at: 1 }]);
      await la.close();
      await bus.ping();
      bus.announce('drivers.d1', { offer: 'o2' });
      await waitFor(() => b.length === 2, 5_000, 'second live delivery');
      // Live data reaches a listener in the order announced: once the marks arrive, anything the
      // closed listener or the other topic's would (wrongly) get has arrived too.
      bus.announce('drivers.d1', { mark: 1 });
      bus.announce('drivers.d2', { mark: 2 });
      await waitFor(() => b.length === 3 && other.length === 1, 5_000, 'the marks');
      expect(a).toHaveLength(1);
      expect(other).toEqual([{ mark: 2 }]);
      await lb.close();
      await lo.close();
      expect(() => bus.announce('bad topic', {})).toThrow(/live topic/);
    });

    it('answers ping while open', async () => {
      const { bus } = await setup();
      await expect(bus.ping()).resolves.toBeUndefined();
    });
  });
}
