import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { BenchResult } from '../../bench/types.ts';
import { isoOf } from '../../lib/time/isoTime.ts';
import { ArgsError, parseOptions } from './args.ts';

const GROUPS = [
  'ingest',
  'aggregator',
  'dynamodb',
  'hazard',
  'hazards',
  'edge',
  'real',
  'privacy',
  'sim',
  'perception',
  'badas',
  'export',
  'ota',
  'learning',
  'priors',
  'night',
  'faults',
  'soak',
] as const;

function table(results: readonly BenchResult[]): string {
  const rows = results.map((r) => [
    r.name,
    String(r.value),
    r.unit,
    r.target === undefined ? '' : `${r.better === 'higher' ? '≥' : '≤'} ${r.target}`,
    r.target === undefined
      ? ''
      : (r.better === 'higher' ? r.value >= r.target : r.value <= r.target)
        ? 'ok'
        : 'MISS',
  ]);
  const head = ['name', 'value', 'unit', 'target', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** `dashnet bench [--only NAME,…]`: runs the benchmarks, prints a table, writes bench/results.json. */
export async function benchCommand(argv: string[]): Promise<number> {
  let only: (name: string) => boolean = () => true;
  try {
    const opts = parseOptions(argv, ['only']);
    const names = opts
      .get('only')
      ?.flatMap((v) => v.split(','))
      .map((s) => s.trim())
      .filter(Boolean);
    if (names) {
      const unknown = names.filter((n) => !GROUPS.some((g) => n === g || n.startsWith(`${g}.`)));
      if (unknown.length)
        throw new ArgsError(`unknown bench '${unknown.join(',')}' (groups: ${GROUPS.join(', ')})`);
      only = (group) => names.some((n) => n === group || n.startsWith(`${group}.`));
    }
  } catch (err) {
    if (err instanceof ArgsError) {
      process.stderr.write(`dashnet bench: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const results: BenchResult[] = [];
  if (GROUPS.slice(0, 4).some(only)) {
    const { runPipelineBench } = await import('../../bench/pipelineBench.ts');
    results.push(...(await runPipelineBench(only)));
  }
  if (only('hazards')) {
    const { runHazardScenarioBench } = await import('../../bench/hazardScenarioBench.ts');
    results.push(...(await runHazardScenarioBench()));
  }
  if (only('edge')) {
    const { runEdgeBench } = await import('../../bench/edge.ts');
    results.push(...(await runEdgeBench()));
  }
  if (only('real')) {
    // Real recordings (../shared/data/real/): each figure beside its plain baseline.
    const { runRealManoeuvreBench } = await import('../../bench/realManoeuvreBench.ts');
    const { runRealAnomalyBench } = await import('../../bench/realAnomalyBench.ts');
    results.push(...(await runRealManoeuvreBench()), ...(await runRealAnomalyBench()));
  }
  if (only('privacy')) {
    const { runPrivacyBench } = await import('../../bench/privacyBench.ts');
    results.push(...(await runPrivacyBench()));
  }
  if (only('sim')) {
    const { runSimBench } = await import('../../bench/simBench.ts');
    results.push(...(await runSimBench()));
  }
  if (only('perception')) {
    const { runPerceptionBench } = await import('../../bench/perceptionBench.ts');
    results.push(...(await runPerceptionBench()));
  }
  if (only('badas')) {
    const { runBadasBench } = await import('../../bench/badasBench.ts');
    const { runBadasPipelineBench } = await import('../../bench/badasPipelineBench.ts');
    results.push(...(await runBadasBench()), ...(await runBadasPipelineBench()));
  }
  if (only('export')) {
    const { runExportBench } = await import('../../bench/exportBench.ts');
    results.push(...(await runExportBench()));
  }
  if (only('ota')) {
    const { runOtaBench } = await import('../../bench/otaBench.ts');
    const { runOtaCameraBench } = await import('../../bench/otaCameraBench.ts');
    results.push(...(await runOtaBench()), ...(await runOtaCameraBench()));
  }
  if (only('learning')) {
    const { runLearningBench } = await import('../../bench/learningBench.ts');
    results.push(...(await runLearningBench()));
  }
  if (only('priors')) {
    const { runPriorsBench } = await import('../../bench/priorsBench.ts');
    results.push(...(await runPriorsBench()));
  }
  if (only('night')) {
    const { runNightBench } = await import('../../bench/nightBench.ts');
    results.push(...(await runNightBench()));
  }
  if (only('faults')) {
    const { runFaultsBench } = await import('../../bench/faultsBench.ts');
    results.push(...(await runFaultsBench()));
  }
  if (only('soak')) {
    const { runSoakBench } = await import('../../bench/soakBench.ts');
    results.push(...(await runSoakBench()));
  }
  process.stdout.write(`${table(results)}\n`);
  mkdirSync('bench', { recursive: true });
  // `--only` refreshes its figures and keeps the others of the last run.
  const fresh = new Set(results.map((r) => r.name));
  const kept = readPrevious().filter((r) => !fresh.has(r.name));
  const doc = {
    at: isoOf(Date.now()),
    machine: { cpus: cpus().length, node: process.version },
    results: [...kept, ...results],
  };
  writeFileSync('bench/results.json', `${JSON.stringify(doc, null, 2)}\n`);
  process.stdout.write('wrote bench/results.json\n');
  return 0;
}

/** The figures of the last run, if `bench/results.json` exists. */
function readPrevious(): BenchResult[] {
  try {
    const doc = JSON.parse(readFileSync('bench/results.json', 'utf8')) as { results?: BenchResult[] };
    return doc.results ?? [];
  } catch {
    return [];
  }
}
