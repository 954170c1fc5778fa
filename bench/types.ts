/** One measured number of a benchmark. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** What `npm run bench -- --json` prints for this result (default: name, value, unit). */
  json?: Record<string, unknown>;
}
