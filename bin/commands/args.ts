/** A command-line error: the command prints the one-line reason and exits 2. */
export class ArgsError extends Error {
  override readonly name = 'ArgsError';
  readonly code = 'BAD_ARGUMENTS';
}

/**
 * Parses `--name value` / `--name=value` options against the allowed names; repeated options
 * collect every value. Throws `ArgsError` on anything unknown.
 */
export function parseOptions(argv: readonly string[], allowed: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new ArgsError(`unexpected argument '${arg}'`);
    const name = m[1]!;
    if (!allowed.includes(name)) throw new ArgsError(`unknown option --${name}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new ArgsError(`--${name} needs a value`);
    out.set(name, [...(out.get(name) ?? []), value]);
  }
  return out;
}

/** An integer option within bounds, or the default. */
export function intOption(
  opts: Map<string, string[]>,
  name: string,
  def: number,
  min: number,
  max: number,
): number {
  const raw = opts.get(name)?.at(-1);
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ArgsError(`--${name} must be an integer in [${min}, ${max}], got '${raw}'`);
  }
  return n;
}
