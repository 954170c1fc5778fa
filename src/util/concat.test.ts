import { describe, expect, it } from 'vitest';
import { concatFloat32, concatFloat64 } from './concat.js';

describe('concat', () => {
  it('puts the parts one after another, keeping the array kind', () => {
    const a = concatFloat64([Float64Array.of(1, 2), new Float64Array(0), Float64Array.of(3)]);
    expect(a).toBeInstanceOf(Float64Array);
    expect(Array.from(a)).toEqual([1, 2, 3]);
    const b = concatFloat32([Float32Array.of(0.5), Float32Array.of(0.25, 1)]);
    expect(b).toBeInstanceOf(Float32Array);
    expect(Array.from(b)).toEqual([0.5, 0.25, 1]);
    expect(concatFloat32([]).length).toBe(0);
  });
});
