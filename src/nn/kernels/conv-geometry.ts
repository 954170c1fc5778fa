/**
 * Shared shape bookkeeping for solar's conv backprop kernels: tfjs's own conv geometry
 * (backend_util.computeConv2DInfo, so 'same'/'valid'/explicit padding and rounding follow
 * exactly what the forward Conv2D did), plus the checks for what these kernels support.
 */
import * as tf from '@tensorflow/tfjs';

export type Conv2DInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

export interface ConvAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Geometry of the forward conv x[inShape] * filter[filterShape]; throws on NCHW. */
export function convGeometry(
  kernel: string,
  inShape: number[],
  filterShape: number[],
  attrs: ConvAttrs,
): Conv2DInfo {
  if (attrs.dataFormat != null && attrs.dataFormat !== 'NHWC') {
    throw new Error(`${kernel} (solar kernel): only dataFormat 'NHWC' is supported, got '${attrs.dataFormat}'`);
  }
  if (inShape.length !== 4 || filterShape.length !== 4) {
    throw new Error(`${kernel} (solar kernel): expected rank-4 input and filter, got [${inShape}] and [${filterShape}]`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1, // tfjs only defines conv gradients for dilation 1 (its Conv2D gradient asserts this)
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    throw new Error(`${kernel} (solar kernel): dilation must be 1`);
  }
  return info;
}

export function assertShape(kernel: string, what: string, got: readonly number[], want: readonly number[]): void {
  if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
    throw new Error(`${kernel} (solar kernel): ${what} has shape [${got}], expected [${want}]`);
  }
}

/**
 * Splits a per-side padding that may be negative into a crop (Slice) and the non-negative
 * explicit padding the Conv2D kernel takes itself, so no padded copy is materialised.
 */
export function splitPadding(before: number, after: number): { crop: [number, number]; pad: [number, number] } {
  return {
    crop: [Math.max(0, -before), Math.max(0, -after)],
    pad: [Math.max(0, before), Math.max(0, after)],
  };
}
