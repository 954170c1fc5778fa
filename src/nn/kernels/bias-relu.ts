/**
 * Two elementwise steps of every conv layer on solar's SIMD kernels (native/conv-grads.c):
 *
 * - Add of a bias [C] to x [..., C] (either operand order). The backend's broadcasting Add
 *   took ~2.4 ms for a [64, 32, 32, 32] activation; one pass adding b from registers is
 *   memory-bound. Other adds go to the backend's own kernel.
 * - relu's gradient dx = dy·[x > 0] as one kernel, 'SolarReluGrad'. tfjs computes it as
 *   dy·cast(step(x)): three passes over the tensor. The gradient registered for Relu uses
 *   the kernel on wasm (with the SIMD kernels loaded) and cpu, and tfjs's own formula on any
 *   other backend, so it is the same function everywhere.
 */
import * as tf from '@tensorflow/tfjs';
import { biasAdd, reluGrad } from './native/conv-grads.js';
import { nativeKernels } from './native/module.js';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap };

/** Whether `b` is a bias for `x`: rank 1, x's last dimension. */
function isBias(x: tf.TensorInfo, b: tf.TensorInfo): boolean {
  return b.shape.length === 1 && x.shape.length >= 1 && x.shape[x.shape.length - 1] === b.shape[0] && x.dtype === 'float32' && b.dtype === 'float32';
}

/** Add on wasm with the bias case on the SIMD kernel. */
export function biasAwareAdd(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const native = nativeKernels(args.backend);
    if (native != null && a.shape.length > 1 && isBias(a, b)) return biasAdd(native, a, b);
    if (native != null && b.shape.length > 1 && isBias(b, a)) return biasAdd(native, b, a);
    return original.kernelFunc(args);
  };
  return { kernelName: 'Add', backendName: 'wasm', setupFunc: original.setupFunc, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

export const RELU_GRAD = 'SolarReluGrad';

/** dx = dy·[x > 0] on wasm: the SIMD kernel, or tfjs's formula when it is not loaded. */
function reluGradWasm(args: KernelArgs): tf.TensorInfo {
  const { dy, x } = args.inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
  const native = nativeKernels(args.backend);
  if (native != null && dy.dtype === 'float32' && x.dtype === 'float32') return reluGrad(native, dy, x);
  return reluGradByOps(args);
}

/** The same on the cpu backend, in JS. */
function reluGradCpu(args: KernelArgs): tf.TensorInfo {
  const { dy, x } = args.inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
  const d = args.backend.readSync(dy.dataId) as Float32Array;
  const v = args.backend.readSync(x.dataId) as Float32Array;
  const out = new Float32Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = v[i] > 0 ? d[i] : 0;
  return { dataId: args.backend.write(out, dy.shape, 'float32'), shape: dy.shape, dtype: 'float32' };
}

/** tfjs's own relu gradient, dy·cast(step(x)), on the backend's kernels (the fallback). */
function reluGradByOps(args: KernelArgs): tf.TensorInfo {
  const { dy, x } = args.inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
  const name = tf.getBackend();
  const run = (kernel: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}) =>
    tf.getKernel(kernel, name)!.kernelFunc({ inputs, attrs, backend: args.backend }) as tf.TensorInfo;
  const step = run('Step', { x }, { alpha: 0 });
  const out = run('Multiply', { a: dy, b: step });
  args.backend.disposeData(step.dataId);
  return out;
}

export const reluGradConfigs: tf.KernelConfig[] = [
  { kernelName: RELU_GRAD, backendName: 'wasm', kernelFunc: reluGradWasm as unknown as tf.KernelFunc },
  { kernelName: RELU_GRAD, backendName: 'cpu', kernelFunc: reluGradCpu as unknown as tf.KernelFunc },
];

/** Relu's gradient through RELU_GRAD where it is registered, else tfjs's formula. */
export const reluGradient: tf.GradConfig = {
  kernelName: 'Relu',
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved;
    const d = dy as tf.Tensor;
    return {
      x: () => (tf.getKernel(RELU_GRAD, tf.getBackend()) != null
        ? (tf.engine().runKernel(RELU_GRAD, { dy: d, x }) as tf.Tensor)
        : tf.mul(d, tf.cast(tf.step(x), 'float32'))),
    };
  },
};
