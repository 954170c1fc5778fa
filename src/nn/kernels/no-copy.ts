/**
 * Identity, and Cast to the same dtype, for the wasm backend without copying: the output
 * shares the input's buffer (a reference count, as the backend's own Reshape does, and as the
 * cpu backend's Identity does). tfjs clones every tensor a gradient will need
 * (saveTensorsForBackwardMode), and relu's gradient casts float32 to float32; the backend's
 * own kernels copy each time, ~18 ms of memcpy per 64×64×3 VAE step. Safe because no kernel
 * writes into its inputs and a variable's assign replaces its buffer rather than writing it.
 */
import * as tf from '@tensorflow/tfjs';

interface RefCounting {
  incRef(dataId: object): void;
}

function shared(x: tf.TensorInfo, backend: tf.KernelBackend): tf.TensorInfo {
  (backend as unknown as RefCounting).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Identity on wasm as a shared buffer (strings, which live outside the heap, go to `original`). */
export function sharedIdentity(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    return x.dtype === 'string' ? original.kernelFunc(args) : shared(x, args.backend);
  };
  return { kernelName: 'Identity', backendName: 'wasm', setupFunc: original.setupFunc, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

/** Cast on wasm: a shared buffer when the dtype does not change, else `original`. */
export function sharedSameTypeCast(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { dtype } = args.attrs as { dtype: tf.DataType };
    return x.dtype === dtype && dtype !== 'string' ? shared(x, args.backend) : original.kernelFunc(args);
  };
  return { kernelName: 'Cast', backendName: 'wasm', setupFunc: original.setupFunc, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
