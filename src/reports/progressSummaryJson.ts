import type { ProgressSummary } from "../domain/reports/progressSummary";

/**
 * The summary as the JSON file the issue specifies: its keys in the order they are declared, two-space indented,
 * ending in a newline. Nothing else is added (no pupil, no case reference, no gaps).
 *
 * @example
 * JSON.parse(progressSummaryJson(summary)).ks4.eetDestinations // { of: 10, count: 9, pct: 90 }
 */
export function progressSummaryJson(summary: ProgressSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}
