/** One measured number of a benchmark. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}
