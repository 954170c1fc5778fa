/**
 * Stopping a run on request (Ctrl-C, SIGTERM, a caller's AbortSignal): the job notices the
 * request at its next safe point (a pretraining step, an episode), saves what it can and
 * throws `RunInterrupted` saying what a resume will start from.
 */

/** The job stopped because it was asked to; `saved` says what `--resume` continues from (null: nothing yet). */
export class RunInterrupted extends Error {
  constructor(readonly saved: string | null) {
    super(`interrupted: ${saved === null ? 'nothing saved yet' : `saved ${saved}`}`);
    this.name = 'RunInterrupted';
  }
}

/**
 * Lets pending events run (a signal handler, a timer) between synchronous steps: training
 * steps and env steps never wait on I/O, so without this a stop request would be seen only
 * at the end of the stage. setImmediate costs microseconds where it exists (Node);
 * browsers fall back to a 0 ms timer.
 */
export function yieldToEvents(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}
