import WebSocket from 'ws';

/** A socket that opened: the subprotocol the server chose, the answer's headers, what it sent. */
export interface Opened {
  ok: true;
  ws: WebSocket;
  protocol: string;
  headers: Record<string, string | string[] | undefined>;
  messages: Array<Record<string, unknown>>;
  /** Resolves when it closed, with the code and reason (watched from the start: none is missed). */
  closed: Promise<{ code: number; reason: string }>;
}

/** An upgrade the server refused before switching protocols: its status, media type and body. */
export interface Refused {
  ok: false;
  status: number;
  type: string;
  body: Record<string, unknown>;
}

const sockets = new Set<WebSocket>();

/**
 * Opens a WebSocket to a listening app the way a real client does (over TCP, with the headers,
 * Origin and subprotocols given) and reports either the open socket or the refusal.
 */
export function openSocket(
  base: string,
  path: string,
  opts: { headers?: Record<string, string>; protocols?: string[]; origin?: string } = {},
): Promise<Opened | Refused> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}${path}`, opts.protocols ?? [], {
      headers: opts.headers ?? {},
      ...(opts.origin ? { origin: opts.origin } : {}),
    });
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    const messages: Array<Record<string, unknown>> = [];
    let headers: Opened['headers'] = {};
    ws.on('message', (d) => messages.push(JSON.parse(String(d)) as Record<string, unknown>));
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      ws.once('close', (code, reason) => done({ code, reason: String(reason) })),
    );
    ws.once('upgrade', (res) => {
      headers = res.headers;
    });
    ws.once('open', () =>
      resolve({ ok: true, ws, protocol: ws.protocol, headers, messages, closed }),
    );
    ws.once('unexpected-response', (req, res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += String(c)));
      res.on('end', () => {
        sockets.delete(ws);
        req.destroy();
        resolve({
          ok: false,
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type'] ?? ''),
          body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        });
      });
    });
    // After a refusal or an open socket, a later error (the server cut it) only closes it.
    ws.on('error', reject);
  });
}

/** Closes every socket this file opened and is still open. */
export function closeSockets(): void {
  for (const ws of sockets) ws.terminate();
  sockets.clear();
}
