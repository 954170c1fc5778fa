import { describe, expect, it } from 'vitest';
import { adaptStepMult } from './step-size.js';

describe('adaptStepMult', () => {
  it('follows mult = predicted / (2 max(1e-4, predicted − actual)), clipped', () => {
    // predicted 10, actual 5: factor 10 / (2·5) = 1.
    expect(adaptStepMult(1, 100, 90, 95).stepMult).toBeCloseTo(1, 14);
    // predicted 10, actual 8: factor 10 / 4 = 2.5.
    expect(adaptStepMult(2, 100, 90, 92).stepMult).toBeCloseTo(5, 14);
    // prediction came true: factor clipped to 5, mult capped at 10.
    expect(adaptStepMult(3, 100, 90, 90).stepMult).toBe(10);
    // the new policy got worse: factor 10 / (2·15) = 1/3.
    expect(adaptStepMult(0.6, 100, 90, 105).stepMult).toBeCloseTo(0.2, 14);
    // predicted worsening: factor clipped at 0.1, mult floored at 0.1.
    expect(adaptStepMult(0.5, 100, 110, 120).stepMult).toBe(0.1);
  });
});
