/**
 * A count as a whole-number percentage of a total, rounded half up as the unit's summary shows them (seed 003:
 * "7 out of 10 … (70%)"); null when the total is 0, so "no pupils" is never printed as 0%. Integer arithmetic,
 * so 1 of 8 is 13 and never 12 from a floating-point 12.4999….
 *
 * @example
 * wholePercent(43, 53) // 81
 * wholePercent(1, 8)   // 13
 * wholePercent(0, 0)   // null
 */
export function wholePercent(count: number, of: number): number | null {
  if (of <= 0) return null;
  return Math.floor((200 * count + of) / (2 * of));
}
