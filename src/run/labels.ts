/**
 * The success labels of a sparse task's training rollouts, as the run records them:
 * labels.jsonl, one line per labelled rollout
 *   {"iteration": 2, "rollout": 5, "seed": 123, "success": true, "by": "person", "frame": "…"}
 * (`by`: 'task' for the task's own success, 'person' for a person's; `frame`: a digest of
 * the rollout's last image, so a label is reused only for the very rollout it was given for).
 * The file is rewritten whole (temp + rename) after every label a person gives or takes back:
 * a crash loses none, and a resumed run, which plays the same rollouts again, asks only for
 * those not yet labelled.
 */
import { createHash } from 'node:crypto';
import type { LabelledEpisode, LabelRequest, SuccessLabeller, SuccessLabels } from '../agents/core/success-labels.js';
import { RunInterrupted } from './interrupt.js';
import type { EnvSpec } from '../envs/types.js';
import { encodePng } from './images.js';
import type { RunDir } from './run-dir.js';

export const LABELS_FILE = 'labels.jsonl';

export interface LabelRecord {
  iteration: number;
  rollout: number;
  seed: number;
  success: boolean;
  by: 'task' | 'person';
  frame: string;
}

/** One rollout put to a person: its last image as a PNG (scaled up so it can be seen). */
export interface RolloutToLabel {
  rollout: number;
  seed: number;
  png: Buffer;
}

/** What a person is asked: one iteration's rollouts, with the labels already given (a resume) or null. */
export interface LabelQuestion {
  /** The task, for the person's orientation. */
  task: string;
  iteration: number;
  rollouts: RolloutToLabel[];
  given: (boolean | null)[];
}

/**
 * A person answering (the page of `solar serve`, the terminal): resolves with every rollout's
 * label once the person is done, calling `onChange` with the labels so far after each key
 * (a label given or taken back), so they can be saved as they come.
 */
export interface LabelSource {
  /** `signal` aborts the question (a stop request): the source lets go of its input and rejects. */
  ask(question: LabelQuestion, onChange: (labels: (boolean | null)[]) => void, signal?: AbortSignal): Promise<boolean[]>;
}

/** A digest of an image's values: which rollout a label belongs to. */
export function frameDigest(frame: Float32Array): string {
  return createHash('sha256').update(new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength)).digest('hex').slice(0, 16);
}

function isRecord(v: unknown): v is LabelRecord {
  const r = v as LabelRecord;
  return typeof r === 'object' && r !== null && Number.isInteger(r.iteration) && Number.isInteger(r.rollout) && Number.isInteger(r.seed)
    && typeof r.success === 'boolean' && (r.by === 'task' || r.by === 'person') && typeof r.frame === 'string';
}

/** The records of labels.jsonl (none when absent); a malformed line is one error naming it. */
export function readLabels(dir: RunDir): LabelRecord[] {
  const lines = dir.readJsonl(LABELS_FILE);
  lines.forEach((l, i) => {
    if (!isRecord(l)) throw new Error(`${dir.display()}/${LABELS_FILE}: line ${i + 1} is not a label ({iteration, rollout, seed, success, by, frame})`);
  });
  return lines as unknown as LabelRecord[];
}

/**
 * The job's labeller for agent.labels: the task's own success ('task', 'final'), or a
 * person's through `source` ('human'), reusing the labels of labels.jsonl given for the same
 * rollouts (same iteration, index, seed and last image). Every label is recorded.
 */
export function recordingLabeller(labels: SuccessLabels, spec: EnvSpec, dir: RunDir, source: LabelSource | null, signal?: AbortSignal): SuccessLabeller {
  if (labels === 'human' && !source) throw new Error("agent.labels is 'human', but there is no one to ask: run it from the page of solar serve, or in a terminal");
  return async (req: LabelRequest) => {
    const it = req.iteration;
    const digests = req.episodes.map((e) => frameDigest(e.frames[e.frames.length - 1]));
    const before = readLabels(dir);
    const others = before.filter((r) => r.iteration !== it);
    const record = (got: (boolean | null)[], by: LabelRecord['by']) => {
      const mine: LabelRecord[] = [];
      got.forEach((success, rollout) => {
        if (success !== null) mine.push({ iteration: it, rollout, seed: req.episodes[rollout].seed, success, by, frame: digests[rollout] });
      });
      const all = [...others, ...mine].sort((a, b) => a.iteration - b.iteration || a.rollout - b.rollout);
      dir.writeFile(LABELS_FILE, all.map((r) => JSON.stringify(r) + '\n').join(''));
    };
    if (labels !== 'human') {
      const own = req.episodes.map((e) => e.success);
      record(own, 'task');
      return own;
    }
    // A label saved for this very rollout (a resumed run plays it again) is kept; the rest are asked.
    const saved = before.filter((r) => r.iteration === it && r.by === 'person');
    const given = req.episodes.map((e, n) => saved.find((r) => r.rollout === n && r.seed === e.seed && r.frame === digests[n])?.success ?? null);
    if (given.every((g) => g !== null)) {
      record(given, 'person');
      return given as boolean[];
    }
    const question: LabelQuestion = { task: spec.name, iteration: it, rollouts: req.episodes.map((e, n) => ({ rollout: n, seed: e.seed, png: lastFramePng(e, spec) })), given };
    const answer = await source!.ask(question, (now) => record(now, 'person'), signal);
    record(answer, 'person');
    return answer;
  };
}

/** The rollout's last image as a PNG, at least 128 pixels across. */
export function lastFramePng(e: LabelledEpisode, spec: EnvSpec): Buffer {
  const [height, width, channels] = spec.observation.shape;
  return encodePng({ data: e.frames[e.frames.length - 1], height, width, channels }, Math.max(1, Math.ceil(128 / width)));
}

/** Labels other than the task's own need a sparse task, and a person's someone to ask: said before pretraining. */
export function checkLabels(labels: SuccessLabels, spec: EnvSpec, source: LabelSource | null): void {
  if (labels === 'task') return;
  if (spec.cost.kind !== 'sparse') throw new Error(`agent.labels '${labels}' labels the rollouts of a sparse task; ${spec.name} has a dense cost (try ${spec.name}-sparse)`);
  if (labels === 'human' && !source) throw new Error("agent.labels 'human' needs a person to ask: solar train --label human (in a terminal) or start the run from the page of solar serve");
}

/**
 * The recording labeller of a job: a stop request while a person labels drops the question
 * and stops the run as any stop does (RunInterrupted, naming what `saved()` says a resume
 * starts from); the resume asks again for what is not yet labelled.
 */
export function jobLabeller(labels: SuccessLabels, spec: EnvSpec, dir: RunDir, source: LabelSource | null, signal: AbortSignal | undefined, saved: () => string | null): SuccessLabeller {
  const labeller = recordingLabeller(labels, spec, dir, source, signal);
  return async (req) => {
    try {
      return await labeller(req);
    } catch (e) {
      if (signal?.aborted) throw new RunInterrupted(saved());
      throw e;
    }
  };
}
