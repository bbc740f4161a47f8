import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { describeWithServices, natsUrl, testPrefix } from '../../../test/support/services.ts';
import { waitFor } from '../../../test/support/wait.ts';
import { busConsumersContract } from './bus-consumers.contract.ts';
import { busContract } from './bus.contract.ts';
import { type DomainEvent, newEvent } from './event.ts';
import { createNatsBus, type NatsBus, natsStreamName } from './nats-bus.ts';
import type { DeadLetterSink } from './port.ts';

describeWithServices('NATS bus adapter', { nats: natsUrl() }, ({ nats: url }) => {
  const silent = { warn() {}, error() {} };
  const prefixes: string[] = [];
  const freshPrefix = () => {
    const p = testPrefix('bus');
    prefixes.push(p);
    return p;
  };

  // A fresh prefix per bus: its own streams and durables, so tests cannot see each other's events.
  const makeBus = async (deadLetter: DeadLetterSink) =>
    createNatsBus({ url, prefix: freshPrefix(), deadLetter, logger: silent });
  busContract('nats', makeBus);
  busConsumersContract('nats', makeBus);

  describe('NATS bus', () => {
    const buses: NatsBus[] = [];
    const noDeadLetter = async () => {};
    afterEach(async () => {
      await Promise.all(buses.splice(0).map((b) => b.close()));
    });

    /** Waits until the server holds nothing undelivered or unacknowledged for this durable. */
    async function drained(bus: NatsBus, prefix: string, domain: string, consumer: string) {
      const jsm = await jetstreamManager(bus.connection);
      await waitFor(
        async () => {
          const info = await jsm.consumers.info(natsStreamName(prefix, domain), consumer);
          return info.num_pending === 0 && info.num_ack_pending === 0;
        },
        10_000,
        `every ${domain} event acknowledged by ${consumer}`,
      );
    }

    it('shares one durable between processes using the same consumer name', async () => {
      const prefix = freshPrefix();
      const [p1, p2] = await Promise.all(
        [1, 2].map(() => createNatsBus({ url, prefix, deadLetter: noDeadLetter, logger: silent })),
      );
      if (!p1 || !p2) throw new Error('unreachable');
      buses.push(p1, p2);
      const seen: { bus: number; event: DomainEvent }[] = [];
      await p1.subscribe('dispatcher', ['orders.>'], async (event) => {
        seen.push({ bus: 1, event });
      });
      await p2.subscribe('dispatcher', ['orders.>'], async (event) => {
        seen.push({ bus: 2, event });
      });
      const events = Array.from({ length: 20 }, (_, i) => newEvent('orders.placed', { i }));
      await p1.publish(events.slice(0, 10));
      await p2.publish(events.slice(10));
      await waitFor(() => seen.length >= events.length, 10_000);
      // Nothing unacknowledged is left to be redelivered, so `seen` is final.
      await drained(p1, prefix, 'orders', 'dispatcher');
      expect(seen.map((s) => s.event.id).sort()).toEqual(events.map((e) => e.id).sort());
    });

    it('keeps delivering across a forced reconnect', async () => {
      const prefix = freshPrefix();
      const bus = await createNatsBus({ url, prefix, deadLetter: noDeadLetter, logger: silent });
      buses.push(bus);
      const got: string[] = [];
      await bus.subscribe('tracker', ['drivers.>'], async (event) => {
        got.push(event.id);
      });
      const before = newEvent('drivers.online', { driverId: 'd1' });
      await bus.publish([before]);
      await waitFor(() => got.includes(before.id));
      // Let the ack land first: an ack confirmation cut off by the reconnect would only time out
      // (5 s) and keep close() waiting, which is not what this test is about.
      await drained(bus, prefix, 'drivers', 'tracker');

      const reconnected = (async () => {
        for await (const s of bus.connection.status()) if (s.type === 'reconnect') return;
      })();
      await bus.connection.reconnect();
      await reconnected;

      const after = newEvent('drivers.offline', { driverId: 'd1' });
      await bus.publish([after]);
      await waitFor(() => got.includes(after.id), 10_000, 'delivery after reconnect');
      expect(got).toEqual([before.id, after.id]);
    });

    it('fails ping once closed', async () => {
      const bus = await createNatsBus({
        url,
        prefix: freshPrefix(),
        deadLetter: noDeadLetter,
        logger: silent,
      });
      await bus.ping();
      await bus.close();
      await expect(bus.ping()).rejects.toThrow();
    });
  });

  afterAll(async () => {
    const nc = await connect({ servers: url });
    try {
      const jsm = await jetstreamManager(nc);
      const ours = prefixes.map((p) => natsStreamName(p, ''));
      for await (const name of jsm.streams.names()) {
        if (ours.some((o) => name.startsWith(o))) await jsm.streams.delete(name);
      }
    } finally {
      await nc.close();
    }
  });
});
