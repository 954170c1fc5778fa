/** Parameter schemas shared by the simulated tasks (zod, strict: an unknown key is an error). */
import { z } from 'zod';

/** Fields every simulated task takes; each task supplies its own defaults. */
export function commonParams(d: { image_size: number; channels: number; horizon: number; success_distance: number; allowedChannels: readonly number[] }) {
  return {
    /** Camera image height and width in pixels. */
    image_size: z.number().int().min(8).max(512).default(d.image_size),
    /** Image channels (the task draws each object in its own colour). */
    channels: z
      .number()
      .int()
      .refine((c) => d.allowedChannels.includes(c), { message: `channels must be one of ${d.allowedChannels.join(', ')}` })
      .default(d.channels),
    /** false: skip rendering (state-only methods, benchmarks); observations are then empty. */
    render: z.boolean().default(true),
    /** Steps per episode, T. */
    horizon: z.number().int().min(1).max(100_000).default(d.horizon),
    /** An episode succeeds when its final distance to the target is at most this. */
    success_distance: z.number().positive().default(d.success_distance),
  };
}

/** A fixed 2-D goal `[x, y]` or "random" (drawn at each reset from the task's goal distribution). */
export const targetParam = z.union([z.literal('random'), z.tuple([z.number(), z.number()])]);
export type Target = z.infer<typeof targetParam>;
