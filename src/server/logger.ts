/**
 * The server's logger: pino with redaction of known secret and identifier fields (at any depth) and a last pass over every
 * serialised line that replaces anything shaped like an ID number or a mobile number (src/platform/pii/redact.ts).
 * No ID number or phone number reaches a log line, whichever field or message it hides in.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import { redactFields, scrubText } from '../platform/pii/redact.ts';

export interface LoggerOptions {
  level?: string;
  /** Where lines go (default stdout). Tests pass a file destination and scan it. */
  destination?: DestinationStream;
}

export function createLogger(o: LoggerOptions = {}): Logger {
  return pino(
    {
      level: o.level ?? 'info',
      base: { service: 'hegui' },
      // Our own walk rather than pino's `redact` paths: it allocates nothing for a line with nothing to hide, and it
      // finds the fields at any depth, not only at the depths a path names.
      formatters: { log: redactFields },
      hooks: { streamWrite: (line) => scrubText(line) },
    },
    o.destination ?? pino.destination(1),
  );
}
