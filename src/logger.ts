// Structured logging (pino). Every event's log lines carry its id, conversation and kind via child loggers.
// The bot and its features see only the small BotLogger slice, so tests can pass a silent logger.
import { pino, type Logger } from 'pino';

export type { Logger };

/** Creates the process logger; `destination` lets tests capture lines. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, base: { app: 'yiciban' } }, destination ?? process.stdout);
}

type LogFn = (object: Record<string, unknown> | string, message?: string) => void;

/** A pino-like logger: child loggers carry bindings such as the event id. */
export interface BotLogger {
  child(bindings: Record<string, unknown>): BotLogger;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

/** A logger that drops everything. */
export const silentLogger: BotLogger = {
  child: () => silentLogger,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
