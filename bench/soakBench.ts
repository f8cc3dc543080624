import { runSoak, SOAK_BOUNDS, type SoakCheck } from '../bin/commands/soak.ts';
import type { BenchResult } from './types.ts';

const MINUTES = 3;
const SAMPLE_S = 10;
const WARMUP_S = 60;
const CAMERAS = 20;
const SPEEDUP = 5;

/**
 * Soak slopes from a short run (`dashnet soak` for {@link MINUTES} minutes, {@link CAMERAS}
 * cameras at {@link SPEEDUP}× real time, the stack in a process of its own): RSS MB/h, heap
 * floor MB/h and iterator age ms/h after a {@link WARMUP_S} s warm-up. Three minutes only show
 * gross leaks; the notes carry the 95 % interval, and the verdict of a real soak needs
 * `dashnet soak --minutes 120`.
 */
export async function runSoakBench(): Promise<BenchResult[]> {
  const report = await runSoak({
    minutes: MINUTES,
    sampleS: SAMPLE_S,
    warmupS: WARMUP_S,
    cameras: CAMERAS,
    speedup: SPEEDUP,
    seed: 7,
  });
  const check = (name: SoakCheck['name']) => report.checks.find((c) => c.name === name);
  const note = (c: SoakCheck | undefined) =>
    `${MINUTES} min, ${CAMERAS} cameras at ${SPEEDUP}×, ${report.fleet.accepted} events accepted; ` +
    `±${c?.ci95PerH ?? '?'} (95 %), verdict ${c?.verdict ?? '?'}`;
  const rss = check('rss');
  const heap = check('heapFloor');
  const age = check('iteratorAge');
  return [
    {
      name: 'soak.memory_mb_per_h',
      value: rss?.perH ?? Number.NaN,
      unit: 'MB/h',
      better: 'lower',
      target: SOAK_BOUNDS.rssMbPerH,
      note: `RSS of the stack's process; ${note(rss)}`,
    },
    {
      name: 'soak.heap_floor_mb_per_h',
      value: heap?.perH ?? Number.NaN,
      unit: 'MB/h',
      better: 'lower',
      target: SOAK_BOUNDS.heapFloorMbPerH,
      note: `post-GC heap of the stack's main thread; ${note(heap)}`,
    },
    {
      name: 'soak.iterator_age_ms_per_h',
      value: age?.perH ?? Number.NaN,
      unit: 'ms/h',
      better: 'lower',
      target: SOAK_BOUNDS.iteratorAgeMsPerH,
      note: `GET /v1/ops/stats iteratorAgeMs; ${note(age)}`,
    },
  ];
}
