/**
 * Composite kernels (a kernel built from other kernels of the same backend) call those
 * kernels' functions directly on TensorInfos, not through tf ops: ops would go through the
 * engine's scope and gradient tape while we are already inside a kernel. A KernelScope runs
 * the building blocks and frees every intermediate except the one handed back as the result.
 */
import * as tf from '@tensorflow/tfjs';

export class KernelScope {
  private readonly made: tf.TensorInfo[] = [];

  constructor(
    private readonly backend: tf.KernelBackend,
    private readonly backendName: string,
  ) {}

  /** Runs the registered kernel `name` of this backend; its output is freed by `finish`. */
  run(name: string, inputs: Record<string, tf.TensorInfo> | tf.TensorInfo[], attrs: Record<string, unknown> = {}): tf.TensorInfo {
    const config = tf.getKernel(name, this.backendName);
    if (config == null) throw new Error(`KernelScope: kernel '${name}' is not registered for '${this.backendName}'`);
    const out = config.kernelFunc({
      inputs: inputs as tf.NamedTensorInfoMap, // Concat takes an array, as tfjs passes it
      attrs: attrs as tf.NamedAttrMap,
      backend: this.backend,
    });
    if (Array.isArray(out)) throw new Error(`KernelScope: kernel '${name}' returned several outputs`);
    this.made.push(out);
    return out;
  }

  /** A float32 tensor in this backend holding `values` (freed by `finish` unless returned). */
  fromValues(shape: number[], values: Float32Array): tf.TensorInfo {
    const out = { dataId: this.backend.write(values, shape, 'float32'), shape, dtype: 'float32' as const };
    this.made.push(out);
    return out;
  }

  /** The values of `x` (a copy). Only for small tensors such as filters: it is a full read. */
  read(x: tf.TensorInfo): Float32Array {
    return this.backend.readSync(x.dataId) as Float32Array;
  }

  transpose(x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  /**
   * Removes [before, after] entries from each axis: the conv backprops' "negative padding"
   * when the forward stride never reached the last rows or columns.
   */
  crop(x: tf.TensorInfo, amounts: Array<[number, number]>): tf.TensorInfo {
    const begin = amounts.map(([a]) => a);
    const size = amounts.map(([a, b], i) => x.shape[i] - a - b);
    return this.run('Slice', { x }, { begin, size });
  }

  /** Frees all intermediates except `result` (which must come from `run`) and returns it. */
  finish(result: tf.TensorInfo): tf.TensorInfo {
    for (const t of this.made) {
      // Reshape shares its input's data with a reference count, so freeing every other
      // intermediate (even one sharing result's dataId) only drops our extra references.
      if (t !== result) this.backend.disposeData(t.dataId);
    }
    this.made.length = 0;
    return result;
  }

  /** Frees all intermediates (on error paths). */
  dispose(): void {
    for (const t of this.made) this.backend.disposeData(t.dataId);
    this.made.length = 0;
  }
}
