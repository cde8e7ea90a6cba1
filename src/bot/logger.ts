// The slice of pino the bot uses, so tests can pass a silent or recording logger.

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
