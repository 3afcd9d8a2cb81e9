/**
 * The q-th percentile (0–100) of a sample, nearest-rank: the smallest value with at least q% of the sample at
 * or below it. Undefined for an empty sample.
 *
 * @example
 * percentile([5, 1, 3, 2, 4], 50) // 3
 * percentile([5, 1, 3, 2, 4], 95) // 5
 */
export function percentile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((q / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/** Rounded to one decimal place (milliseconds in reports). */
export const round1 = (n: number) => Math.round(n * 10) / 10;
