import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const SIM = join(ROOT, 'sim');

/** Production code: what deploys to AWS (`functions/`, its core `lib/`, `cdk/`) or to the camera (`edge/`). */
const PRODUCTION_DIRS = ['lib', 'functions', 'cdk', 'edge'];

/** Every static, re-exported or dynamic module specifier in a TypeScript source. */
function specifiersOf(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) found.push(m[1] as string);
  return found;
}

function productionFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : productionFiles(p);
    // Tests may drive production code with the simulator; only what ships must not need it.
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** `file`'s imports that resolve into `sim/`, as `file -> specifier`. */
function simImportsOf(file: string): string[] {
  return specifiersOf(readFileSync(file, 'utf8'))
    .filter((s) => s.startsWith('.'))
    .filter((s) => {
      const target = resolve(dirname(file), s);
      return target === SIM || target.startsWith(SIM + sep);
    })
    .map((s) => `${relative(ROOT, file)} -> ${s}`);
}

describe('placement of the simulator', () => {
  it('finds every import form it is meant to catch', () => {
    const src = [
      "import { a } from '../sim/x.ts';",
      "import type { B } from '../sim/y.ts';",
      "export { c } from '../sim/z.ts';",
      "const d = await import('../sim/w.ts');",
    ].join('\n');
    expect(specifiersOf(src)).toEqual(['../sim/x.ts', '../sim/y.ts', '../sim/z.ts', '../sim/w.ts']);
  });

  it('keeps production code (lib/, functions/, cdk/, edge/) free of imports from sim/', () => {
    const files = PRODUCTION_DIRS.flatMap((d) => productionFiles(join(ROOT, d)));
    expect(files.length).toBeGreaterThan(100);
    expect(files.flatMap(simImportsOf)).toEqual([]);
  });
});
