import { ArgsError, intOption, parseOptions } from './args.ts';

/**
 * `dashnet faults [--cycles N] [--seed S] [--cameras N] [--batches N] [--faults SPEC]`: the crash
 * harness in full (test/faults/crashHarness.ts) — `dashnet serve` SIGKILLed N times at targeted
 * calls and at random, restarted on the same data directory, then checked against the simulated
 * fleet's ground truth. Exits 1 when anything was lost or counted twice.
 */
export async function faultsCommand(argv: string[]): Promise<number> {
  let cycles: number;
  let seed: number;
  let cameras: number;
  let batches: number | undefined;
  let faults: string | undefined;
  try {
    const opts = parseOptions(argv, ['cycles', 'seed', 'cameras', 'batches', 'faults']);
    cycles = intOption(opts, 'cycles', 300, 0, 100_000);
    seed = intOption(opts, 'seed', 1, 0, 2 ** 31);
    cameras = intOption(opts, 'cameras', 12, 4, 500);
    batches = opts.has('batches') ? intOption(opts, 'batches', 3, 1, 100_000) : undefined;
    faults = opts.get('faults')?.at(-1);
    if (faults !== undefined) {
      const { parseFaultSpec } = await import('../../local/faultProxy.ts');
      parseFaultSpec(faults);
    }
  } catch (err) {
    if (err instanceof ArgsError || (err instanceof Error && err.name === 'FaultSpecError')) {
      process.stderr.write(`dashnet faults: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const { runCrashHarness, formatCrashReport } = await import('../../test/faults/crashHarness.ts');
  const report = await runCrashHarness({
    cycles,
    seed,
    cameras,
    ...(batches !== undefined ? { batchesPerCamera: batches } : {}),
    ...(faults !== undefined ? { faults } : {}),
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(`${formatCrashReport(report)}\n`);
  const ok = report.verdict.mismatches.length === 0 && report.refused === 0;
  process.stdout.write(ok ? 'verdict: nothing lost, nothing counted twice\n' : 'verdict: FAILED\n');
  return ok ? 0 : 1;
}
