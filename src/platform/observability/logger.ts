import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'lastmile', ...base },
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-api-key"]', '*.password'],
      remove: true,
    },
  });
}
