import { describe, expect, it } from 'vitest';
import { referencedSchemas, sharedSchemaSerializers } from './serializers.ts';

const shared = {
  Money: { $id: 'Money', type: 'object', properties: { minor: { type: 'integer' } } },
  Line: {
    $id: 'Line',
    type: 'object',
    properties: { sku: { type: 'string' }, price: { $ref: 'Money#' } },
  },
  Order: {
    $id: 'Order',
    type: 'object',
    properties: { id: { type: 'string' }, lines: { type: 'array', items: { $ref: 'Line' } } },
  },
  Unrelated: { $id: 'Unrelated', type: 'object', properties: { x: { type: 'string' } } },
};

describe('response serializers', () => {
  it('are built with the shared schemas a response refers to, through their own references', () => {
    expect(Object.keys(referencedSchemas({ $ref: 'Order' }, shared)).sort()).toEqual([
      'Line',
      'Money',
      'Order',
    ]);
    expect(referencedSchemas({ type: 'object', properties: {} }, shared)).toEqual({});
    expect(
      Object.keys(referencedSchemas({ anyOf: [{ $ref: 'Money#/properties' }] }, shared)),
    ).toEqual(['Money']);
  });

  it('write what the schema declares, nested references resolved, and nothing else', () => {
    const compile = sharedSchemaSerializers()(shared, {});
    const serialize = compile({
      schema: { $ref: 'Order' },
      method: 'GET',
      url: '/o',
      httpStatus: '200',
    });
    const out = serialize({
      id: 'o1',
      secret: 'not in the schema',
      lines: [{ sku: 'MILK', price: { minor: 120, cost: 80 }, note: 'dropped' }],
    });
    expect(JSON.parse(out)).toEqual({ id: 'o1', lines: [{ sku: 'MILK', price: { minor: 120 } }] });
  });

  it('build one serializer for one schema, however many routes answer with it', () => {
    const compile = sharedSchemaSerializers()(shared, {});
    const a = compile({ schema: { $ref: 'Money' }, method: 'GET', url: '/a', httpStatus: '404' });
    const b = compile({ schema: { $ref: 'Money' }, method: 'POST', url: '/b', httpStatus: '409' });
    const c = compile({ schema: { $ref: 'Line' }, method: 'POST', url: '/b', httpStatus: '200' });
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });
});
