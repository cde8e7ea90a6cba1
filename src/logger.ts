// Structured logging (pino). Every event's log lines carry its id, conversation and kind via child loggers.
import { pino, type Logger } from 'pino';

export type { Logger };

/** Creates the process logger; `destination` lets tests capture lines. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, base: { app: 'yiciban' } }, destination ?? process.stdout);
}
