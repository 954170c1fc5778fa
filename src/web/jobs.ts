/**
 * The training runs `solar serve` starts, stops and resumes from its page: each is a
 * `solar train` child process (so a run's directory keeps one writer, and a crash of either
 * leaves the other standing) with an IPC channel that carries the person's success labels
 * (label-channel.ts). A stop is Ctrl-C's: the child saves and exits resumable. When the
 * server closes, its children are stopped the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SUCCESS_LABELS } from '../agents/core/success-labels.js';
import { METHODS, PRESETS } from '../config/train-config.js';
import { envNames } from '../envs/registry.js';
import { childMessage, LABELS_VIA_ENV, type ParentMessage } from './label-channel.js';
import { HttpError, resolveRunId, runStatus } from './runs.js';

export interface StartRequest {
  env: string;
  method: string;
  preset: string;
  seed: number;
  label?: string;
}

/** What the page shows of a question: the rollouts (their last frames at .../labels/N.png) and the labels so far. */
export interface LabelState {
  task: string;
  iteration: number;
  rollouts: { rollout: number; seed: number }[];
  /** The labels as the person gave them (relayed to the run in order). */
  labels: (boolean | null)[];
  /** How many of them the run has confirmed saving to labels.jsonl. */
  saved: number;
}

export interface JobState {
  /** Whether this server's child is writing the run now. */
  running: boolean;
  pid?: number;
  /** The child's exit code once it ended (130: stopped, resumable). */
  exit_code?: number | null;
  /** The child's last output lines (its progress and any error). */
  log: string[];
  labels: LabelState | null;
}

/**
 * What a viewer is sent: the whole job state when the child starts or exits, only the new
 * output lines in between (a viewer appends them and keeps the last LOG_LINES), the labels.
 */
export type JobEvent = { type: 'job'; state: JobState } | { type: 'log'; lines: string[] } | { type: 'labels'; labels: LabelState | null };

interface Job {
  child: ChildProcess | null;
  exitCode?: number | null;
  log: string[];
  question: (LabelState & { pngs: Buffer[] }) | null;
  listeners: Set<(e: JobEvent) => void>;
}

/** Output lines kept per job (and by the page). */
export const LOG_LINES = 200;
/** Run directories this server makes are named like the CLI's default, one folder under the runs folder. */
const SAFE_NAME = /^[a-z0-9][a-z0-9_.-]{0,120}$/;

/** bin/solar.js of this package, from src/web (tests) or build/src/web. */
export function defaultCliEntry(): string {
  for (const up of ['../../bin/solar.js', '../../../bin/solar.js']) {
    const f = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(f)) return f;
  }
  throw new Error('serve: cannot find bin/solar.js beside the package');
}

export class Jobs {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly root: string, private readonly cli: string = defaultCliEntry()) {}

  private job(id: string): Job {
    let j = this.jobs.get(id);
    if (!j) this.jobs.set(id, (j = { child: null, log: [], question: null, listeners: new Set() }));
    return j;
  }

  /** Checks a start request; one line naming the first problem. */
  static check(r: StartRequest): void {
    if (!envNames().includes(r.env)) throw new HttpError(400, `unknown task '${String(r.env).slice(0, 60)}': one of ${envNames().join(', ')}`);
    if (!Object.keys(METHODS).includes(r.method)) throw new HttpError(400, `unknown method '${String(r.method).slice(0, 60)}': one of ${Object.keys(METHODS).join(', ')}`);
    if (!(PRESETS as readonly string[]).includes(r.preset)) throw new HttpError(400, `unknown preset '${String(r.preset).slice(0, 60)}': one of ${PRESETS.join(', ')}`);
    if (!Number.isInteger(r.seed) || r.seed < 0 || r.seed > 2 ** 31 - 1) throw new HttpError(400, 'seed: an integer from 0 to 2147483647');
    if (r.label !== undefined) {
      if (!(SUCCESS_LABELS as readonly string[]).includes(r.label)) throw new HttpError(400, `label: one of ${SUCCESS_LABELS.join(', ')}`);
      if (r.label !== 'task' && r.method !== 'solar' && r.method !== 'vae') throw new HttpError(400, `labels other than the task's apply to solar and vae, not ${r.method}`);
      if (r.label !== 'task' && !r.env.endsWith('-sparse')) throw new HttpError(400, `labels other than the task's are for sparse tasks (try ${r.env}-sparse)`);
    }
  }

  /** Starts `solar train` in a new run directory under the folder; returns its run id. */
  start(r: StartRequest): string {
    Jobs.check(r);
    const base = `train-${r.env}-${r.method}-s${r.seed}${r.label === 'human' ? '-human' : ''}`;
    let id = base;
    for (let n = 2; existsSync(join(this.root, id)) || this.jobs.get(id)?.child; n++) id = `${base}-${n}`;
    if (!SAFE_NAME.test(id)) throw new HttpError(400, `bad run name '${id}'`);
    const args = ['train', '--env', r.env, '--method', r.method, '--preset', r.preset, '--seed', String(r.seed), '--out', join(this.root, id)];
    if (r.label !== undefined) args.push('--label', r.label);
    this.spawn(id, args);
    return id;
  }

  /** Continues a stopped run (`solar train --resume`). */
  resume(id: string): void {
    const dir = resolveRunId(this.root, id);
    if (this.jobs.get(id)?.child) throw new HttpError(409, `run '${id}' is running`);
    const status = runStatus(dir);
    if (status !== 'stopped') throw new HttpError(409, `run '${id}' is ${status}: only a stopped run resumes`);
    this.spawn(id, ['train', '--resume', dir]);
  }

  /** Stops a run this server started (Ctrl-C: it saves and exits resumable). */
  stop(id: string): void {
    const child = this.jobs.get(id)?.child;
    if (!child) throw new HttpError(409, `run '${id}' was not started by this server, or has ended: stop it where it runs (Ctrl-C)`);
    child.kill('SIGINT');
  }

  state(id: string): JobState {
    const j = this.jobs.get(id);
    if (!j) return { running: false, log: [], labels: null };
    return { running: j.child !== null, ...(j.child?.pid !== undefined ? { pid: j.child.pid } : {}), ...(j.exitCode !== undefined ? { exit_code: j.exitCode } : {}), log: [...j.log], labels: labelState(j) };
  }

  /** The last frame of rollout `n` of the open question. */
  framePng(id: string, n: number): Buffer {
    const q = this.jobs.get(id)?.question;
    if (!q || !Number.isInteger(n) || n < 0 || n >= q.pngs.length) throw new HttpError(404, `run '${id}' asks for no label of rollout ${n}`);
    return q.pngs[n];
  }

  /** A person's label of rollout `rollout` (null takes it back), or `done`, relayed to the run. */
  label(id: string, m: { iteration: number; rollout?: number; success?: boolean | null; done?: boolean }): void {
    const j = this.jobs.get(id);
    const q = j?.question;
    if (!j?.child || !q) throw new HttpError(409, `run '${id}' is not waiting for labels`);
    if (m.iteration !== q.iteration) throw new HttpError(409, `run '${id}' asks about iteration ${q.iteration}, not ${m.iteration}`);
    let msg: ParentMessage;
    if (m.done) {
      if (q.labels.some((l) => l === null)) throw new HttpError(409, `${q.labels.filter((l) => l === null).length} rollouts of iteration ${q.iteration} have no label yet`);
      msg = { type: 'labels-done', iteration: q.iteration };
    } else {
      if (m.rollout === undefined || m.success === undefined || m.rollout >= q.labels.length) throw new HttpError(400, `a label names a rollout from 0 to ${q.labels.length - 1} and success true, false or null`);
      msg = { type: 'label', iteration: q.iteration, rollout: m.rollout, success: m.success };
      // Shown at once; the child's label-state confirms what it saved.
      q.labels[m.rollout] = m.success;
    }
    j.child.send(msg);
    this.emit(id, { type: 'labels', labels: labelState(j) });
  }

  /** Calls `f` with every change of run `id`'s job and labels; returns the unsubscribe. */
  subscribe(id: string, f: (e: JobEvent) => void): () => void {
    const j = this.job(id);
    j.listeners.add(f);
    return () => j.listeners.delete(f);
  }

  /** Stops every child (each saves, resumable) and waits for them to exit. */
  async close(): Promise<void> {
    const running = [...this.jobs.values()].map((j) => j.child).filter((c): c is ChildProcess => c !== null);
    await Promise.all(running.map((c) => new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGINT');
    })));
  }

  private emit(id: string, e: JobEvent): void {
    for (const f of this.job(id).listeners) f(e);
  }

  private spawn(id: string, args: string[]): void {
    const j = this.job(id);
    j.log = [];
    j.exitCode = undefined;
    j.question = null;
    const child = spawn(process.execPath, [this.cli, ...args], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, [LABELS_VIA_ENV]: 'ipc' } });
    j.child = child;
    const addLine = (line: string) => {
      if (line.trim() === '') return;
      const kept = line.slice(0, 500);
      j.log.push(kept);
      if (j.log.length > LOG_LINES) j.log.splice(0, j.log.length - LOG_LINES);
      this.emit(id, { type: 'log', lines: [kept] });
    };
    // Whole lines, however the pipe cuts them (mid-line, mid-character).
    for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream, crlfDelay: Infinity }).on('line', addLine);
    child.on('message', (raw) => {
      const r = childMessage.safeParse(raw);
      if (!r.success) return;
      const m = r.data;
      if (m.type === 'label-question') {
        const saved = m.given.filter((g) => g !== null).length;
        j.question = { task: m.task, iteration: m.iteration, rollouts: m.rollouts.map(({ rollout, seed }) => ({ rollout, seed })), labels: [...m.given], saved, pngs: m.rollouts.map((x) => Buffer.from(x.png, 'base64')) };
      } else if (m.type === 'label-state' && j.question?.iteration === m.iteration) {
        // The person's later keys may still be on their way: the labels shown stay the person's.
        j.question.saved = m.labels.filter((l) => l !== null).length;
      } else if (m.type === 'label-closed' && j.question?.iteration === m.iteration) {
        j.question = null;
      }
      this.emit(id, { type: 'labels', labels: labelState(j) });
    });
    child.on('error', (e) => addLine(`serve: could not start solar train: ${e.message}`));
    child.on('exit', (code, signal) => {
      j.child = null;
      j.question = null;
      j.exitCode = code ?? (signal ? 128 : null);
      this.emit(id, { type: 'labels', labels: null });
      this.emit(id, { type: 'job', state: this.state(id) });
    });
    this.emit(id, { type: 'job', state: this.state(id) });
  }
}

function labelState(j: Job): LabelState | null {
  const q = j.question;
  return q ? { task: q.task, iteration: q.iteration, rollouts: q.rollouts, labels: [...q.labels], saved: q.saved } : null;
}
