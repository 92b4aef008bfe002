import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string, name = 'delivery'): Logger {
  return pino({
    name,
    level,
    redact: ['req.headers.authorization', '*.password', '*.password_hash', '*.token'],
    // The Temporal SDK logs its errors under `error`; without a serializer they print as `{}`.
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  });
}
