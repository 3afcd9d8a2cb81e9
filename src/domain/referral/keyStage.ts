import { z } from "zod";

/** Secondary year groups the partnership serves. */
export const yearGroupSchema = z.number().int().min(7).max(11);
export type YearGroup = 7 | 8 | 9 | 10 | 11;

export const keyStageSchema = z.enum(["KS3", "KS4"]);
export type KeyStage = z.infer<typeof keyStageSchema>;

/**
 * Years 7–9 are Key Stage 3, Years 10–11 Key Stage 4 (places and placement patterns differ by key stage).
 *
 * @example
 * keyStageOf(9)  // "KS3"
 * keyStageOf(10) // "KS4"
 */
export function keyStageOf(yearGroup: number): KeyStage {
  if (!Number.isInteger(yearGroup) || yearGroup < 7 || yearGroup > 11) {
    throw new RangeError(`Year ${yearGroup} is not a secondary year group (7 to 11)`);
  }
  return yearGroup <= 9 ? "KS3" : "KS4";
}
