import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readBadasModel } from '../../edge/badas/modelFile.ts';
import { HELD_OUT_SETS, VALIDATION_SETS } from '../../edge/badas/training/datasets.ts';
import {
  type FleetLearningConfig,
  type FleetLearningResult,
  FULL_FLEET_LEARNING,
  runFleetLearning,
} from '../../edge/badas/training/fleetLearning.ts';
import { FLEET_HELD_OUT_SETS } from '../../edge/badas/training/fleetWorld.ts';
import { DEFAULT_SHIP_GATE } from '../../edge/badas/training/shipGate.ts';
import { ArgsError, intOption, parseOptions } from './args.ts';

/**
 * The quick configuration (`--quick`, and the `learning` bench): a third of the fleet, half of
 * every held-out set, a quarter of the validation drives (the operating point is noisier: ~11 h
 * of normal driving for a 0.1/h budget), two seeds, 500 bootstrap resamples. The curve's shape
 * is the same; its points and the gate's interval are noisier.
 */
export const QUICK_FLEET_LEARNING: Omit<FleetLearningConfig, 'currentModel'> = {
  ...FULL_FLEET_LEARNING,
  fleetDrives: 1000,
  replayStride: 10,
  heldOut: halve(HELD_OUT_SETS),
  heldOutFleet: halve(FLEET_HELD_OUT_SETS),
  curve: { sizes: [0, 300, 1000, 3000], seeds: ['a', 'b'] },
  round: {
    ...FULL_FLEET_LEARNING.round!,
    validation: VALIDATION_SETS.map((v) => ({ ...v, count: Math.round(v.count / 4) })),
    gate: { ...DEFAULT_SHIP_GATE, resamples: 500 },
  },
};

function halve<T extends { count: number }>(specs: readonly T[]): T[] {
  return specs.map((s) => ({ ...s, count: Math.round(s.count / 2) }));
}

const f3 = (v: number) => v.toFixed(3);

/** The learning curve as a text table: samples, then AP (mean [min–max] over seeds) per held-out set. */
export function curveTable(result: FleetLearningResult): string {
  const sets = Object.keys(result.curve[0]?.ap ?? {});
  const lines = [
    `network samples | ${sets.map((s) => `AP 1 s ${s} (mean [min–max])`).join(' | ')}`,
    ...result.curve.map(
      (p) =>
        `${String(p.samples).padStart(15)} | ${sets
          .map((s) => {
            const a = p.ap[s]!;
            return `${f3(a.mean)} [${f3(a.min)}–${f3(a.max)}]`.padEnd(30);
          })
          .join(' | ')}`,
    ),
    `current model (${result.currentVersion}), no round: ${result.heldOutAp.map((h) => `${h.name} ${f3(h.current)}`).join(', ')}`,
  ];
  return `${lines.join('\n')}\n`;
}

function summary(result: FleetLearningResult): string {
  const g = result.gathered;
  return (
    `gathered ${g.samples} samples (${g.positives} positive; ${Object.entries(g.byTrigger)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ')}) from ${g.records} records; ` +
    `${g.admittedGroups} of ${g.groups} (cell, day) groups reached k, ${g.withheldSamples} samples withheld, ${g.duplicates} duplicates dropped\n`
  );
}

/**
 * `dashnet train [--curve] [--round] [--quick] [--drives N] [--out DIR]`: learning from the
 * fleet, simulated end to end (edge/badas/training/fleetLearning.ts). `--curve` prints AP on
 * held-out drives against the amount of network data; `--round` (the default without
 * `--curve`) trains one candidate on all gathered samples, runs the ship gate, prints its
 * decision and, with `--out`, writes the candidate `.onnx` and its (unsigned) artefact manifest.
 *
 * @returns 0 on success, 2 with a one-line reason on bad arguments
 */
export async function trainCommand(argv: string[]): Promise<number> {
  try {
    const flags = new Set<string>(argv.filter((a) => a === '--curve' || a === '--round' || a === '--quick'));
    const opts = parseOptions(
      argv.filter((a) => !flags.has(a)),
      ['drives', 'out'],
    );
    const base = flags.has('--quick') ? QUICK_FLEET_LEARNING : FULL_FLEET_LEARNING;
    const curve = flags.has('--curve');
    const round = flags.has('--round') || !curve;
    const drives = intOption(opts, 'drives', base.fleetDrives, 10, 100_000);
    const out = opts.get('out')?.at(-1);
    const config: FleetLearningConfig = {
      ...base,
      currentModel: readBadasModel(),
      fleetDrives: drives,
      log: (line) => process.stderr.write(`${line}\n`),
    };
    if (!curve) delete config.curve;
    if (!round) delete config.round;
    const result = runFleetLearning(config);
    process.stdout.write(summary(result));
    if (curve) process.stdout.write(curveTable(result));
    if (result.round) {
      const d = result.round.decision;
      process.stdout.write(
        `candidate ${result.round.manifest.version}: ${d.ships ? 'SHIPS' : 'does not ship'} — ${d.reason}\n` +
          `  held-out: ${result.heldOutAp.map((h) => `${h.name} AP 1 s ${f3(h.current)} → ${f3(h.candidate ?? Number.NaN)} (${h.positives} conflicts)`).join('; ')}\n` +
          `  operating point ${JSON.stringify(result.round.point)} (${result.round.pointNote})\n`,
      );
      if (out !== undefined) {
        await mkdir(out, { recursive: true });
        const name = `badas-anticipation-${result.round.manifest.version}`;
        await writeFile(join(out, `${name}.onnx`), result.round.bytes);
        await writeFile(
          join(out, `${name}.manifest.json`),
          `${JSON.stringify(result.round.manifest, null, 2)}\n`,
        );
        process.stdout.write(
          `wrote ${name}.onnx and ${name}.manifest.json (unsigned: the registry signs on publish)\n`,
        );
      }
    }
    return 0;
  } catch (err) {
    if (err instanceof ArgsError) {
      process.stderr.write(`dashnet train: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
