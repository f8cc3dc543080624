/** Structured log sink. Fields must never carry coordinates or identifiers. */
export interface Logger {
  info(message: string, fields?: Record<string, number | string | boolean>): void;
  warn(message: string, fields?: Record<string, number | string | boolean>): void;
}

/** A logger that drops everything (replay and tests). */
export const silentLogger: Logger = {
  info: () => {},
  warn: () => {},
};
