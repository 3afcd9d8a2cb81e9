import { describe, expect, it } from "vitest";
import { holdsPlace, placesLeft, placesTaken, type PlaceHolder } from "../../../src/domain/places";

const p = (id: string, caseRef: string, keyStage: "KS3" | "KS4", started: boolean): PlaceHolder => ({ id, caseRef, keyStage, started });
const open = [p("3", "LNCIP-2026-0040", "KS3", true), p("5", "LNCIP-2026-0041", "KS3", false), p("8", "LNCIP-2026-0042", "KS4", true), p("12", "LNCIP-2026-0043", "KS3", true)];

describe("counting places", () => {
  it("counts the open placements of each key stage", () => {
    expect(placesTaken(open)).toEqual({ KS3: 3, KS4: 1 });
  });

  it("does not count the case's own placement as a rival", () => {
    expect(placesTaken(open, { notCounting: "LNCIP-2026-0041" })).toEqual({ KS3: 2, KS4: 1 });
  });

  it("counts only started placements when a placement is to start (one set up beyond the places waits)", () => {
    expect(placesTaken(open, { startedOnly: true })).toEqual({ KS3: 2, KS4: 1 });
    expect(placesTaken(open, { startedOnly: true, notCounting: "LNCIP-2026-0043" })).toEqual({ KS3: 1, KS4: 1 });
  });

  it("gives the places left, below zero when the places were lowered under the placements running", () => {
    expect(placesLeft({ KS3: 9, KS4: 26 }, placesTaken(open), "KS3")).toBe(6);
    expect(placesLeft({ KS3: 2, KS4: 26 }, placesTaken(open), "KS3")).toBe(-1);
  });

  it("gives the key stage's places to its placements in the order they were set up (numeric item ids)", () => {
    expect(holdsPlace(open, "3", 2)).toBe(true);
    expect(holdsPlace(open, "5", 2)).toBe(true);
    expect(holdsPlace(open, "12", 2)).toBe(false); // "12" sorts after "5" as a number, not as text
    expect(holdsPlace(open, "8", 1)).toBe(true); // KS4's placements do not compete with KS3's
    expect(holdsPlace(open, "99", 2)).toBeUndefined();
  });
});
