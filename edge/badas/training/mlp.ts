import { gaussian } from '../../../lib/random/prng.ts';
import { createSeededRandom } from '../../core/random.ts';

/** A one-hidden-layer perceptron with ReLU and a sigmoid output; weights row-major [out][in]. */
export interface Mlp {
  inputs: number;
  hidden: number;
  w1: Float64Array;
  b1: Float64Array;
  w2: Float64Array;
  b2: number;
}

/** Training settings. */
export interface TrainOptions {
  hidden: number;
  epochs: number;
  batch: number;
  learningRate: number;
  /** Weight of a positive sample in the loss (positives are rare). */
  positiveWeight: number;
  l2: number;
  seed: string;
}

function sigmoid(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}

/** Forward pass of one sample (x already standardised). */
export function mlpForward(
  m: Mlp,
  x: ArrayLike<number>,
  h: Float64Array = new Float64Array(m.hidden),
): number {
  let z = m.b2;
  for (let j = 0; j < m.hidden; j++) {
    let a = m.b1[j]!;
    const row = j * m.inputs;
    for (let i = 0; i < m.inputs; i++) a += m.w1[row + i]! * x[i]!;
    h[j] = Math.max(a, 0);
    z += m.w2[j]! * h[j]!;
  }
  return sigmoid(z);
}

/**
 * Fits an MLP to (x, y) with weighted binary cross-entropy and Adam, mini-batches in a seeded
 * shuffle: the same data and seed give the same weights, bit for bit, on the same engine.
 * With `init`, training starts from a copy of that network (fine-tuning) instead of a random
 * draw; its shape must match `o.hidden` and the samples' length.
 */
export function trainMlp(
  xs: readonly Float32Array[],
  ys: readonly (0 | 1)[],
  o: TrainOptions,
  sampleWeights?: Float32Array,
  init?: Mlp,
): Mlp {
  const r = createSeededRandom(o.seed);
  const gauss = () => gaussian(r);
  const d = xs[0]!.length;
  const hN = o.hidden;
  if (init && (init.inputs !== d || init.hidden !== hN))
    throw new Error(`trainMlp: init is ${init.inputs}→${init.hidden}, expected ${d}→${hN}`);
  const m: Mlp = init
    ? {
        inputs: d,
        hidden: hN,
        w1: Float64Array.from(init.w1),
        b1: Float64Array.from(init.b1),
        w2: Float64Array.from(init.w2),
        b2: init.b2,
      }
    : {
        inputs: d,
        hidden: hN,
        w1: Float64Array.from({ length: hN * d }, () => gauss() * Math.sqrt(2 / d)),
        b1: new Float64Array(hN),
        w2: Float64Array.from({ length: hN }, () => gauss() * Math.sqrt(1 / hN)),
        b2: 0,
      };
  const params = [m.w1, m.b1, m.w2];
  const grads = params.map((p) => new Float64Array(p.length));
  const mom = params.map((p) => new Float64Array(p.length));
  const vel = params.map((p) => new Float64Array(p.length));
  let gB2 = 0;
  let mB2 = 0;
  let vB2 = 0;
  const b1c = 0.9;
  const b2c = 0.999;
  let step = 0;
  const order = xs.map((_, i) => i);
  const h = new Float64Array(hN);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(r.next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const lr = o.learningRate * (epoch < o.epochs - 2 ? 1 : 0.3);
    for (let start = 0; start < order.length; start += o.batch) {
      for (const g of grads) g.fill(0);
      gB2 = 0;
      const end = Math.min(start + o.batch, order.length);
      let wsum = 0;
      for (let k = start; k < end; k++) {
        const idx = order[k]!;
        const x = xs[idx]!;
        const y = ys[idx]!;
        const w = (y === 1 ? o.positiveWeight : 1) * (sampleWeights?.[idx] ?? 1);
        wsum += w;
        const p = mlpForward(m, x, h);
        const dz = w * (p - y);
        gB2 += dz;
        for (let j = 0; j < hN; j++) {
          grads[2]![j]! += dz * h[j]!;
          if (h[j]! <= 0) continue;
          const dh = dz * m.w2[j]!;
          grads[1]![j]! += dh;
          const row = j * d;
          for (let q = 0; q < d; q++) grads[0]![row + q]! += dh * x[q]!;
        }
      }
      step++;
      const c1 = 1 - b1c ** step;
      const c2 = 1 - b2c ** step;
      params.forEach((p, pi) => {
        const g = grads[pi]!;
        const mo = mom[pi]!;
        const ve = vel[pi]!;
        for (let q = 0; q < p.length; q++) {
          const gq = g[q]! / wsum + (pi === 1 ? 0 : o.l2 * p[q]!);
          mo[q] = b1c * mo[q]! + (1 - b1c) * gq;
          ve[q] = b2c * ve[q]! + (1 - b2c) * gq * gq;
          p[q] = p[q]! - (lr * (mo[q]! / c1)) / (Math.sqrt(ve[q]! / c2) + 1e-8);
        }
      });
      const g = gB2 / wsum;
      mB2 = b1c * mB2 + (1 - b1c) * g;
      vB2 = b2c * vB2 + (1 - b2c) * g * g;
      m.b2 -= (lr * (mB2 / c1)) / (Math.sqrt(vB2 / c2) + 1e-8);
    }
  }
  return m;
}

/** Mean and standard deviation of each feature (sd floored so constant features stay finite). */
export function featureStats(xs: readonly Float32Array[]): { mean: Float64Array; sd: Float64Array } {
  const d = xs[0]!.length;
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  for (const x of xs) for (let i = 0; i < d; i++) mean[i]! += x[i]!;
  for (let i = 0; i < d; i++) mean[i]! /= xs.length;
  for (const x of xs) for (let i = 0; i < d; i++) sd[i]! += (x[i]! - mean[i]!) ** 2;
  for (let i = 0; i < d; i++) sd[i] = Math.max(Math.sqrt(sd[i]! / xs.length), 1e-3);
  return { mean, sd };
}

/** Folds standardisation into the first layer, so the exported model takes raw features. */
export function foldStandardisation(m: Mlp, mean: Float64Array, sd: Float64Array): Mlp {
  const w1 = new Float64Array(m.w1.length);
  const b1 = Float64Array.from(m.b1);
  for (let j = 0; j < m.hidden; j++) {
    for (let i = 0; i < m.inputs; i++) {
      const w = m.w1[j * m.inputs + i]! / sd[i]!;
      w1[j * m.inputs + i] = w;
      b1[j]! -= w * mean[i]!;
    }
  }
  return { ...m, w1, b1 };
}
