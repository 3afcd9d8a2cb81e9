import { z } from "zod";

/** The check-letter table: 23 letters, skipping I, O and S (DfE UPN guidance; python-stdnum gb.upn). */
const LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ";

/**
 * The check letter for the 12 characters after it: each character's value (a digit counts as itself, the
 * final letter of a temporary UPN as its place in the table) times its weight 2…13, summed, modulo 23.
 *
 * @example
 * upnCheckLetter("801200100001") // "F": so "F801200100001" is a valid UPN
 */
export function upnCheckLetter(twelve: string): string {
  if (!/^\d{11}[\dABCDEFGHJKLMNPQRTUVWXYZ]$/.test(twelve)) {
    throw new RangeError("A UPN's last 12 characters are 11 digits then a digit or a letter from the UPN table");
  }
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    const c = twelve.charAt(i);
    const value = /\d/.test(c) ? Number(c) : LETTERS.indexOf(c);
    sum += value * (i + 2);
  }
  return LETTERS.charAt(sum % 23);
}

export type UpnProblem = "length" | "characters" | "checkLetter";

/**
 * Checks a unique pupil number: 13 characters, a check letter then 12 digits — or, for a temporary UPN, 11
 * digits and a final letter. Spaces and lower case are forgiven (people copy UPNs from letters and screens).
 *
 * @example
 * parseUpn(" f801200100001 ") // { ok: true, upn: "F801200100001", temporary: false }
 * parseUpn("B801200100001")   // { ok: false, problem: "checkLetter" }
 * parseUpn("F80120010000")    // { ok: false, problem: "length" }
 */
export function parseUpn(input: string):
  | { ok: true; upn: string; temporary: boolean }
  | { ok: false; problem: UpnProblem } {
  const upn = input.replace(/\s+/g, "").toUpperCase();
  if (upn.length !== 13) return { ok: false, problem: "length" };
  if (!/^[ABCDEFGHJKLMNPQRTUVWXYZ]\d{11}[\dABCDEFGHJKLMNPQRTUVWXYZ]$/.test(upn)) return { ok: false, problem: "characters" };
  if (upnCheckLetter(upn.slice(1)) !== upn.charAt(0)) return { ok: false, problem: "checkLetter" };
  return { ok: true, upn, temporary: /[A-Z]$/.test(upn) };
}

export function isValidUpn(input: string): boolean {
  return parseUpn(input).ok;
}

const upnMessages: Record<UpnProblem, string> = {
  length: "A UPN has 13 characters: a letter followed by 12 digits (a temporary UPN ends in a letter).",
  characters: "A UPN is a letter followed by 12 digits (a temporary UPN ends in a letter); I, O and S are never used.",
  checkLetter: "This UPN's check letter does not match its digits. Please copy it again from your MIS.",
};

function upnMessagesTooLong(): string {
  return "A UPN has 13 characters: a letter followed by 12 digits (a temporary UPN ends in a letter).";
}

/** A UPN as a zod schema: normalised, with a message a school can act on (never echoing the UPN itself). */
export const upnSchema = z.string().max(20, upnMessagesTooLong()).transform((value, ctx) => {
  const parsed = parseUpn(value);
  if (!parsed.ok) {
    ctx.addIssue({ code: "custom", message: upnMessages[parsed.problem] });
    return z.NEVER;
  }
  return parsed.upn;
});
