import fs from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { CatalogEvents } from '../../modules/catalog/index.ts';
import { DispatchEvents } from '../../modules/dispatch/index.ts';
import { IdentityEvents } from '../../modules/identity/index.ts';
import { allModules } from '../../modules/index.ts';
import { OrderEvents, SubstitutionEvents } from '../../modules/orders/index.ts';
import { PaymentEvents } from '../../modules/payments/index.ts';
import { SupportEvents } from '../../modules/support/index.ts';
import { asyncApiDocument, asyncContractOf } from './asyncapi.ts';

interface Doc {
  channels: Record<string, { address: string; messages: Record<string, unknown> }>;
  operations: Record<string, { action: string; messages: Array<{ $ref: string }> }>;
  components: {
    messages: Record<
      string,
      { name: string; summary?: string; payload: { properties: Record<string, unknown> } }
    >;
  };
}

let t: TestPlatform;
let doc: Doc;
beforeAll(async () => {
  t = await startTestPlatform({ workflows: false });
  const res = await t.request({ method: 'GET', url: '/asyncapi.json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(async () => {
  await t?.stop();
});

const contract = asyncContractOf(allModules);
/** Every event type the modules name in their exported constants. */
const CONSTANTS = [
  CatalogEvents,
  DispatchEvents,
  IdentityEvents,
  OrderEvents,
  PaymentEvents,
  SupportEvents,
  SubstitutionEvents,
]
  .flatMap((c) => Object.values(c))
  .sort();

describe('GET /asyncapi.json', () => {
  it('is public, not in the OpenAPI document, and the document the modules declare', async () => {
    const openapi = (await t.request({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(openapi.paths)).not.toContain('/asyncapi.json');
    expect(doc).toEqual(asyncApiDocument(allModules));
  });

  it('passes the AsyncAPI parser with no error and no warning', async () => {
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(doc));
    // 0 error, 1 warning; info and hints (a newer minor version exists) are fine.
    const problems = diagnostics
      .filter((d) => d.severity <= 1)
      .map((d) => `${d.code} at ${d.path.join('.')}: ${d.message}`);
    expect(problems).toEqual([]);
    expect(document?.allMessages().length).toBe(Object.keys(doc.components.messages).length);
  });

  it('lists every event type the code publishes, each with its version and payload', () => {
    const declared = contract.events.map((e) => e.type).sort();
    // The registry and the modules' constants name the same types, each once.
    expect(declared).toEqual(CONSTANTS);
    expect(new Set(declared).size).toBe(declared.length);
    for (const e of contract.events) {
      const key = `${e.type}.v${e.version}`;
      const message = doc.components.messages[key];
      expect(message, key).toMatchObject({ name: e.type, summary: e.description });
      expect(message?.payload.properties.version).toEqual({
        const: e.version,
        type: 'number',
        description: "The payload schema's version",
      });
      const domain = e.type.split('.')[0];
      expect(doc.channels[`events.${domain}`]?.messages).toHaveProperty([key]);
    }
    const published = Object.entries(doc.operations)
      .filter(([name]) => name.startsWith('publish.'))
      .flatMap(([, op]) => op.messages.map((m) => m.$ref.split('/').at(-1)));
    expect(published.sort()).toEqual(contract.events.map((e) => `${e.type}.v${e.version}`).sort());
  });

  it('describes every socket with every message both ways and the close codes the code uses', () => {
    expect(contract.sockets.map((s) => [s.id, s.address])).toEqual([
      ['driverChannel', '/v1/drivers/me/channel'],
      ['orderTracking', '/v1/orders/{id}/track'],
      ['storeOrders', '/v1/stores/{id}/orders/live'],
      ['opsCity', '/v1/ops/city/live'],
    ]);
    const counts: Record<string, number> = {};
    for (const s of contract.sockets) {
      const channel = doc.channels[s.id];
      expect(channel?.address).toBe(s.address);
      for (const m of [...s.sends, ...s.receives]) {
        expect(channel?.messages).toHaveProperty([`${s.id}.${m.name}`]);
        expect(doc.components.messages[`${s.id}.${m.name}`]?.summary).toBe(m.summary);
      }
      counts[s.id] = s.sends.length + s.receives.length;
    }
    expect(counts).toEqual({ driverChannel: 10, orderTracking: 6, storeOrders: 4, opsCity: 3 });
  });
});

/** The close codes written in a socket's source: `close(4401, …)` or `code: 4401`. */
function closeCodesIn(files: string[]): number[] {
  const found = new Set<number>();
  for (const f of files) {
    const text = fs.readFileSync(new URL(f, import.meta.url), 'utf8');
    for (const m of text.matchAll(/(?:close\(\s*|code:\s*)([1-4]\d{3})\b/g))
      found.add(Number(m[1]));
  }
  return [...found].sort();
}

describe('close codes', () => {
  it('lists, for each socket, every close code its code sends', () => {
    const listed = (id: string) =>
      (contract.sockets.find((s) => s.id === id)?.closeCodes ?? []).map((c) => c.code).sort();
    // The log sockets close through the shared helper (closeOnFailure).
    const logSocket = '../realtime/log-channel.ts';
    const tracking = closeCodesIn([
      '../../modules/tracking/tracking-socket.ts',
      '../../modules/tracking/tracking.routes.ts',
      logSocket,
    ]);
    const drivers = closeCodesIn(['../../modules/drivers/driver-channel.ts']);
    const stores = closeCodesIn(['../../modules/store-stream/store-stream.socket.ts', logSocket]);
    const city = closeCodesIn(['../../modules/ops-console/city-live.socket.ts', logSocket]);
    expect(tracking).toContain(1011);
    expect(listed('storeOrders')).toEqual(stores);
    expect(listed('orderTracking')).toEqual(tracking);
    expect(listed('driverChannel')).toEqual(drivers);
    expect(listed('opsCity')).toEqual(city);
  });
});
