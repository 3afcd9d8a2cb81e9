import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { commandCountsPlaces, coreGroupOutcomes, decide, type CaseCommand, type CaseContext, type CaseState } from "../../../src/domain/case";

const at = "2026-11-26T16:05:00.000Z";
const by = "coordinator@lncip.example";
type Body = CaseCommand extends infer C ? (C extends unknown ? Omit<C, "by" | "at"> : never) : never;
const cmd = (c: Body): CaseCommand => ({ by, at, ...c }) as CaseCommand;

const commands: fc.Arbitrary<CaseCommand> = fc.oneof(
  fc.constantFrom<CaseCommand>(
    cmd({ kind: "triage" }), cmd({ kind: "scheduleForInclusionForum" }), cmd({ kind: "convertToReferral" }), cmd({ kind: "markReadyForCoreGroup" }),
    cmd({ kind: "recordInclusionForumOutcome", outcome: "referToPartnership" } as Body), cmd({ kind: "recordInclusionForumOverride", byRole: "director", reason: "r" }),
    cmd({ kind: "grantDirectorsException", byRole: "director", reason: "r" }), cmd({ kind: "approveExtraPlace", byRole: "director", reason: "r" }),
    cmd({ kind: "receivePurchaseOrder", number: "PO", fundingSources: ["awpu"] }), cmd({ kind: "offerPlace" }), cmd({ kind: "waitForPlace" }),
    cmd({ kind: "startPlacement" }), cmd({ kind: "endPlacement", exitRoute: "homeSchool" }), cmd({ kind: "reopen", reason: "r" }),
    cmd({ kind: "withdraw", reason: "r" }), cmd({ kind: "close" }),
  ),
  fc.constantFrom(...coreGroupOutcomes).map((outcome) => cmd({ kind: "recordDecision", outcome, source: "teams" })),
);

describe("which commands count the places taken", () => {
  it("any command said not to count them is decided alike whether every place is free or every place is taken", () => {
    const free: CaseContext = { places: { KS3: 2, KS4: 2 }, activePlacements: { KS3: 0, KS4: 0 } };
    const taken: CaseContext = { places: { KS3: 2, KS4: 2 }, activePlacements: { KS3: 2, KS4: 2 } };
    fc.assert(
      fc.property(fc.array(commands, { maxLength: 25 }), fc.boolean(), fc.boolean(), (sequence, withPo, anyRoom) => {
        let state: CaseState = {
          caseRef: "LNCIP-2026-0042", kind: "partnershipReferral", status: "received", named: true, parentalConsent: true, keyStage: "KS3",
          hasPlanDoReviewEvidence: true, hasExitStrategy: true, version: 1, ...(withPo ? { purchaseOrder: { number: "PO-1", fundingSources: ["awpu"] } } : {}),
        };
        for (const c of sequence) {
          if (!commandCountsPlaces(c.kind)) expect(decide(state, c, free)).toEqual(decide(state, c, taken));
          const d = decide(state, c, anyRoom ? free : taken);
          if (d.ok) state = d.next;
        }
      }),
      { numRuns: 400 },
    );
  });

  it("counts them for a decision, a PO, an offered place and a start, and when the command is not known", () => {
    expect(["recordDecision", "receivePurchaseOrder", "offerPlace", "startPlacement"].every((k) => commandCountsPlaces(k as CaseCommand["kind"]))).toBe(true);
    expect(commandCountsPlaces("triage")).toBe(false);
    expect(commandCountsPlaces(undefined)).toBe(true);
  });
});
