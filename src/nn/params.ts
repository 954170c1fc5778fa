/**
 * The trainable parameters of a network: tf.Variables with stable names in a fixed order,
 * initialised from solar's seeded Rng (so the same seed gives the same initial weights on
 * every backend), and readable/writable as plain Float32Arrays for checkpoints.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random/rng.js';

/** One parameter as stored in a checkpoint. */
export interface NamedWeights {
  name: string;
  shape: number[];
  values: Float32Array;
}

export class ParamSet {
  private readonly vars = new Map<string, tf.Variable>();
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  /**
   * Glorot-uniform weights, U(±sqrt(6 / (fanIn + fanOut))), the Keras default for relu conv nets
   * of this depth. For conv filters [kh, kw, a, b] the fans are kh·kw·a and kh·kw·b.
   */
  glorot(name: string, shape: number[]): tf.Variable {
    const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
    const fanIn = receptive * shape[shape.length - 2];
    const fanOut = receptive * shape[shape.length - 1];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = this.rng.uniformRange(-limit, limit);
    return this.add(name, shape, values);
  }

  zeros(name: string, shape: number[]): tf.Variable {
    return this.add(name, shape, new Float32Array(shape.reduce((a, b) => a * b, 1)));
  }

  private add(name: string, shape: number[], values: Float32Array): tf.Variable {
    if (this.vars.has(name)) throw new Error(`ParamSet: duplicate parameter '${name}'`);
    // Unnamed: tfjs variable names are process-global, and two networks may share our names.
    const init = tf.tensor(values, shape);
    const v = tf.variable(init, true);
    init.dispose(); // the variable holds its own reference to the data; this tensor would leak
    this.vars.set(name, v);
    return v;
  }

  /** The variables in creation order (what an optimiser's varList wants). */
  variables(): tf.Variable[] {
    return [...this.vars.values()];
  }

  /** Parameter names in creation order. */
  names(): string[] {
    return [...this.vars.keys()];
  }

  /** Total number of scalars. */
  size(): number {
    return this.variables().reduce((n, v) => n + v.size, 0);
  }

  /** Copies of all parameters, in creation order. */
  getWeights(): NamedWeights[] {
    return [...this.vars.entries()].map(([name, v]) => ({
      name,
      shape: [...v.shape],
      values: Float32Array.from(v.dataSync() as Float32Array),
    }));
  }

  /** Overwrites every parameter; the set must match names and shapes exactly. */
  setWeights(weights: NamedWeights[]): void {
    const byName = new Map(weights.map((w) => [w.name, w]));
    const missing = this.names().filter((n) => !byName.has(n));
    const extra = weights.map((w) => w.name).filter((n) => !this.vars.has(n));
    if (missing.length > 0 || extra.length > 0) {
      throw new Error(`ParamSet.setWeights: parameters do not match (missing: [${missing}], unexpected: [${extra}])`);
    }
    for (const [name, v] of this.vars) {
      const w = byName.get(name)!;
      const size = w.shape.reduce((a, b) => a * b, 1);
      if (w.shape.length !== v.shape.length || w.shape.some((d, i) => d !== v.shape[i]) || w.values.length !== size) {
        throw new Error(`ParamSet.setWeights: '${name}' has shape [${w.shape}] (${w.values.length} values), expected [${v.shape}]`);
      }
    }
    for (const [name, v] of this.vars) {
      const w = byName.get(name)!;
      tf.tidy(() => v.assign(tf.tensor(w.values, v.shape)));
    }
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}
