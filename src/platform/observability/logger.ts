import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** JSON lines at `level` and above, on stdout unless `destination` is given. */
export function createLogger(
  level: string,
  base: Record<string, unknown> = {},
  destination?: DestinationStream,
): Logger {
  const options = {
    level,
    base: { service: 'lastmile', ...base },
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-api-key"]', '*.password'],
      remove: true,
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
