import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../observability/metrics.ts';
import { observeRequests } from './request-log.ts';

describe('the access log', () => {
  it('writes one line per request at info: method, route pattern, status, ms; never the query', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        done();
      },
    });
    const app = Fastify({
      loggerInstance: pino({ level: 'info' }, sink),
      disableRequestLogging: true,
    });
    observeRequests(app as unknown as FastifyInstance, createMetrics({ defaultMetrics: false }));
    app.get('/v1/things/:id', async () => ({ ok: true }));
    await app.ready();
    const res = await app.inject({ url: '/v1/things/7?ticket=secret-ticket' });
    expect(res.headers['x-request-id']).toBeDefined();
    await app.inject({ url: '/nowhere' });
    await app.close();
    const access = lines.filter((l) => l.msg === 'request');
    expect(access).toEqual([
      expect.objectContaining({ level: 30, method: 'GET', route: '/v1/things/:id', status: 200 }),
      expect.objectContaining({ method: 'GET', route: 'unmatched', status: 404 }),
    ]);
    expect(typeof access[0]?.ms).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('secret-ticket');
  });
});
