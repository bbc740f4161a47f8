import type { Page } from 'playwright-core';

/** What the page knows about one of its sockets. */
export interface PageSocket {
  state: 'connecting' | 'open' | 'refused' | 'closed';
  protocol: string | null;
  messages: Array<Record<string, unknown>>;
  closeCode: number | null;
}

/**
 * The page's own script: what a web app does with the browser's fetch and WebSocket, nothing
 * more (plain JavaScript, run in the page's origin). `open` resolves once the socket opened or
 * was refused; a refused upgrade is a close that never opened (the status is not visible to JS).
 */
const PAGE_CLIENT = `
window.lm = {
  sockets: {},
  handles: {},
  async ticket(token, socket) {
    const res = await fetch('/v1/realtime/tickets', {
      method: 'POST',
      headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' },
      body: JSON.stringify(socket ? { socket } : {}),
    });
    if (res.status !== 201) throw new Error('ticket: ' + res.status + ' ' + (await res.text()));
    return (await res.json()).ticket;
  },
  open(name, url, protocols) {
    const s = { state: 'connecting', protocol: null, messages: [], closeCode: null };
    this.sockets[name] = s;
    const ws = new WebSocket(url, protocols || []);
    this.handles[name] = ws;
    ws.onmessage = (e) => s.messages.push(JSON.parse(e.data));
    return new Promise((resolve) => {
      ws.onopen = () => {
        s.state = 'open';
        s.protocol = ws.protocol;
        resolve(s.state);
      };
      ws.onclose = (e) => {
        s.closeCode = e.code;
        s.state = s.state === 'open' ? 'closed' : 'refused';
        resolve(s.state);
      };
    });
  },
  send(name, message) {
    this.handles[name].send(JSON.stringify(message));
  },
  closeAll() {
    for (const ws of Object.values(this.handles)) ws.close();
  },
};
`;

const call = (expression: string, ...args: unknown[]) =>
  `window.lm.${expression}(${args.map((a) => JSON.stringify(a ?? null)).join(', ')})`;

/** A page's handle on the script above. */
export function pageClient(page: Page) {
  return {
    install: () => page.evaluate(PAGE_CLIENT),
    ticket: (token: string, socket?: string) =>
      page.evaluate<string>(call('ticket', token, socket)),
    open: (name: string, url: string, protocols?: string[]) =>
      page.evaluate<PageSocket['state']>(call('open', name, url, protocols ?? [])),
    send: (name: string, message: unknown) => page.evaluate(call('send', name, message)),
    socket: (name: string) =>
      page.evaluate<PageSocket>(`window.lm.sockets[${JSON.stringify(name)}]`),
    /** Waits in the page until socket `name` has a message matching every field of `like`. */
    waitForMessage: async (name: string, like: Record<string, unknown>, timeout = 10_000) => {
      const check = `(window.lm.sockets[${JSON.stringify(name)}]?.messages ?? []).find((m) =>
        Object.entries(${JSON.stringify(like)}).every(([k, v]) => m[k] === v))`;
      const found = await page.waitForFunction(check, undefined, { timeout });
      return (await found.jsonValue()) as Record<string, unknown>;
    },
    closeAll: () => page.evaluate('window.lm.closeAll()'),
  };
}
