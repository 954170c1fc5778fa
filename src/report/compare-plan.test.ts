import { describe, expect, it } from 'vitest';
import { parseSeeds } from './compare-plan.js';

describe('parseSeeds', () => {
  it('a count, a list, a range, and ranges inside a list', () => {
    expect(parseSeeds('3')).toEqual([0, 1, 2]);
    expect(parseSeeds('1,2,5')).toEqual([1, 2, 5]);
    expect(parseSeeds('1..1')).toEqual([1]);
    expect(parseSeeds(' 4..6 ')).toEqual([4, 5, 6]);
    expect(parseSeeds('0,3..4')).toEqual([0, 3, 4]);
  });

  it('names what is wrong', () => {
    expect(() => parseSeeds('0')).toThrow(/at least 1/);
    expect(() => parseSeeds('1,')).toThrow(/comma-separated list of integer seeds or a range a\.\.b, got '1,'/);
    expect(() => parseSeeds('5..4')).toThrow(/range '5\.\.4' ends before it starts/);
    expect(() => parseSeeds('0..5000')).toThrow(/at most 1000/);
    expect(() => parseSeeds('1..2,2')).toThrow(/lists a seed twice/);
    expect(() => parseSeeds('three')).toThrow(/--seeds must be/);
  });
});
