import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../core/random.ts';
import { BadasError } from './badasError.ts';
import { createPortableBadasScorer } from './badasScorer.ts';
import { BADAS_FEATURE_COUNT, BadasFeatureWindow } from './features.ts';
import { readBadasManifest, readBadasModel } from './modelFile.ts';
import { OnnxInterpreter } from './onnxInterpreter.ts';
import { createOrtBadasSession } from './ortBadasScorer.ts';
import { generateScenario } from './training/scenarios.ts';

const { onnx } = onnxProto;

/** A one-node model of `opType` over a [1, 2] input, built with the reference protobuf encoder. */
function oneNodeModel(opType: string, attrs: { name: string; i: number }[] = []): Uint8Array {
  const t = { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: 2 }] } } };
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 7,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'g',
        node: [{ opType, input: ['x'], output: ['y'], attribute: attrs.map((a) => ({ ...a, type: 2 })) }],
        input: [{ name: 'x', type: t }],
        output: [{ name: 'y', type: t }],
      },
    }),
  ).finish();
}

/** Feature vectors as the camera produces them: a braking-lead drive plus uniform noise in range. */
function featureSamples(): Float32Array[] {
  const out: Float32Array[] = [];
  const w = new BadasFeatureWindow();
  for (const f of generateScenario('lead_brake', 'parity').frames) out.push(w.push(f));
  const r = createSeededRandom('parity-random');
  for (let i = 0; i < 500; i++)
    out.push(Float32Array.from({ length: BADAS_FEATURE_COUNT }, () => r.next() * 4 - 1));
  return out;
}

describe('portable ONNX interpreter', () => {
  it('agrees with onnxruntime-web within 1e-5 on the committed BADAS model', async () => {
    const bytes = readBadasModel();
    const portable = createPortableBadasScorer(bytes);
    const session = await createOrtBadasSession(bytes);
    try {
      const xs = featureSamples();
      const reference = await session.scoreBatch(xs);
      let maxDiff = 0;
      xs.forEach((x, i) => {
        maxDiff = Math.max(maxDiff, Math.abs(portable.score(x) - reference[i]!));
      });
      expect(xs.length).toBeGreaterThan(500);
      expect(maxDiff).toBeLessThan(1e-5);
      expect(session.modelVersion).toBe(portable.modelVersion);
    } finally {
      await session.release();
    }
  });

  it('reads the version and operating point the model carries', () => {
    const scorer = createPortableBadasScorer(readBadasModel());
    expect(scorer.modelVersion).toBe(readBadasManifest().version);
    expect(scorer.operatingPoint.clearAt).toBeLessThan(scorer.operatingPoint.raiseAt);
  });

  it('implements Gemm with transposes, alpha, beta and a broadcast bias like the ONNX spec', () => {
    const model = onnx.ModelProto.encode(
      onnx.ModelProto.create({
        irVersion: 7,
        opsetImport: [{ domain: '', version: 13 }],
        graph: {
          name: 'g',
          node: [
            {
              opType: 'Gemm',
              input: ['a', 'b', 'c'],
              output: ['y'],
              attribute: [
                { name: 'transA', i: 1, type: 2 },
                { name: 'alpha', f: 2, type: 1 },
                { name: 'beta', f: 0.5, type: 1 },
              ],
            },
          ],
          initializer: [
            { name: 'b', dims: [2, 2], dataType: 1, floatData: [1, 2, 3, 4] },
            { name: 'c', dims: [2], dataType: 1, floatData: [10, 20] },
          ],
          input: [
            {
              name: 'a',
              type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 2 }, { dimValue: 1 }] } } },
            },
          ],
          output: [
            {
              name: 'y',
              type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: 2 }] } } },
            },
          ],
        },
      }),
    ).finish();
    // A is [2,1] transposed to [1,2] = [1, 1]; A'·B = [4, 6]; 2·[4, 6] + 0.5·[10, 20] = [13, 22].
    const y = new OnnxInterpreter(model).run({ a: { dims: [2, 1], data: Float32Array.from([1, 1]) } }).y!;
    expect(Array.from(y.data)).toEqual([13, 22]);
  });

  it('refuses an operator it does not implement, at load', () => {
    expect(() => new OnnxInterpreter(oneNodeModel('Tanh'))).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_OPERATOR' }),
    );
  });

  it('refuses bytes that are not an ONNX model', () => {
    const err = (() => {
      try {
        new OnnxInterpreter(Uint8Array.from([0x0a, 0xff, 0xff, 0x01]));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(BadasError);
    expect((err as BadasError).code).toBe('BAD_MODEL');
  });

  it('refuses an input of the wrong shape', () => {
    const net = new OnnxInterpreter(oneNodeModel('Relu'));
    expect(() => net.run({ x: { dims: [1, 3], data: new Float32Array(3) } })).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT' }),
    );
    expect(Array.from(net.run({ x: { dims: [1, 2], data: Float32Array.from([-1, 2]) } }).y!.data)).toEqual([
      0, 2,
    ]);
  });
});
