import { createConfig, lintFromString } from '@redocly/openapi-core';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { TEST_CARD_TOKENS, testCardsDoc } from '../../modules/payments/index.ts';

// OpenAPI 3.1 schemas are JSON Schema 2020-12 (tuples as prefixItems).
const Ajv = Ajv2020Module.default ?? Ajv2020Module;
const addFormats = addFormatsModule.default ?? addFormatsModule;

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ workflows: false });
});
afterAll(async () => {
  await t?.stop();
});

type Answer = {
  description: string;
  $ref?: string;
  headers?: Record<string, unknown>;
  content?: Record<string, unknown>;
};
type Operation = {
  operationId?: string;
  tags?: string[];
  summary?: string;
  responses: Record<string, Answer>;
};
type Doc = {
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, Answer> };
};

async function documentOf(): Promise<Doc> {
  const res = await t.request({ method: 'GET', url: '/openapi.json' });
  expect(res.statusCode).toBe(200);
  return res.json();
}

/** An answer as a reader sees it: a reference to a named response followed, its description kept. */
function answerOf(doc: Doc, answer: Answer): Answer {
  const name = answer.$ref?.replace('#/components/responses/', '');
  const named = name === undefined ? undefined : doc.components.responses[name];
  if (answer.$ref && !named) throw new Error(`no response ${answer.$ref}`);
  return named ? { ...named, description: answer.description } : answer;
}

describe('the OpenAPI document', () => {
  it('passes the linter with no errors', async () => {
    const res = await t.request({ method: 'GET', url: '/openapi.json' });
    const config = await createConfig({
      extends: ['recommended'],
      rules: { 'operation-2xx-response': 'error', 'operation-4xx-response': 'error' },
    });
    const found = await lintFromString({ source: res.body, absoluteRef: '/openapi.json', config });
    const doc = JSON.parse(res.body) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    // A WebSocket upgrade answers 101, never 2xx: the one place that rule does not apply.
    const upgrade = (pointer: string | undefined) => {
      const m = /^#\/paths\/([^/]+)\/get/.exec(pointer ?? '');
      const path = m?.[1]?.replace(/~1/g, '/').replace(/~0/g, '~') ?? '';
      return doc.paths[path]?.get?.responses['101'] !== undefined;
    };
    const errors = found
      .filter((p) => p.severity === 'error')
      .filter((p) => !(p.ruleId === 'operation-2xx-response' && upgrade(p.location[0]?.pointer)))
      .map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? '?'}`);
    expect(errors).toEqual([]);
  });

  it('declares for every operation an id, a tag, a summary and what each answer carries', async () => {
    const doc = await documentOf();
    const gaps: string[] = [];
    const ids = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const name = `${method.toUpperCase()} ${path}`;
        if (!op.operationId || ids.has(op.operationId)) gaps.push(`${name}: operationId`);
        ids.add(op.operationId ?? '');
        if (!op.tags?.length) gaps.push(`${name}: tags`);
        if (!op.summary) gaps.push(`${name}: summary`);
        for (const [status, answer] of Object.entries(op.responses)) {
          const r = answerOf(doc, answer);
          if (r.description === 'Default Response') gaps.push(`${name} ${status}: description`);
          const bodyless = ['101', '204', '304'].includes(status);
          if (!bodyless && !r.content) gaps.push(`${name} ${status}: no body schema`);
        }
      }
    }
    expect(gaps).toEqual([]);
  });

  it('documents the shared headers and the problem codes', async () => {
    const doc = JSON.parse((await t.request({ method: 'GET', url: '/openapi.json' })).body);
    const checkout = doc.paths['/v1/orders'].post;
    expect(checkout.parameters).toContainEqual(
      expect.objectContaining({ name: 'idempotency-key', required: true }),
    );
    const answer = (status: string) => answerOf(doc, checkout.responses[status]);
    expect(Object.keys(answer('429').headers ?? {})).toContain('Retry-After');
    expect(Object.keys(answer('401').headers ?? {})).toContain('X-Request-Id');
    expect(answer('409').description).toContain('`IDEMPOTENCY_IN_FLIGHT`');
    expect(answer('409').content).toEqual({
      'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
    });
    expect(doc.components.schemas.Problem.properties.code.enum).toContain('PAYMENT_DECLINED');
    // The fake provider's test cards, written from its card table.
    expect(checkout.description).toContain(testCardsDoc());
    const card = checkout.requestBody.content['application/json'].schema.properties.payment;
    expect(card.properties.card_token.examples).toEqual([...TEST_CARD_TOKENS]);
  });

  it("gives examples that match their component's schema", async () => {
    const doc = JSON.parse((await t.request({ method: 'GET', url: '/openapi.json' })).body) as {
      components: { schemas: Record<string, { examples?: unknown[] }> };
    };
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'doc', components: doc.components });
    let checked = 0;
    const wrong: string[] = [];
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      const validate = ajv.compile({ $ref: `doc#/components/schemas/${name}` });
      for (const example of schema.examples ?? []) {
        checked += 1;
        if (!validate(example)) wrong.push(`${name}: ${ajv.errorsText(validate.errors)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(10);
  });
});
