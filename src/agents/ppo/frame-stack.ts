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

  /** For checkpoints: the frames held, oldest first. */
  getFrames(): Float32Array[] {
    return this.frames.map((f) => f.slice());
  }

  setFrames(frames: readonly Float32Array[]): void {
    this.frames.length = 0;
    for (const f of frames) this.frames.push(f.slice());
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
