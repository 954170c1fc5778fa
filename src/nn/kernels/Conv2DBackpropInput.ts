/**
 * Conv2DBackpropInput for the wasm backend: the gradient of conv2d with respect to its input
 * and the forward pass of conv2dTranspose (the decoder's upsampling layer). The backend's own
 * kernel is a naive C++ loop, many times slower than its XNNPACK Conv2D, so we replace it:
 *
 *   dx[n,h,w,c] = Σ_{i·s + a − pt = h, j·s + b − pl = w} dy[n,i,j,o] · W[a,b,c,o]
 *
 * is a stride-1 convolution of dy upsampled by inserting s − 1 zeros after each element,
 * padded by kh − 1 − pt in front, with the filter flipped in space and its channel axes
 * swapped (W'[a,b,o,c] = W[kh−1−a, kw−1−b, c, o]).
 */
import * as tf from '@tensorflow/tfjs';
import { KernelScope } from './kernel-scope.js';
import { assertShape, convGeometry, splitPadding, type ConvAttrs } from './conv-geometry.js';

const NAME = 'Conv2DBackpropInput';

interface Attrs extends ConvAttrs {
  inputShape: [number, number, number, number];
}

function conv2DBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as Attrs;
  const g = convGeometry(NAME, attrs.inputShape, filter.shape, attrs);
  assertShape(NAME, 'dy', dy.shape, g.outShape);
  const { batchSize: N, inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo, outChannels: Co } = g;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = g;

  const s = new KernelScope(args.backend, 'wasm');
  try {
    let up = dy;
    if (sh > 1 || sw > 1) {
      // Zero-insertion as one pad of a rank-6 view: [N, Ho, 1, Wo, 1, Co] → [N, Ho, sh, Wo, sw, Co].
      const r6 = s.reshape(dy, [N, Ho, 1, Wo, 1, Co]);
      const p6 = s.run('PadV2', { x: r6 }, {
        paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]],
        constantValue: 0,
      });
      up = s.reshape(p6, [N, Ho * sh, Wo * sw, Co]);
    }
    // Output rows: up.rows + top + bottom − kh + 1 = H. The trailing zeros the rank-6 pad added
    // beyond the last real row are never needed, so a negative bottom pad just crops them.
    const top = kh - 1 - g.padInfo.top;
    const left = kw - 1 - g.padInfo.left;
    const rows = splitPadding(top, H + kh - 1 - up.shape[1] - top);
    const cols = splitPadding(left, W + kw - 1 - up.shape[2] - left);
    if (rows.crop.some((c) => c > 0) || cols.crop.some((c) => c > 0)) {
      up = s.padOrCrop(up, [[0, 0], [-rows.crop[0], -rows.crop[1]], [-cols.crop[0], -cols.crop[1]], [0, 0]]);
    }
    const flipped = s.run('Reverse', { x: filter }, { dims: [0, 1] });
    const wt = s.transpose(flipped, [0, 1, 3, 2]); // [kh, kw, Co, Ci]
    const dx = s.run('Conv2D', { x: up, filter: wt }, {
      strides: [1, 1],
      pad: [[0, 0], rows.pad, cols.pad, [0, 0]],
      dataFormat: 'NHWC',
      dilations: [1, 1],
    });
    assertShape(NAME, 'result', dx.shape, g.inShape);
    return s.finish(dx);
  } catch (e) {
    s.dispose();
    throw e;
  }
}

export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: NAME,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as tf.KernelFunc,
};
