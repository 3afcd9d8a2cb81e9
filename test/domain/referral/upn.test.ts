import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { isValidUpn, parseUpn, upnCheckLetter } from "../../../src/domain/referral/upn";

describe("upnCheckLetter", () => {
  it("weights the 12 characters 2..13 and takes the sum modulo 23 in the table without I, O, S", () => {
    // 8·2+0·3+1·4+2·5+0·6+0·7+1·8+0·9+0·10+0·11+0·12+1·13 = 51; 51 mod 23 = 5 → F
    expect(upnCheckLetter("801200100001")).toBe("F");
    // All zeros: sum 0 → A
    expect(upnCheckLetter("000000000000")).toBe("A");
    // A temporary UPN's final letter counts as its place in the table: Z is 22 → 22·13 = 286; 286 mod 23 = 10 → L
    expect(upnCheckLetter("00000000000Z")).toBe("L");
  });
});

describe("parseUpn", () => {
  it("accepts a valid UPN, forgiving spaces and lower case", () => {
    expect(parseUpn(" f801 2001 00001 ")).toEqual({ ok: true, upn: "F801200100001", temporary: false });
  });
  it("accepts a temporary UPN ending in a letter", () => {
    expect(parseUpn("L00000000000Z")).toEqual({ ok: true, upn: "L00000000000Z", temporary: true });
  });
  it.each([
    ["A801200100001", "checkLetter"],
    ["F80120010000", "length"],
    ["F8012001000011", "length"],
    ["I801200100001", "characters"],
    ["F80120010000O", "characters"],
    ["F80120010000S", "characters"],
    ["1801200100001", "characters"],
  ])("refuses %s (%s)", (upn, problem) => {
    expect(parseUpn(upn)).toEqual({ ok: false, problem });
  });

  it("always accepts a check letter computed for any 12 digits, and catches every single-digit slip", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12}$/), fc.integer({ min: 0, max: 11 }), fc.integer({ min: 1, max: 9 }), (digits, at, delta) => {
        const upn = upnCheckLetter(digits) + digits;
        expect(isValidUpn(upn)).toBe(true);
        const changed = ((Number(digits[at]) + delta) % 10).toString();
        const slipped = upn.slice(0, at + 1) + changed + upn.slice(at + 2);
        expect(isValidUpn(slipped)).toBe(false);
      }),
    );
  });
});
