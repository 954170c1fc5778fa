/**
 * The labels of a run started from the page: `solar serve` starts `solar train` as a child
 * process with an IPC channel, and the two exchange these messages (each validated on
 * arrival). The child asks:
 *   {type: 'label-question', task, iteration, rollouts: [{rollout, seed, png (base64)}], given}
 * and reports the labels it has saved after every change ({type: 'label-state', iteration, labels})
 * or that the question is gone ({type: 'label-closed', iteration}). The server relays the
 * person's keys:
 *   {type: 'label', iteration, rollout, success: true | false | null (take back)}
 *   {type: 'labels-done', iteration}
 * The child writes labels.jsonl (the run directory keeps one writer); when the server goes
 * away, the child stops as on Ctrl-C, resumable.
 */
import { z } from 'zod';
import type { LabelQuestion, LabelSource } from '../run/labels.js';

export const LABELS_VIA_ENV = 'SOLAR_LABELS_VIA';

const label = z.boolean().nullable();

export const childMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('label-question'),
    task: z.string().max(200),
    iteration: z.number().int().min(0),
    rollouts: z.array(z.object({ rollout: z.number().int().min(0), seed: z.number().int(), png: z.string().max(4_000_000) })).min(1).max(1000),
    given: z.array(label),
  }),
  z.object({ type: z.literal('label-state'), iteration: z.number().int().min(0), labels: z.array(label) }),
  z.object({ type: z.literal('label-closed'), iteration: z.number().int().min(0) }),
]);
export type ChildMessage = z.infer<typeof childMessage>;

export const parentMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('label'), iteration: z.number().int().min(0), rollout: z.number().int().min(0), success: label }),
  z.object({ type: z.literal('labels-done'), iteration: z.number().int().min(0) }),
]);
export type ParentMessage = z.infer<typeof parentMessage>;

/** What the child needs of its process: Node's `process` (tests pass a stand-in). */
export interface IpcEnd {
  send?(message: unknown): unknown;
  /** Node's IPC channel: held open (ref) only while a question waits, so the process can exit when done. */
  channel?: { ref(): void; unref(): void } | null;
  on(event: 'message', f: (m: unknown) => void): unknown;
  off(event: 'message', f: (m: unknown) => void): unknown;
}

/** The child's side: the person at the page of the `solar serve` that started this process. */
export function ipcLabelSource(end: IpcEnd = process as unknown as IpcEnd): LabelSource {
  if (!end.send) throw new Error('labels from the page need the IPC channel of solar serve (start the run from its page)');
  const send = (m: ChildMessage) => void end.send!(m);
  end.channel?.unref();
  return {
    ask(q: LabelQuestion, onChange, signal) {
      return new Promise<boolean[]>((resolve, reject) => {
        const labels = [...q.given];
        const finish = (f: () => void) => {
          end.off('message', onMessage);
          end.channel?.unref();
          signal?.removeEventListener('abort', onAbort);
          send({ type: 'label-closed', iteration: q.iteration });
          f();
        };
        const onAbort = () => finish(() => reject(new Error('labelling stopped')));
        const onMessage = (raw: unknown) => {
          const r = parentMessage.safeParse(raw);
          // Not ours, or for another question: ignored (the server validates the person's input).
          if (!r.success || r.data.iteration !== q.iteration) return;
          const m = r.data;
          if (m.type === 'label') {
            if (m.rollout >= labels.length) return;
            labels[m.rollout] = m.success;
            onChange([...labels]);
            send({ type: 'label-state', iteration: q.iteration, labels: [...labels] });
          } else if (labels.every((l) => l !== null)) {
            finish(() => resolve(labels as boolean[]));
          } else {
            send({ type: 'label-state', iteration: q.iteration, labels: [...labels] });
          }
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort);
        end.channel?.ref();
        end.on('message', onMessage);
        send({ type: 'label-question', task: q.task, iteration: q.iteration, rollouts: q.rollouts.map((r) => ({ rollout: r.rollout, seed: r.seed, png: r.png.toString('base64') })), given: [...q.given] });
      });
    },
  };
}
