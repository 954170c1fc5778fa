/** Typed arrays one after another in one new array of the same kind (frames of a sequence, episodes of a batch). */
export function concatFloat32(parts: readonly Float32Array[]): Float32Array {
  return fill(new Float32Array(total(parts)), parts);
}

export function concatFloat64(parts: readonly Float64Array[]): Float64Array {
  return fill(new Float64Array(total(parts)), parts);
}

function total(parts: readonly ArrayLike<number>[]): number {
  return parts.reduce((n, p) => n + p.length, 0);
}

function fill<T extends Float32Array | Float64Array>(out: T, parts: readonly ArrayLike<number>[]): T {
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
