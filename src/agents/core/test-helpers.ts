/** Checks shared by the agents' tests (SOLAR and the VAE ablation run the same LQR-FLM loop). */
import { expect } from 'vitest';

interface ResumableAgent<S> {
  iterate(): Promise<{ success_labels?: number; eta: number }>;
  getState(): S;
  setState(s: S): void;
}
type Setup<S> = (name: string, overrides: Record<string, unknown>, env: Record<string, unknown>) => Promise<{ agent: ResumableAgent<S> }>;

const noClock = (m: object) => Object.fromEntries(Object.entries(m).filter(([k]) => !k.endsWith('_s')));

/**
 * agent.success_memory on nav2d-sparse: a resumed run keeps the remembered labels and repeats
 * the uninterrupted run exactly; forgetting them changes the success model and so the step;
 * without the memory the state holds no labels.
 */
export async function expectSparseResumeWithMemory<S extends { arrays: { successX?: Float64Array; successY?: Float64Array } }>(setup: Setup<S>): Promise<void> {
  const cfg = { rollouts: 10, success_memory: true };
  const env = { success_distance: 0.5 };
  const a = await setup('nav2d-sparse', cfg, env);
  const first = await a.agent.iterate();
  expect(first.success_labels).toBeGreaterThan(0);
  const state = a.agent.getState();
  expect(state.arrays.successY!.length).toBe(10 * 51);
  const straight = await a.agent.iterate();
  const b = await setup('nav2d-sparse', cfg, env);
  b.agent.setState(structuredClone(state));
  expect(noClock(await b.agent.iterate())).toEqual(noClock(straight));
  const c = await setup('nav2d-sparse', cfg, env);
  c.agent.setState({ ...structuredClone(state), arrays: { ...structuredClone(state.arrays), successX: new Float64Array(0), successY: new Float64Array(0) } });
  expect((await c.agent.iterate()).eta).not.toBe(straight.eta);
  const d = await setup('nav2d-sparse', { rollouts: 10 }, env);
  await d.agent.iterate();
  expect(d.agent.getState().arrays.successY!.length).toBe(0);
}

interface KeepBestAgent<S> {
  iterate(): Promise<{ end_score: number; best_iteration?: number }>;
  evaluate(episodes: number): Promise<readonly { finalDistance: number }[]>;
  readonly evaluatedIteration?: number;
  getState(): S;
  setState(s: S): void;
}

/**
 * agent.keep_best on nav2d: after 4 iterations the evaluated policy is the one rolled out at
 * the iteration b of the lowest J_end, i.e. the policy after b updates — the same episodes as a
 * run stopped there without keep_best, not those of the last update's policy — and a resumed
 * agent evaluates it again.
 */
export async function expectKeepBest<S>(setup: (name: string, overrides: Record<string, unknown>) => Promise<{ agent: KeepBestAgent<S> }>): Promise<void> {
  const distances = async (agent: KeepBestAgent<S>) => (await agent.evaluate(3)).map((e) => e.finalDistance);
  const a = await setup('nav2d', { rollouts: 8, keep_best: true });
  const scores: number[] = [];
  let lastReport: { best_iteration?: number } = {};
  for (let i = 0; i < 4; i++) {
    const m = await a.agent.iterate();
    scores.push(m.end_score);
    lastReport = m;
  }
  const b = scores.indexOf(Math.min(...scores));
  expect(lastReport.best_iteration).toBe(b);
  expect(a.agent.evaluatedIteration).toBe(b);
  const stopped = await setup('nav2d', { rollouts: 8 });
  for (let i = 0; i < b; i++) await stopped.agent.iterate();
  expect(stopped.agent.evaluatedIteration).toBeUndefined();
  const reference = await distances(stopped.agent);
  const state = structuredClone(a.agent.getState());
  expect(await distances(a.agent)).toEqual(reference);
  const last = await setup('nav2d', { rollouts: 8 });
  for (let i = 0; i < 4; i++) await last.agent.iterate();
  expect(await distances(last.agent)).not.toEqual(reference);
  const resumed = await setup('nav2d', { rollouts: 8, keep_best: true });
  resumed.agent.setState(state);
  expect(resumed.agent.evaluatedIteration).toBe(b);
  expect(await distances(resumed.agent)).toEqual(reference);
}
