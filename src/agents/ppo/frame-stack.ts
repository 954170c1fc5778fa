/**
 * Frame stacking for one env: the network sees [H, W, k·C], frames t−k+1 … t concatenated along
 * channels, oldest first; at an episode start the first frame fills every slot (as nn/frames.ts).
 */
export class FrameStack {
  private readonly frames: Float32Array[] = [];
  constructor(readonly k: number, readonly channels: number) {}

  reset(frame: Float32Array): Float32Array {
    this.frames.length = 0;
    for (let i = 0; i < this.k; i++) this.frames.push(frame.slice());
    return this.stacked();
  }

  push(frame: Float32Array): Float32Array {
    if (this.frames.length === 0) return this.reset(frame);
    this.frames.shift();
    this.frames.push(frame.slice());
    return this.stacked();
  }

  private stacked(): Float32Array {
    const { k, channels: C } = this;
    if (k === 1) return this.frames[0];
    const pixels = this.frames[0].length / C;
    const out = new Float32Array(pixels * k * C);
    for (let p = 0; p < pixels; p++) {
      for (let f = 0; f < k; f++) {
        const src = this.frames[f];
        for (let c = 0; c < C; c++) out[(p * k + f) * C + c] = src[p * C + c];
      }
    }
    return out;
  }
}
