import { z } from "zod";

/**
 * Normalises a UK phone number as people write it — spaces, brackets, dashes, +44 or 0044 — to the national
 * form `0XXXXXXXXXX` (11 digits). Returns undefined for anything that is not a UK number.
 *
 * @example
 * normaliseUkPhone("+44 (0)116 496 0123") // "01164960123"
 * normaliseUkPhone("07700 900123")        // "07700900123"
 */
export function normaliseUkPhone(input: string): string | undefined {
  let digits = input.replace(/[\s().-]/g, "");
  if (digits.startsWith("+44")) digits = `0${digits.slice(3)}`;
  else if (digits.startsWith("0044")) digits = `0${digits.slice(4)}`;
  digits = digits.replace(/^00(?=\d)/, "0"); // "+44 (0)116…" leaves "00116…"
  return /^0[1-9]\d{8,9}$/.test(digits) ? digits : undefined;
}

export const ukPhoneSchema = z.string().max(30, "Please give a UK phone number, e.g. 0116 496 0123 or 07700 900123.").transform((value, ctx) => {
  const phone = normaliseUkPhone(value);
  if (!phone) {
    ctx.addIssue({ code: "custom", message: "Please give a UK phone number, e.g. 0116 496 0123 or 07700 900123." });
    return z.NEVER;
  }
  return phone;
});
