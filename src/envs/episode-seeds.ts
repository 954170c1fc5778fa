/**
 * Seeds of episode resets, so that every method meets the same task instances: the random
 * rollouts of pretraining ('train') and of held-out scoring ('test') never share a seed, and
 * an improvement loop's i-th iteration's n-th rollout and its j-th evaluation episode have
 * the same seed whichever method runs them.
 */
import { deriveSeed } from '../random/rng.js';

/** Random-policy rollout i of a split: streams 1,000,000 + i and 2,000,000 + i. */
export function episodeSeed(seed: number, split: 'train' | 'test', i: number): number {
  return deriveSeed(seed, (split === 'train' ? 1_000_000 : 2_000_000) + i);
}

/** Training rollout n of iteration i: stream 1 + i·100,000 + n. */
export function trainEpisodeSeed(seed: number, iteration: number, n: number): number {
  return deriveSeed(seed, 1 + iteration * 100_000 + n);
}

/** Evaluation episode j: stream 2,000,000,000 + j. */
export function evalEpisodeSeed(seed: number, j: number): number {
  return deriveSeed(seed, 2_000_000_000 + j);
}
