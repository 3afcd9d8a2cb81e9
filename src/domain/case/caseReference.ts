import { z } from "zod";

/**
 * A case reference: what stands for a case anywhere outside its record (cards, email subjects, logs).
 * `{PARTNERSHIP}-{YYYY}-{NNNN}`; the year is the calendar year the case was received (UK time), the number
 * at least four digits.
 *
 * @example
 * formatCaseReference("LNCIP", 2026, 42)    // "LNCIP-2026-0042"
 * formatCaseReference("LNCIP", 2026, 10000) // "LNCIP-2026-10000"
 * parseCaseReference("LNCIP-2026-0042")     // { partnership: "LNCIP", year: 2026, number: 42 }
 */
export function formatCaseReference(partnership: string, year: number, number: number): string {
  if (!/^[A-Z]{2,10}$/.test(partnership)) throw new RangeError("A partnership code is 2 to 10 capital letters");
  if (!Number.isInteger(year) || year < 2000 || year > 9999) throw new RangeError("A case year has four digits");
  if (!Number.isInteger(number) || number < 1) throw new RangeError("Case numbers start at 1");
  return `${partnership}-${year}-${String(number).padStart(4, "0")}`;
}

export const caseRefSchema = z.string().regex(/^[A-Z]{2,10}-\d{4}-\d{4,}$/, "expected a case reference like LNCIP-2026-0042");

export function parseCaseReference(ref: string): { partnership: string; year: number; number: number } | undefined {
  const m = /^([A-Z]{2,10})-(\d{4})-(\d{4,})$/.exec(ref);
  if (!m) return undefined;
  return { partnership: m[1] as string, year: Number(m[2]), number: Number(m[3]) };
}
