import { assertLiveTopic, type LiveHandler, type Subscription } from './port.ts';

/** The in-process live fan-out: at most once, to every listener of a topic at that moment. */
export function createMemoryLive(isClosed: () => boolean) {
  const listeners = new Map<string, Set<LiveHandler>>();
  return {
    announce(topic: string, data: unknown): void {
      assertLiveTopic(topic);
      const set = listeners.get(topic);
      if (isClosed() || !set || set.size === 0) return;
      // A copy through JSON, as over the wire, delivered on a later tick like a network push.
      const json = JSON.stringify(data);
      setImmediate(() => {
        for (const h of set) h(JSON.parse(json));
      });
    },

    listen(topic: string, handler: LiveHandler): Subscription {
      assertLiveTopic(topic);
      let set = listeners.get(topic);
      if (!set) {
        set = new Set();
        listeners.set(topic, set);
      }
      const own = set;
      // Each call is its own listener, even with the same handler function.
      const h: LiveHandler = (d) => handler(d);
      own.add(h);
      return {
        close: async () => {
          own.delete(h);
          if (own.size === 0 && listeners.get(topic) === own) listeners.delete(topic);
        },
      };
    },

    clear: () => listeners.clear(),
  };
}
