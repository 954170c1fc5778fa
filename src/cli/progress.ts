import cliProgress from 'cli-progress';

export interface Progress {
  /** Advances by n; `info` (e.g. the last iteration's distance and cost) shows beside the bar. */
  tick(n?: number, info?: string): void;
  stop(): void;
}

/** A progress bar on a terminal (stderr), nothing when output is piped or logged. */
export function progressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || total <= 0) return { tick() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}{info}`, stream, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { info: '' });
  return { tick: (n = 1, info?: string) => bar.increment(n, info === undefined ? undefined : { info: ` | ${info}` }), stop: () => bar.stop() };
}

/** Time left when `fraction` (0..1) of the work took `elapsedS` seconds, at the same rate; undefined before any progress. */
export function etaSeconds(fraction: number, elapsedS: number): number | undefined {
  if (!(fraction > 0) || !(elapsedS >= 0)) return undefined;
  return (elapsedS * (1 - Math.min(1, fraction))) / fraction;
}

/** 42 s, 7 min, 1 h 05 min. */
export function formatDuration(s: number): string {
  if (s < 60) return `${Math.round(s)} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, '0')} min`;
}
