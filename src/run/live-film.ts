/**
 * live.gif: the latest training rollout of a latent agent (camera beside decoded latent),
 * rewritten now and then for solar serve's page. Filmed between episodes (where the job waits
 * anyway), at most every LIVE_EVERY_MS and never more than 1/20 of the time; it reads the
 * model without changing it or any random stream, so a run's results do not depend on it.
 */
import type { TrainConfig } from '../config/train-config.js';
import type { Env } from '../envs/types.js';
import type { SolarModel } from '../model/index.js';
import { latentGif, type LatentFilm } from './latent-pretrain.js';
import type { RunDir } from './run-dir.js';

/** live.gif is rewritten at most this often (ms). */
export const LIVE_EVERY_MS = 10_000;

export class LiveFilm {
  private latest: { film: LatentFilm; title: string } | null = null;
  private due = 0;

  constructor(private readonly dir: RunDir, private readonly model: SolarModel, private readonly env: Env, private readonly config: TrainConfig, private readonly warn: (w: string) => void) {}

  /** The newest rollout (kept until the next `write`). */
  offer(film: LatentFilm, title: string): void {
    this.latest = { film, title };
  }

  /** Films the newest rollout offered, if one is waiting and the time has come. */
  async write(): Promise<void> {
    const l = this.latest;
    if (!l || performance.now() < this.due) return;
    this.latest = null;
    const t0 = performance.now();
    try {
      this.dir.writeFile('live.gif', await latentGif(this.model, this.env, [l.film], this.config, l.title));
    } catch (e) {
      this.warn(`could not write live.gif: ${e instanceof Error ? e.message : String(e)}`);
      this.due = Infinity;
      return;
    }
    this.due = performance.now() + Math.max(LIVE_EVERY_MS, 20 * (performance.now() - t0));
  }
}
