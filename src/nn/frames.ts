/**
 * Frame stacking for the encoder (docs/method.md, 'The model': the last k images as input, used for the car
 * and the arm, where one image does not show velocities): channel concatenation of frames
 * t−k+1 … t, oldest first, with the first frame repeated before the start of a sequence.
 */
import * as tf from '@tensorflow/tfjs';

/** sequences [B, T, H, W, C] → stacked [B, T, H, W, k·C] (channels of frame t−k+1 first). */
export function stackFrames(sequences: tf.Tensor5D, k: number): tf.Tensor5D {
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`stackFrames: k must be a positive integer, got ${k}`);
  if (sequences.rank !== 5) throw new Error(`stackFrames: expected [B, T, H, W, C], got [${sequences.shape}]`);
  if (k === 1) return sequences.clone();
  return tf.tidy(() => {
    const [B, T, H, W, C] = sequences.shape;
    // Pad the time axis in front with k − 1 copies of frame 0, then take k shifted windows.
    const first = sequences.slice([0, 0, 0, 0, 0], [B, 1, H, W, C]);
    const padded = tf.concat([tf.tile(first, [1, k - 1, 1, 1, 1]), sequences], 1);
    const windows = Array.from({ length: k }, (_, j) => padded.slice([0, j, 0, 0, 0], [B, T, H, W, C]));
    return tf.concat(windows, 4) as tf.Tensor5D;
  });
}
