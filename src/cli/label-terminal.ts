/**
 * `solar train --label human` without a browser: the person labels each rollout by a key in
 * the terminal — y success, n not, u takes the last label back, Enter goes on once all are
 * labelled. The iteration's last frames are drawn in the terminal (24-bit colour half blocks,
 * when it is one) and saved as one numbered grid, labels/iter-NNN.png, to open in any viewer.
 * Input that is not a terminal is read a line at a time (a line "y", "n", "u" or an empty one).
 */
import { createInterface } from 'node:readline';
import { besideEachOther, decodePng, encodePng, type Image } from '../run/images.js';
import type { LabelQuestion, LabelSource } from '../run/labels.js';
import type { RunDir } from '../run/run-dir.js';

export interface TerminalLabelOptions {
  input?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };
  write?(text: string): void;
  /** Draw the frames in colour (a terminal that shows 24-bit colour). */
  colour?: boolean;
  /** Called before the first question and after the last answer of each iteration (a progress bar stops and starts). */
  pause?(): void;
  resume?(): void;
}

/** The labels so far and the key that changes them: the terminal's and the tests' one rule. */
export class LabelSession {
  readonly labels: (boolean | null)[];
  /** The rollouts labelled here, last on top: what `u` takes back. */
  private readonly order: number[] = [];

  constructor(given: readonly (boolean | null)[]) {
    this.labels = [...given];
  }

  /** The first rollout without a label, or -1 when all have one. */
  get next(): number {
    return this.labels.indexOf(null);
  }

  /** Applies a key: 'y', 'n', 'u' (undo) or 'enter'; returns whether the labels changed, or 'done'. */
  key(k: string): boolean | 'done' {
    const n = this.next;
    if ((k === 'y' || k === 'n') && n >= 0) {
      this.labels[n] = k === 'y';
      this.order.push(n);
      return true;
    }
    if (k === 'u' && this.order.length > 0) {
      this.labels[this.order.pop()!] = null;
      return true;
    }
    return k === 'enter' && n < 0 ? 'done' : false;
  }
}

/** The image of a PNG, at most `width` pixels across (nearest neighbour). */
function shrink(png: Buffer, width: number): Image {
  const { rgba, width: W, height: H } = decodePng(png);
  const f = Math.max(1, Math.ceil(W / width));
  const w = Math.floor(W / f), h = Math.floor(H / f);
  const data = new Float32Array(w * h * 3);
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let c = 0; c < 3; c++) data[(i * w + j) * 3 + c] = rgba[(i * f * W + j * f) * 4 + c] / 255;
  return { data, height: h, width: w, channels: 3 };
}

/** An image as rows of '▀' whose foreground is the upper pixel and background the lower. */
export function halfBlocks(img: Image): string {
  const { data, width: W, height: H } = img;
  const px = (i: number, j: number) => [0, 1, 2].map((c) => Math.round(data[(i * W + j) * 3 + c] * 255)).join(';');
  const rows: string[] = [];
  for (let i = 0; i < H; i += 2) {
    let row = '';
    for (let j = 0; j < W; j++) row += `\x1b[38;2;${px(i, j)}m\x1b[48;2;${px(Math.min(i + 1, H - 1), j)}m▀`;
    rows.push(row + '\x1b[0m');
  }
  return rows.join('\n');
}

/**
 * Keys from a terminal in raw mode (one per key press, only while a question is open, so
 * Ctrl-C stays Ctrl-C in between) or lines from anything else, read by one reader for the
 * whole run: lines that arrive together are none of them lost between two questions.
 */
class KeyReader {
  private readonly queue: string[] = [];
  private ended = false;
  private listener: ((k: string | null) => void) | null = null;
  private rl: ReturnType<typeof createInterface> | null = null;
  private onData: ((b: Buffer) => void) | null = null;

  constructor(private readonly input: NonNullable<TerminalLabelOptions['input']>) {}

  private push(k: string | null): void {
    if (k === null) this.ended = true;
    else this.queue.push(k);
    this.drain();
  }

  private drain(): void {
    while (this.listener && this.queue.length > 0) this.listener(this.queue.shift()!);
    if (this.listener && this.ended) this.listener(null);
  }

  /** Calls `onKey` with each key (null: the input ended) until `stop`. */
  listen(onKey: (k: string | null) => void): void {
    const input = this.input;
    if (input.isTTY && input.setRawMode) {
      input.setRawMode(true);
      this.onData = (b: Buffer) => {
        for (const ch of b.toString('utf8')) {
          // Raw mode swallows Ctrl-C: passed on as the signal it would have been.
          if (ch === '\x03') process.kill(process.pid, 'SIGINT');
          else this.push(ch === '\r' || ch === '\n' ? 'enter' : ch === '\x7f' || ch === '\b' ? 'u' : ch.toLowerCase());
        }
      };
      input.on('data', this.onData);
      input.resume();
    } else if (!this.rl) {
      this.rl = createInterface({ input, terminal: false });
      this.rl.on('line', (line) => {
        const k = line.trim().toLowerCase();
        this.push(k === '' ? 'enter' : k[0]);
      });
      this.rl.on('close', () => this.push(null));
    }
    this.listener = onKey;
    this.drain();
  }

  stop(): void {
    this.listener = null;
    if (this.onData) {
      this.input.off('data', this.onData);
      this.onData = null;
      this.input.setRawMode?.(false);
      this.input.pause();
    }
  }

  /** Lets go of the input (the run is over): the process can exit. */
  close(): void {
    this.stop();
    this.rl?.close();
    this.rl = null;
  }
}

/** The person at this terminal; `dir` receives the grid of last frames. */
export function terminalLabelSource(dir: RunDir, opts: TerminalLabelOptions = {}): LabelSource & { close(): void } {
  const input = (opts.input ?? process.stdin) as NonNullable<TerminalLabelOptions['input']>;
  const write = opts.write ?? ((t: string) => void process.stderr.write(t));
  const colour = opts.colour ?? (process.stderr.isTTY === true && input.isTTY === true);
  const reader = new KeyReader(input);
  return {
    close: () => reader.close(),
    ask(q: LabelQuestion, onChange, signal) {
      return new Promise<boolean[]>((resolve, reject) => {
        opts.pause?.();
        const tag = String(q.iteration).padStart(3, '0');
        const grid = `labels/iter-${tag}.png`;
        const small = q.rollouts.map((r) => shrink(r.png, 64));
        dir.writeFile(grid, encodePng(besideEachOther(small), 2));
        const session = new LabelSession(q.given);
        write(`\n${q.task}, iteration ${q.iteration}: did each rollout end in success? y yes, n no, u undo (its last frames, left to right: ${dir.display()}/${grid})\n`);
        const prompt = () => {
          const n = session.next;
          if (n < 0) {
            write(`all ${q.rollouts.length} labelled (${session.labels.filter(Boolean).length} successes): Enter to go on, u to undo\n`);
            return;
          }
          if (colour) write(halfBlocks(small[n]) + '\n');
          write(`rollout ${n + 1} of ${q.rollouts.length} (seed ${q.rollouts[n].seed}): success? [y/n/u] `);
        };
        let finished = false;
        const finish = (f: () => void) => {
          if (finished) return;
          finished = true;
          reader.stop();
          signal?.removeEventListener('abort', onAbort);
          opts.resume?.();
          f();
        };
        const onAbort = () => finish(() => reject(new Error('labelling stopped')));
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort);
        prompt();
        reader.listen((k) => {
          if (finished) return;
          if (k === null) {
            const saved = session.labels.filter((l) => l !== null).length;
            return finish(() => reject(new Error(`the input ended before every rollout of iteration ${q.iteration} was labelled (${saved} of ${q.rollouts.length} are saved in labels.jsonl; a resume asks for the rest)`)));
          }
          const n = session.next;
          const r = session.key(k);
          if (r === 'done') return finish(() => resolve(session.labels as boolean[]));
          if (r) {
            if (n >= 0 && k !== 'u') write(`${k}\n`);
            else write(`\ntook back the label of rollout ${session.next + 1}\n`);
            onChange([...session.labels]);
          } else {
            write(session.next < 0 ? '(Enter to go on, u to undo) ' : '(y, n or u) ');
            return;
          }
          prompt();
        });
      });
    },
  };
}
