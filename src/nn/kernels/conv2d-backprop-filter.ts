/**
 * Conv2DBackpropFilter for the wasm backend, which ships none (so no conv net can train on it
 * out of the box), and for the cpu backend, whose own one is ~100× slower than its Conv2D
 * (measured: 8.6 s against 84 ms forward for a 64×16×16×32 input and 4×4×32×32 filter).
 * On wasm solar's SIMD kernel (native/conv-grads.c) computes it directly; where that is not
 * loaded, and on cpu, it is built from the backend's own Conv2D (XNNPACK on wasm):
 *
 *   dW[a,b,c,o] = Σ_{n,i,j} x[n, i·s + a − pt, j·s + b − pl, c] · dy[n,i,j,o]
 *
 * is a stride-1 convolution of x with batch and channel swapped ([C, H, W, N], the batch
 * becomes the contracted channel axis) by dy as the filter ([Ho, Wo, N, Co]) dilated by the
 * forward stride s, padded like the forward pass; its [C, kh, kw, Co] output transposed is dW.
 */
import * as tf from '@tensorflow/tfjs';
import { KernelScope } from './kernel-scope.js';
import { filterGradient } from './native/conv-grads.js';
import { nativeKernels } from './native/module.js';
import { assertShape, convGeometry, splitPadding, type ConvAttrs } from './conv-geometry.js';

const NAME = 'Conv2DBackpropFilter';

interface Attrs extends ConvAttrs {
  filterShape: [number, number, number, number];
}

function conv2DBackpropFilter(
  backendName: string,
  args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap },
): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as Attrs;
  const g = convGeometry(NAME, x.shape, attrs.filterShape, attrs);
  assertShape(NAME, 'dy', dy.shape, g.outShape);
  const native = backendName === 'wasm' ? nativeKernels(args.backend) : null;
  if (native != null) return filterGradient(native, x, dy, g);
  const { inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo } = g;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = g;
  const pt = g.padInfo.top;
  const pl = g.padInfo.left;
  // The output must be exactly kh × kw: H + pt + pb − (Ho − 1)·sh = kh fixes the bottom pad,
  // which is negative (a crop) when the forward stride never reached the last rows.
  const rows = splitPadding(pt, kh - H - pt + (Ho - 1) * sh);
  const cols = splitPadding(pl, kw - W - pl + (Wo - 1) * sw);

  const s = new KernelScope(args.backend, backendName);
  try {
    let xt = s.transpose(x, [3, 1, 2, 0]); // [C, H, W, N]
    if (rows.crop.some((c) => c > 0) || cols.crop.some((c) => c > 0)) {
      xt = s.crop(xt, [[0, 0], rows.crop, cols.crop, [0, 0]]);
    }
    const dyt = s.transpose(dy, [1, 2, 0, 3]); // [Ho, Wo, N, Co]
    const out = s.run('Conv2D', { x: xt, filter: dyt }, {
      strides: [1, 1],
      pad: [[0, 0], rows.pad, cols.pad, [0, 0]],
      dataFormat: 'NHWC',
      dilations: [sh, sw],
    }); // [C, kh, kw, Co]
    assertShape(NAME, 'internal result', out.shape, [g.inChannels, kh, kw, g.outChannels]);
    return s.finish(s.transpose(out, [1, 2, 0, 3]));
  } catch (e) {
    s.dispose();
    throw e;
  }
}

/** The kernel for `backendName` ('wasm' or 'cpu': it needs Transpose, Slice and dilated Conv2D). */
export function conv2DBackpropFilterConfig(backendName: string): tf.KernelConfig {
  return {
    kernelName: NAME,
    backendName,
    kernelFunc: ((args: Parameters<typeof conv2DBackpropFilter>[1]) => conv2DBackpropFilter(backendName, args)) as unknown as tf.KernelFunc,
  };
}
