import { describe, expect, it } from "vitest";
import { keyStageOf } from "../../../src/domain/referral/keyStage";
import { normaliseUkPhone } from "../../../src/domain/referral/ukPhone";

describe("keyStageOf", () => {
  it("puts Years 7–9 in KS3 and Years 10–11 in KS4", () => {
    expect([7, 8, 9, 10, 11].map(keyStageOf)).toEqual(["KS3", "KS3", "KS3", "KS4", "KS4"]);
  });
  it("refuses a year group outside secondary", () => {
    expect(() => keyStageOf(6)).toThrow(RangeError);
    expect(() => keyStageOf(12)).toThrow(RangeError);
  });
});

describe("normaliseUkPhone", () => {
  it.each([
    ["0116 496 0123", "01164960123"],
    ["+44 (0)116 496 0123", "01164960123"],
    ["+44 116 496 0123", "01164960123"],
    ["0044 7700 900123", "07700900123"],
    ["07700-900-123", "07700900123"],
  ])("reads %s as %s", (input, expected) => expect(normaliseUkPhone(input)).toBe(expected));
  it.each(["12345", "+1 202 555 0100", "not a number", "0116 496 01"])("refuses %s", (input) =>
    expect(normaliseUkPhone(input)).toBeUndefined(),
  );
});
