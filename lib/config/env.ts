/** Error raised when configuration is missing or malformed; names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_MISSING';
}

/** Reads a required variable from an environment map, failing loudly with its name. */
export function requireEnv(env: Record<string, string | undefined>, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigError(`environment variable ${name} is not set`);
  return value;
}

/** Reads an optional positive integer variable, failing loudly when it is set but malformed. */
export function intEnv(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new ConfigError(`environment variable ${name} must be a positive integer`);
  return n;
}
