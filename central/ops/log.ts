import { pino, type DestinationStream, type Logger } from 'pino';
import { z } from 'zod';

/** config.json `log` (and serve's --log-level, --log-file): JSON lines, to stdout unless a file is named. */
export const LogConfig = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  /** relative: from the data dir; written readable by the service account only */
  file: z.string().min(1).optional(),
});
export type LogConfig = z.infer<typeof LogConfig>;

/**
 * Keys whose value is never written, at the top of a line's object or one level down. The store
 * logs only what it chose (route templates, statuses, durations, error codes and classes, listener
 * addresses), never a request's body, URL, query string or headers, nor an error's message: this
 * list is the second lock, for a line someone adds later with an object that carries one of them.
 */
const SECRET_KEYS = [
  'password', 'newPassword', 'code', 'recoveryCode', 'totp', 'secret', 'token', 'authorization', 'cookie', 'challenge',
  'pan', 'cardNumber', 'number', 'cvv', 'cvc', 'ssn', 'ssnLast4', 'answer', 'pin', 'key', 'keyPem', 'csrPem',
  'firstName', 'lastName', 'displayName', 'email', 'phone', 'phones', 'address', 'serviceAddress', 'mailingAddress', 'body', 'text', 'url', 'query', 'headers',
];
const REDACT_PATHS = [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`)];

export interface StoreLog {
  readonly log: Logger;
  /** whether lines go anywhere (a store started without a log configuration writes none) */
  readonly enabled: boolean;
  /** writes what is buffered and closes the file */
  close(): void;
}

/** The store's structured log (pino). `null`: none asked for, nothing written. */
export function storeLog(config: LogConfig | null, resolve: (path: string) => string = (p) => p): StoreLog {
  if (!config) return { log: pino({ level: 'silent' }), enabled: false, close: () => undefined };
  const destination = config.file ? pino.destination({ dest: resolve(config.file), mkdir: true, sync: false, mode: 0o600 }) : pino.destination({ dest: 1, sync: false });
  const log = pino(
    {
      level: config.level ?? 'info',
      base: { service: 'caredesk-central' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // nothing the log library would add on its own from an error or a request
      serializers: {},
    },
    destination as DestinationStream,
  );
  return {
    log,
    enabled: true,
    close() {
      try {
        destination.flushSync();
      } catch {
        // not open yet (nothing written): nothing to flush
      }
      if (config.file) destination.end();
    },
  };
}
