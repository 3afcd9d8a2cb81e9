import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  allowedCommands,
  caseStatuses,
  decide,
  formatCaseReference,
  parseCaseReference,
  commandForStatusChange,
  coreGroupOutcomes,
  type CaseCommand,
  type CaseContext,
  type CaseState,
} from "../../../src/domain/case";

const at = "2026-11-26T16:05:00.000Z";
const by = "coordinator@lncip.example";
const room: CaseContext = { places: { KS3: 9, KS4: 26 }, activePlacements: { KS3: 3, KS4: 3 } };
const full: CaseContext = { places: { KS3: 9, KS4: 26 }, activePlacements: { KS3: 9, KS4: 26 } };

const referral = (over: Partial<CaseState> = {}): CaseState => ({
  caseRef: "LNCIP-2026-0042",
  kind: "partnershipReferral",
  status: "readyForCoreGroup",
  named: true,
  parentalConsent: true,
  keyStage: "KS3",
  previousInclusionForumCase: "LNCIP-2026-0007",
  purchaseOrder: { number: "PO-1", fundingSources: ["awpu"] },
  hasPlanDoReviewEvidence: true,
  hasExitStrategy: true,
  version: 3,
  ...over,
});
type Body = CaseCommand extends infer C ? (C extends unknown ? Omit<C, "by" | "at"> : never) : never;
const cmd = (c: Body): CaseCommand => ({ by, at, ...c }) as CaseCommand;
const pm = cmd({ kind: "recordDecision", outcome: "programmeManagementPartTime", source: "teams" });

function ok(d: ReturnType<typeof decide>) {
  if (!d.ok) throw new Error(d.error.message);
  return d;
}
const kinds = (d: ReturnType<typeof decide>) => ok(d).effects.map((e) => e.kind);

describe("case references", () => {
  it("format and parse as {PARTNERSHIP}-{YYYY}-{NNNN}", () => {
    expect(formatCaseReference("LNCIP", 2026, 42)).toBe("LNCIP-2026-0042");
    expect(formatCaseReference("LNCIP", 2026, 10000)).toBe("LNCIP-2026-10000");
    expect(parseCaseReference("LNCIP-2026-0042")).toEqual({ partnership: "LNCIP", year: 2026, number: 42 });
    expect(parseCaseReference("lncip-2026-42")).toBeUndefined();
    expect(() => formatCaseReference("lncip", 2026, 1)).toThrow();
  });
});

describe("a Core Group decision", () => {
  it("for Programme Management with a PO and a free place sets up the placement", () => {
    const d = ok(decide(referral(), pm, room));
    expect(d.next.status).toBe("decided");
    expect(d.next.decision).toEqual({ outcome: "programmeManagementPartTime", decidedBy: by, decidedAt: at, source: "teams" });
    expect(kinds(d)).toEqual(["writeDecision", "updateCoreGroupCard", "emailSchool", "createPlacement", "audit"]);
  });

  it("for Programme Management without a PO waits in Awaiting PO and asks the school for one", () => {
    const d = ok(decide(referral({ purchaseOrder: undefined }), pm, room));
    expect(d.next.status).toBe("awaitingPo");
    expect(kinds(d)).toContain("requestPurchaseOrder");
    expect(kinds(d)).not.toContain("createPlacement");
  });

  it("for Programme Management when the key stage is full joins the waiting list, in order of decision", () => {
    const d = ok(decide(referral(), pm, full));
    expect(d.next.status).toBe("waitingList");
    expect(d.next.waitingSince).toBe(at);
    expect(kinds(d)).toEqual(expect.arrayContaining(["addToWaitingList", "tellCoordinatorWaitingPosition"]));
  });

  it("counts places per key stage: a full KS3 does not stop a KS4 placement", () => {
    const d = ok(decide(referral({ keyStage: "KS4" }), pm, { ...room, activePlacements: { KS3: 9, KS4: 0 } }));
    expect(d.next.status).toBe("decided");
  });

  it("that refers back to the Inclusion Forum sends the case there", () => {
    const d = ok(decide(referral(), cmd({ kind: "recordDecision", outcome: "referBackToInclusionForum", source: "sharepoint" }), room));
    expect(d.next.status).toBe("awaitingInclusionForum");
    expect(kinds(d)).toEqual(["writeDecision", "updateCoreGroupCard", "emailSchool", "assignInclusionForumMeeting", "audit"]);
  });

  it("puts a case sent to the Inclusion Forum on a forum's agenda, however it gets there", () => {
    expect(kinds(decide(referral({ status: "triage", previousInclusionForumCase: undefined }), cmd({ kind: "scheduleForInclusionForum" }), room))).toEqual(["assignInclusionForumMeeting", "audit"]);
    const forumCase = referral({ kind: "inclusionForum", status: "received", previousInclusionForumCase: undefined });
    expect(kinds(decide(forumCase, cmd({ kind: "triage" }), room))).toEqual(["assignInclusionForumMeeting", "audit"]);
    // Reopened, a named case holds its pupil again.
    expect(kinds(decide({ ...forumCase, status: "closed" }, cmd({ kind: "reopen", reason: "the school asks again" }), room))).toEqual(["assignInclusionForumMeeting", "claimPupil", "audit"]);
  });

  it("recorded again exactly as before changes nothing and asks for nothing (a retried message)", () => {
    const first = ok(decide(referral(), pm, room));
    const again = ok(decide(first.next, pm, room));
    expect(again.next).toBe(first.next);
    expect(again.effects).toEqual([]);
  });

  it("for Programme Management gives its place up when the case is withdrawn, closed or reopened before the placement starts", () => {
    const decided = ok(decide(referral(), pm, room)).next;
    for (const leave of [cmd({ kind: "withdraw", reason: "family moved away" }), cmd({ kind: "close" }), cmd({ kind: "reopen", reason: "new information" })]) {
      expect(kinds(decide(decided, leave, room)), leave.kind).toEqual(expect.arrayContaining(["cancelReviews", "offerPlaceToNextWaitingCase"]));
    }
    const advice = ok(decide(referral(), cmd({ kind: "recordDecision", outcome: "inSchoolSupport", source: "teams" }), room)).next;
    expect(kinds(decide(advice, cmd({ kind: "close" }), room))).toEqual(["releasePupil", "audit"]);
  });

  it("for the last place, made second at the same moment, puts the case on the waiting list in its decision's turn", () => {
    const decided = ok(decide(referral(), pm, room)).next;
    const waiting = ok(decide(decided, cmd({ kind: "waitForPlace" }), room));
    expect(waiting.next).toMatchObject({ status: "waitingList", waitingSince: at });
    expect(kinds(waiting)).toEqual(["addToWaitingList", "tellCoordinatorWaitingPosition", "audit"]);
    const advice = ok(decide(referral(), cmd({ kind: "recordDecision", outcome: "inSchoolSupport", source: "teams" }), room)).next;
    expect(decide(advice, cmd({ kind: "waitForPlace" }), room)).toMatchObject({ ok: false, error: { code: "notAllowedNow" } });
  });

  it("cannot be replaced by a different one without reopening the case with a reason", () => {
    const first = ok(decide(referral(), pm, room));
    const other = decide(first.next, cmd({ kind: "recordDecision", outcome: "inSchoolSupport", source: "teams" }), room);
    expect(other).toMatchObject({ ok: false, error: { code: "alreadyDecided" } });
    expect(decide(first.next, cmd({ kind: "reopen", reason: " " }), room)).toMatchObject({ ok: false, error: { code: "reasonRequired" } });
    const reopened = ok(decide(first.next, cmd({ kind: "reopen", reason: "New information from the school" }), room));
    expect(reopened.next.status).toBe("readyForCoreGroup");
    expect(reopened.next.decision).toBeUndefined();
    expect(ok(decide(reopened.next, cmd({ kind: "recordDecision", outcome: "inSchoolSupport", source: "teams" }), room)).next.decision?.outcome).toBe("inSchoolSupport");
  });
});

describe("guards", () => {
  it("a referral goes to Core Group only after the Inclusion Forum, unless the Director overrides with a reason", () => {
    const noIf = referral({ status: "triage", previousInclusionForumCase: undefined });
    expect(decide(noIf, cmd({ kind: "markReadyForCoreGroup" }), room)).toMatchObject({ ok: false, error: { code: "inclusionForumFirst" } });
    expect(decide(noIf, cmd({ kind: "recordInclusionForumOverride", byRole: "other", reason: "urgent" }), room)).toMatchObject({ ok: false, error: { code: "directorOnly" } });
    expect(decide(noIf, cmd({ kind: "recordInclusionForumOverride", byRole: "director", reason: "" }), room)).toMatchObject({ ok: false, error: { code: "reasonRequired" } });
    const overridden = ok(decide(noIf, cmd({ kind: "recordInclusionForumOverride", byRole: "director", reason: "Imminent exclusion" }), room));
    expect(overridden.next.inclusionForumOverride).toEqual({ by, reason: "Imminent exclusion", at });
    const ready = ok(decide(overridden.next, cmd({ kind: "markReadyForCoreGroup" }), room));
    expect(ready.next.status).toBe("readyForCoreGroup");
    expect(kinds(ready)).toEqual(["assignCoreGroupMeeting", "postCoreGroupCard", "audit"]);
  });

  it("no placement starts without a PO", () => {
    const decided = referral({ status: "decided", purchaseOrder: undefined, decision: { outcome: "programmeManagementFullTime", decidedBy: by, decidedAt: at, source: "teams" } });
    expect(decide(decided, cmd({ kind: "startPlacement" }), room)).toMatchObject({ ok: false, error: { code: "noPurchaseOrder" } });
  });

  it("no placement starts when the key stage is full", () => {
    const decided = referral({ status: "decided", decision: { outcome: "programmeManagementFullTime", decidedBy: by, decidedAt: at, source: "teams" } });
    expect(decide(decided, cmd({ kind: "startPlacement" }), full)).toMatchObject({ ok: false, error: { code: "noPlace" } });
    const placed = ok(decide(decided, cmd({ kind: "startPlacement" }), room));
    expect(placed.next.status).toBe("placed");
    expect(kinds(placed)).toContain("scheduleReviews");
  });

  it("a PO arriving for a case waiting on it moves it on to a place, or to the waiting list", () => {
    const waiting = ok(decide(referral({ purchaseOrder: undefined }), pm, room)).next;
    const po = cmd({ kind: "receivePurchaseOrder", number: "PO-9", fundingSources: ["awpu"] });
    expect(ok(decide(waiting, po, room)).next.status).toBe("decided");
    expect(ok(decide(waiting, po, full)).next.status).toBe("waitingList");
    expect(decide(waiting, cmd({ kind: "receivePurchaseOrder", number: "PO-9", fundingSources: [] }), room)).toMatchObject({ ok: false, error: { code: "noPurchaseOrder" } });
  });

  it("an anonymous Inclusion Forum case cannot become a referral", () => {
    const anonymous: CaseState = { ...referral(), kind: "inclusionForum", status: "inclusionForumOutcome", named: false, parentalConsent: false, previousInclusionForumCase: undefined };
    const d = decide(anonymous, cmd({ kind: "convertToReferral" }), room);
    expect(d).toMatchObject({ ok: false, error: { code: "anonymousCase" } });
    const named = ok(decide({ ...anonymous, named: true, parentalConsent: true }, cmd({ kind: "convertToReferral" }), room));
    expect(named.next).toMatchObject({ kind: "partnershipReferral", status: "triage", previousInclusionForumCase: "LNCIP-2026-0042" });
  });

  it("ending a placement cancels reviews and offers the place to the next waiting case", () => {
    const placed = referral({ status: "placed", decision: { outcome: "programmeManagementFullTime", decidedBy: by, decidedAt: at, source: "teams" } });
    const ended = ok(decide(placed, cmd({ kind: "endPlacement", exitRoute: "homeSchool" }), room));
    expect(ended.next.status).toBe("closed");
    expect(kinds(ended)).toEqual(["cancelReviews", "offerPlaceToNextWaitingCase", "emailSchool", "releasePupil", "audit"]);
  });

  it("an illegal step names the case, its status and what it can do next", () => {
    const d = decide(referral({ status: "received" }), cmd({ kind: "startPlacement" }), room);
    expect(d.ok).toBe(false);
    // In the coordinator's words: the status labels they can pick next, never the command's name.
    if (!d.ok) {
      expect(d.error.message).toBe(
        'LNCIP-2026-0042 is "Received", so it cannot start its placement now. From "Received" its Status can be set to "Awaiting Inclusion Forum", "In triage", "Ready for Core Group" or "Withdrawn" (with the reason, in Reason for reopening).',
      );
    }
  });
});

describe("every status", () => {
  const every: CaseCommand[] = [
    cmd({ kind: "triage" }), cmd({ kind: "scheduleForInclusionForum" }), cmd({ kind: "recordInclusionForumOutcome", outcome: "advice" }),
    cmd({ kind: "convertToReferral" }), cmd({ kind: "recordInclusionForumOverride", byRole: "director", reason: "r" }),
    cmd({ kind: "markReadyForCoreGroup" }), pm, cmd({ kind: "receivePurchaseOrder", number: "PO", fundingSources: ["awpu"] }),
    cmd({ kind: "offerPlace" }), cmd({ kind: "waitForPlace" }), cmd({ kind: "startPlacement" }), cmd({ kind: "endPlacement", exitRoute: "post16" }),
    cmd({ kind: "reopen", reason: "r" }), cmd({ kind: "withdraw", reason: "r" }), cmd({ kind: "close" }),
    cmd({ kind: "continueAsReferral", responseId: "r", evidence: { planDoReview: true, exitStrategy: true } }),
    cmd({ kind: "grantDirectorsException", byRole: "director", reason: "r" }), cmd({ kind: "refuseDirectorsException", byRole: "director", reason: "r" }),
    cmd({ kind: "approveExtraPlace", byRole: "director", reason: "r" }),
  ];
  it.each(caseStatuses)("refuses as 'not possible now' every command not listed for %s", (status) => {
    for (const c of every) {
      const d = decide(referral({ status, decision: undefined }), c, room);
      if (!allowedCommands[status].includes(c.kind)) expect(d).toMatchObject({ ok: false, error: { code: "notAllowedNow" } });
    }
  });
  it("emits one audit effect per transition, keyed by case and transition number", () => {
    const d = ok(decide(referral({ status: "received" }), cmd({ kind: "triage" }), room));
    expect(d.effects.filter((e) => e.kind === "audit")).toEqual([
      { kind: "audit", key: "LNCIP-2026-0042:4:audit", from: "received", to: "triage", by, at, action: "triage" },
    ]);
  });
});

describe("commandForStatusChange", () => {
  it("maps a coordinator's status edit to the command it means", () => {
    expect(commandForStatusChange("triage", "readyForCoreGroup", { by, at })).toMatchObject({ ok: true, command: { kind: "markReadyForCoreGroup" } });
    expect(commandForStatusChange("decided", "readyForCoreGroup", { by, at, reason: "x" })).toMatchObject({ ok: true, command: { kind: "reopen" } });
    expect(commandForStatusChange("received", "placed", { by, at })).toMatchObject({ ok: false, error: { code: "notAllowedNow" } });
  });

  it("takes a case back from the Inclusion Forum into triage as a Partnership referral, which may then go to Core Group", () => {
    const mapped = commandForStatusChange("inclusionForumOutcome", "triage", { by, at });
    expect(mapped).toMatchObject({ ok: true, command: { kind: "convertToReferral" } });
    if (!mapped.ok) return;
    const afterForum = referral({ status: "inclusionForumOutcome", previousInclusionForumCase: undefined, inclusionForumOutcome: "advice" });
    const converted = ok(decide(afterForum, mapped.command, room));
    expect(converted.next).toMatchObject({ status: "triage", kind: "partnershipReferral", previousInclusionForumCase: "LNCIP-2026-0042" });
    expect(ok(decide(converted.next, cmd({ kind: "markReadyForCoreGroup" }), room)).next.status).toBe("readyForCoreGroup");
    // The same edit on a case that has not had its forum yet is plain triage, which then still asks for the forum first.
    const fresh = commandForStatusChange("received", "triage", { by, at });
    expect(fresh).toMatchObject({ ok: true, command: { kind: "triage" } });
    const triaged = ok(decide(referral({ status: "received", previousInclusionForumCase: undefined }), cmd({ kind: "triage" }), room)).next;
    expect(decide(triaged, cmd({ kind: "markReadyForCoreGroup" }), room)).toMatchObject({ ok: false, error: { code: "inclusionForumFirst" } });
  });
});

describe("properties", () => {
  const commandArb: fc.Arbitrary<CaseCommand> = fc.oneof(
    fc.constantFrom<CaseCommand>(
      cmd({ kind: "triage" }), cmd({ kind: "markReadyForCoreGroup" }), cmd({ kind: "startPlacement" }),
      cmd({ kind: "endPlacement", exitRoute: "homeSchool" }), cmd({ kind: "offerPlace" }), cmd({ kind: "reopen", reason: "r" }),
      cmd({ kind: "receivePurchaseOrder", number: "PO", fundingSources: ["awpu"] }), cmd({ kind: "withdraw", reason: "r" }),
      cmd({ kind: "recordInclusionForumOverride", byRole: "director", reason: "r" }),
    ),
    fc.tuple(fc.constantFrom(...coreGroupOutcomes), fc.integer({ min: 0, max: 5 })).map(([outcome, minute]) => ({
      kind: "recordDecision" as const, outcome, source: "teams" as const, by: `member${minute}@x.example`, at: `2026-11-26T16:0${minute}:00.000Z`,
    })),
  );

  it("never places without a PO, never over capacity, never records two decisions without a reopen", () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 30 }), fc.boolean(), fc.integer({ min: 0, max: 2 }), (commands, withPo, active) => {
        const context: CaseContext = { places: { KS3: 1, KS4: 1 }, activePlacements: { KS3: active, KS4: active } };
        let state: CaseState = referral({ status: "received", purchaseOrder: withPo ? { number: "PO", fundingSources: ["awpu"] } : undefined, previousInclusionForumCase: undefined });
        let decisions = 0;
        for (const c of commands) {
          const d = decide(state, c, context);
          if (!d.ok) continue;
          if (d.effects.some((e) => e.kind === "writeDecision")) decisions++;
          if (c.kind === "reopen") decisions = 0;
          expect(decisions).toBeLessThanOrEqual(1);
          if (d.next.status === "placed") {
            expect(d.next.purchaseOrder).toBeDefined();
            expect(active).toBeLessThan(1);
          }
          if (d.effects.some((e) => e.kind === "createPlacement")) expect(d.next.purchaseOrder).toBeDefined();
          state = d.next;
        }
      }),
      { numRuns: 500 },
    );
  });
});
