// What the load generators' fleets share: drivers' phones posting their positions over keep-alive
// connections once a second, each at its own moment of the second, as the courier app does.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Posts JSON to `base` with up to `maxSockets` connections; `post` resolves with the answer's
 * status and text once it has been read (status 0: there was no answer).
 */
export function jsonPoster(base, maxSockets) {
  const target = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  return {
    post(path, token, body) {
      return new Promise((resolve) => {
        const req = http.request(
          {
            host: target.hostname,
            port: target.port,
            path,
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
              authorization: `Bearer ${token}`,
            },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        req.on('error', () => resolve({ status: 0, text: '' }));
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

/**
 * Until `done()`: once a second, `send(driver, second)` for every driver, spread over the first
 * 900 ms (`second` counts from 1). Resolves with how many seconds took longer than a second.
 */
export async function everySecond(drivers, done, send) {
  let late = 0;
  let second = 0;
  while (!done()) {
    const started = Date.now();
    second++;
    await Promise.all(
      drivers.map(async (d, i) => {
        await sleep((i / drivers.length) * 900);
        await send(d, second);
      }),
    );
    const left = 1000 - (Date.now() - started);
    if (left > 0) await sleep(left);
    else late++;
  }
  return late;
}
