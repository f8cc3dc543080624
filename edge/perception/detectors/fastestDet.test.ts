import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VENDORED_MIN_SCORE } from '../adapters/vendoredDetector.ts';
import { FASTESTDET } from './fastestDet.ts';

const modelsDir = new URL('../models/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('FastestDet.manifest.json', modelsDir), 'utf8')) as {
  version: string;
  file: string;
  sha256: string;
  sizeBytes: number;
  licenceFile: string;
  operatingMinScore: number;
  inputs: { name: string; shape: number[] }[];
  outputs: { name: string; shape: number[] }[];
};

describe('the vendored FastestDet', () => {
  it('is the file its manifest names, byte for byte', () => {
    const bytes = readFileSync(new URL(manifest.file, modelsDir));
    expect(bytes.length).toBe(manifest.sizeBytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(manifest.sha256);
  });

  it('ships with its BSD-3-Clause notice', () => {
    const licence = readFileSync(new URL(manifest.licenceFile, modelsDir), 'utf8');
    expect(licence).toContain('xuehao.ma');
    expect(licence).toMatch(/Redistributions in binary form must reproduce/);
  });

  it('is described in code exactly as in its manifest', () => {
    expect(FASTESTDET.version).toBe(manifest.version);
    expect(FASTESTDET.inputName).toBe(manifest.inputs[0]?.name);
    expect(FASTESTDET.outputName).toBe(manifest.outputs[0]?.name);
    expect(manifest.inputs[0]?.shape).toEqual([1, 3, FASTESTDET.inputSizePx, FASTESTDET.inputSizePx]);
    expect(manifest.operatingMinScore).toBe(VENDORED_MIN_SCORE);
  });
});
