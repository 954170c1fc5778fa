/**
 * Conv2D for the wasm backend on solar's tiled SIMD kernel (native/conv-grads.c), when it
 * applies (NHWC, dilation 1, output channels a multiple of 8), else the backend's own
 * (XNNPACK). Measured on the VAE's layers: the tiled kernel with fused multiply-add keeps 2·R
 * accumulators of 4 pixels × 8 channels in registers, which XNNPACK's wasm build (no FMA)
 * does not reach; see the README's performance table.
 */
import * as tf from '@tensorflow/tfjs';
import { convGeometry, type ConvAttrs } from './conv-geometry.js';
import { forward, forwardSupported } from './native/conv-grads.js';
import { nativeKernels } from './native/module.js';

interface Attrs extends ConvAttrs {
  dilations?: number | [number, number];
}

/** Wraps the backend's own Conv2D `original`. */
export function tiledConv2D(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }) => {
    const native = nativeKernels(args.backend);
    const attrs = args.attrs as unknown as Attrs;
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const dil = attrs.dilations ?? 1;
    const unitDilation = Array.isArray(dil) ? dil[0] === 1 && dil[1] === 1 : dil === 1;
    if (native == null || !unitDilation || (attrs.dataFormat ?? 'NHWC') !== 'NHWC' || x.dtype !== 'float32') return original.kernelFunc(args);
    const g = convGeometry('Conv2D', x.shape, filter.shape, attrs);
    return forwardSupported(g) ? forward(native, x, filter, g) : original.kernelFunc(args);
  };
  return { kernelName: 'Conv2D', backendName: 'wasm', setupFunc: original.setupFunc, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
