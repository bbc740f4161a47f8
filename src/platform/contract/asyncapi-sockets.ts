import type { DocumentParts } from './asyncapi-parts.ts';
import type { SocketChannel, SocketCloseCode, SocketMessage } from './socket-contract.ts';

/** How a client proves who it is on the upgrade request; any one of them is enough. */
export const SOCKET_SECURITY_SCHEMES = {
  subprotocolBearer: {
    type: 'httpApiKey',
    in: 'header',
    name: 'Sec-WebSocket-Protocol',
    description:
      'For browsers, which cannot set headers on a WebSocket: offer the subprotocols `["lastmile.v1", "bearer.<jwt>"]` (the access token of `POST /v1/auth/token`); the server selects `lastmile.v1`.',
  },
  ticket: {
    type: 'httpApiKey',
    in: 'query',
    name: 'ticket',
    description:
      'A short-lived, single-use ticket issued by the API to a signed-in caller for one socket, sent as `?ticket=<ticket>`, for clients that can send neither a header nor a subprotocol.',
  },
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      '`Authorization: Bearer <jwt>` on the upgrade request, for clients that can set headers.',
  },
} as const;

/**
 * Close codes every socket may get from the platform itself: the WebSocket server refuses a
 * message over the `maxPayload` of `platform/http/app.ts` by closing the connection.
 */
const PLATFORM_CLOSE_CODES: readonly SocketCloseCode[] = [
  {
    code: 1009,
    reason: 'Max payload size exceeded',
    when: 'The client sent a message over 256 KB.',
  },
];

const messageKey = (channel: SocketChannel, m: SocketMessage) => `${channel.id}.${m.name}`;

function closeCodesText(codes: readonly SocketCloseCode[]): string {
  const lines = codes.map((c) => `- \`${c.code}\` (${c.reason}): ${c.when}`);
  return `Close codes the server sends:\n\n${lines.join('\n')}`;
}

/** The parts of one socket: its channel, its messages, and its operations seen from the server. */
function socketParts(channel: SocketChannel): DocumentParts {
  const parts: DocumentParts = { channels: {}, operations: {}, messages: {} };
  const ref = { $ref: `#/channels/${channel.id}` };
  const inChannel = (name: string) => ({
    $ref: `#/channels/${channel.id}/messages/${channel.id}.${name}`,
  });
  const refs: Record<string, { $ref: string }> = {};
  for (const m of [...channel.sends, ...channel.receives]) {
    const key = messageKey(channel, m);
    refs[key] = { $ref: `#/components/messages/${key}` };
    parts.messages[key] = {
      name: m.name,
      title: `${channel.title}: ${m.name}`,
      summary: m.summary,
      contentType: 'application/json',
      payload: m.schema,
    };
  }
  const closeCodes = [...channel.closeCodes, ...PLATFORM_CLOSE_CODES];
  parts.channels[channel.id] = {
    address: channel.address,
    title: channel.title,
    description: `${channel.description}\n\nRoles: ${channel.roles.join(', ')}.\n\n${closeCodesText(closeCodes)}`,
    servers: [{ $ref: '#/servers/api' }],
    ...(Object.keys(channel.parameters).length > 0
      ? {
          parameters: Object.fromEntries(
            Object.entries(channel.parameters).map(([name, description]) => [
              name,
              { description },
            ]),
          ),
        }
      : {}),
    messages: refs,
    bindings: { ws: { method: 'GET', query: channel.query, bindingVersion: '0.1.0' } },
    'x-close-codes': closeCodes,
  };
  const security = Object.keys(SOCKET_SECURITY_SCHEMES).map((name) => ({
    $ref: `#/components/securitySchemes/${name}`,
  }));
  const replies = new Set(Object.values(channel.replies ?? {}).flat());
  const unasked = channel.sends.filter((m) => !replies.has(m.name));
  if (unasked.length > 0)
    parts.operations[`${channel.id}.send`] = {
      action: 'send',
      channel: ref,
      title: `${channel.title}: server messages`,
      summary: `What the server sends on its own: ${unasked.map((m) => `\`${m.name}\``).join(', ')}.`,
      security,
      messages: unasked.map((m) => inChannel(m.name)),
    };
  for (const m of channel.receives) {
    const answers = channel.replies?.[m.name] ?? [];
    parts.operations[`${channel.id}.receive.${m.name}`] = {
      action: 'receive',
      channel: ref,
      title: `${channel.title}: ${m.name}`,
      summary: m.summary,
      security,
      messages: [inChannel(m.name)],
      ...(answers.length > 0
        ? { reply: { channel: ref, messages: answers.map((name) => inChannel(name)) } }
        : {}),
    };
  }
  return parts;
}

export const socketsParts = (channels: readonly SocketChannel[]): DocumentParts[] =>
  channels.map(socketParts);
