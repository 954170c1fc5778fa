import { describe, expect, it } from 'vitest';
import { applyOverrides, configKeys, parseValue } from './overrides.js';

const base = { seed: 0, episodes: 4, env: { name: 'nav2d', target: 'random', image_size: 32, render: true }, policy: { std: 0.5 } };

describe('--set overrides', () => {
  it('parses numbers, booleans, number lists, JSON and plain strings', () => {
    expect(parseValue('32')).toBe(32);
    expect(parseValue('-0.1,-0.1')).toEqual([-0.1, -0.1]);
    expect(parseValue('[1, 2]')).toEqual([1, 2]);
    expect(parseValue('false')).toBe(false);
    expect(parseValue('random')).toBe('random');
    expect(parseValue('1,a')).toBe('1,a');
  });

  it('sets nested fields without touching the original', () => {
    const out = applyOverrides(base, ['env.target=-0.1,-0.1', 'policy.std=0.25', 'episodes=2']);
    expect(out.env).toEqual({ name: 'nav2d', target: [-0.1, -0.1], image_size: 32, render: true });
    expect(out.policy).toEqual({ std: 0.25 });
    expect(out.episodes).toBe(2);
    expect(base.env.target).toBe('random');
  });

  it('rejects an unknown key, listing the known ones', () => {
    expect(() => applyOverrides(base, ['env.colour=red'])).toThrow(/unknown config key 'env.colour'; known keys: env.image_size, env.name, env.render, env.target, episodes, policy.std, seed/);
    expect(() => applyOverrides(base, ['polcy.std=1'])).toThrow(/unknown config key 'polcy.std'/);
    expect(() => applyOverrides(base, ['episodes.n=1'])).toThrow(/unknown config key 'episodes.n'/);
    expect(() => applyOverrides(base, ['env=1'])).toThrow(/it is a group/);
    expect(() => applyOverrides(base, ['toString=1'])).toThrow(/unknown config key 'toString'/);
  });

  it('rejects a malformed assignment', () => {
    expect(() => applyOverrides(base, ['episodes'])).toThrow(/--set expects key=value, got 'episodes'/);
    expect(() => applyOverrides(base, ['=3'])).toThrow(/key=value/);
    expect(() => applyOverrides(base, ['env..x=3'])).toThrow(/malformed key/);
  });

  it('lists keys', () => {
    expect(configKeys({ a: 1, b: { c: [1, 2], d: { e: 'x' } } })).toEqual(['a', 'b.c', 'b.d.e']);
  });
});
