import { describe, expect, it } from 'vitest';
import { etaSeconds, formatDuration } from './progress.js';

describe('time left', () => {
  it('extrapolates the rate so far: a quarter done in 10 min leaves 30 min', () => {
    expect(etaSeconds(0.25, 600)).toBe(1800);
    expect(etaSeconds(1, 600)).toBe(0);
    expect(etaSeconds(0, 600)).toBeUndefined();
    expect(etaSeconds(Number.NaN, 600)).toBeUndefined();
  });

  it('reads as seconds, minutes, or hours and minutes', () => {
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(7 * 60 + 10)).toBe('7 min');
    expect(formatDuration(65 * 60)).toBe('1 h 05 min');
  });
});
