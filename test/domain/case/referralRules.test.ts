import { describe, expect, it } from "vitest";
import {
  caseStateColumns,
  caseStateFromRow,
  commandForStatusChange,
  decide,
  newCaseEffects,
  newCaseRow,
  routeSubmission,
  type CaseCommand,
  type CaseContext,
  type CaseState,
} from "../../../src/domain/case";
import { casesList, fromListFields, toListFields, type CasesRow } from "../../../src/domain/lists";
import { parseReferralAnswers, referralFormDefinition } from "../../../src/domain/referral/formDefinition";
import type { ReferralForm } from "../../../src/domain/referral/referralForm";
import { branchingInclusionForum, namedReferral, partnerUrns, validUpn } from "../../fixtures/referralAnswers";

const at = "2026-11-26T16:05:00.000Z";
const by = "coordinator@lncip.example";
const director = "director@lncip.example";
const room: CaseContext = { places: { KS3: 9, KS4: 26 }, activePlacements: { KS3: 3, KS4: 3 } };
const full: CaseContext = { places: { KS3: 9, KS4: 26 }, activePlacements: { KS3: 9, KS4: 26 } };
const submission = { responseId: "resp-17", by: "s.oconnor@oakfield.example", at };

type Body = CaseCommand extends infer C ? (C extends unknown ? Omit<C, "by" | "at"> : never) : never;
const cmd = (c: Body, who = by): CaseCommand => ({ by: who, at, ...c }) as CaseCommand;
function ok(d: ReturnType<typeof decide>) {
  if (!d.ok) throw new Error(d.error.message);
  return d;
}
const kinds = (d: ReturnType<typeof decide>) => ok(d).effects.map((e) => e.kind);

function form(answers: Record<string, string>): ReferralForm {
  const parsed = parseReferralAnswers(referralFormDefinition(), answers, { partnerSchoolUrns: partnerUrns, today: "2026-11-23" });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.form;
}
const referralForm = form(namedReferral);
const { previousInclusionForumCase: _ifCase, ...noForumAnswers } = namedReferral;
const referralWithoutForum = form(noForumAnswers);

/** A case as the intake writes it, read back as the state machine sees it. */
function newCase(f: ReferralForm, caseRef = "LNCIP-2026-0042", previousCaseRef?: string): CaseState {
  return caseStateFromRow(newCaseRow(f, { caseRef, receivedAt: at, responseId: "resp-1", previousCaseRef }));
}
const forumCase = (over: Partial<CaseState> = {}): CaseState => ({
  ...newCase(form({ ...branchingInclusionForum, parentalConsent: "Yes", "pupil.firstName": "Zoë", "pupil.lastName": "D'Arcy", "pupil.dateOfBirth": "2012-03-14", "pupil.upn": validUpn }), "LNCIP-2026-0007"),
  ...over,
});

describe("one pupil, one open case — and again later", () => {
  it("a named referral naming the pupil's open Inclusion Forum case becomes that case's referral", () => {
    const route = routeSubmission(referralForm, { openCase: { caseRef: "LNCIP-2026-0007", kind: "inclusionForum", status: "inclusionForumOutcome", named: true } }, submission);
    expect(route).toMatchObject({ kind: "continueCase", caseRef: "LNCIP-2026-0007", command: { kind: "continueAsReferral", responseId: "resp-17", evidence: { planDoReview: true, exitStrategy: true } } });
    if (route.kind !== "continueCase") return;
    const heard = forumCase({ status: "inclusionForumOutcome", inclusionForumOutcome: "referToPartnership", version: 2 });
    const d = ok(decide(heard, route.command, room));
    expect(d.next).toMatchObject({
      kind: "partnershipReferral",
      status: "triage",
      previousInclusionForumCase: "LNCIP-2026-0007",
      hasPlanDoReviewEvidence: true,
      hasExitStrategy: true,
      purchaseOrder: { number: "PO-88812", fundingSources: ["awpu", "pupilPremium"], from: "2026-11-23", to: "2027-08-31" },
    });
    expect(d.effects.map((e) => e.kind)).toEqual(["writeReferralIntoCase", "notifyPartnershipSenco", "audit"]);
    expect(d.effects[0]).toMatchObject({ kind: "writeReferralIntoCase", responseId: "resp-17" });
    expect(d.effects[1]).toMatchObject({ about: "referralContinuesCase" });
    expect(d.effects[2]).toMatchObject({ action: "continueAsReferral", from: "inclusionForumOutcome", to: "triage", by: submission.by });
    // It can go on to Core Group: the forum it went to is its "Inclusion Forum first".
    expect(ok(decide(d.next, cmd({ kind: "markReadyForCoreGroup" }), room)).next.status).toBe("readyForCoreGroup");
    // The PO it brought is written with the transition, so nothing waits for the answers to be copied in.
    expect(caseStateColumns(d.next)).toMatchObject({ RequestType: "partnershipReferral", PurchaseOrderNumber: "PO-88812", PoValidTo: "2027-08-31" });
  });

  it("a referral for a pupil whose forum case is on a forum's agenda goes on to triage; one not yet scheduled goes to the forum first", () => {
    const command = cmd({ kind: "continueAsReferral", responseId: "r", evidence: { planDoReview: true, exitStrategy: true } });
    expect(ok(decide(forumCase({ status: "awaitingInclusionForum" }), command, room)).next).toMatchObject({ status: "triage", previousInclusionForumCase: "LNCIP-2026-0007" });
    const received = ok(decide(forumCase({ status: "received" }), command, room));
    expect(received.next).toMatchObject({ status: "awaitingInclusionForum", kind: "partnershipReferral" });
    expect(received.next.previousInclusionForumCase).toBeUndefined();
    expect(kinds(received)).toContain("assignInclusionForumMeeting");
    // The forum hears it, and the referral comes back to triage with its forum case.
    const heard = ok(decide(received.next, cmd({ kind: "recordInclusionForumOutcome", outcome: "referToPartnership" }), room));
    expect(heard.next).toMatchObject({ status: "triage", previousInclusionForumCase: "LNCIP-2026-0007", inclusionForumOutcome: "referToPartnership" });
    expect(kinds(heard)).toEqual(["emailSchool", "notifyPartnershipSenco", "audit"]);
  });

  it("the forum's outcome for a referral that went on from its agenda is recorded, and the referral goes on", () => {
    const inTriage = ok(decide(forumCase({ status: "awaitingInclusionForum" }), cmd({ kind: "continueAsReferral", responseId: "r", evidence: { planDoReview: true, exitStrategy: true } }), room)).next;
    const recorded = ok(decide(inTriage, cmd({ kind: "recordInclusionForumOutcome", outcome: "advice" }), room));
    expect(recorded.next).toMatchObject({ status: "triage", inclusionForumOutcome: "advice" });
    const again = ok(decide(recorded.next, cmd({ kind: "recordInclusionForumOutcome", outcome: "advice" }), room));
    expect(again.effects).toEqual([]); // a second press changes nothing
    // A case Core Group referred back to the forum waits for the Coordinator after it, as before.
    const referredBack: CaseState = { ...inTriage, status: "awaitingInclusionForum", decision: { outcome: "referBackToInclusionForum", decidedBy: by, decidedAt: at, source: "teams" } };
    expect(ok(decide(referredBack, cmd({ kind: "recordInclusionForumOutcome", outcome: "advice" }), room)).next.status).toBe("inclusionForumOutcome");
  });

  it("links any other submission for a pupil with an open case to it, as before", () => {
    const openReferral = { caseRef: "LNCIP-2026-0042", kind: "partnershipReferral" as const, status: "readyForCoreGroup" as const, named: true };
    expect(routeSubmission(referralForm, { openCase: openReferral }, submission)).toEqual({ kind: "linkToCase", caseRef: "LNCIP-2026-0042" });
    const namedForum = form({ ...branchingInclusionForum, parentalConsent: "Yes", "pupil.firstName": "Zoë", "pupil.lastName": "D'Arcy", "pupil.dateOfBirth": "2012-03-14", "pupil.upn": validUpn });
    const openForum = { caseRef: "LNCIP-2026-0007", kind: "inclusionForum" as const, status: "inclusionForumOutcome" as const, named: true };
    expect(routeSubmission(namedForum, { openCase: openForum }, submission)).toEqual({ kind: "linkToCase", caseRef: "LNCIP-2026-0007" });
    // An anonymous submission names no pupil, so it is always a case of its own.
    expect(routeSubmission(form(branchingInclusionForum), { openCase: openForum }, submission)).toEqual({ kind: "newCase", status: "received" });
  });

  it("a case closed, withdrawn, or whose placement ended frees its pupil; a new case names the previous one", () => {
    const placed = newCase(referralForm);
    const endings: [string, CaseState, CaseCommand][] = [
      ["closed", { ...placed, status: "decided", decision: { outcome: "inSchoolSupport", decidedBy: by, decidedAt: at, source: "teams" } }, cmd({ kind: "close" })],
      ["withdrawn", placed, cmd({ kind: "withdraw", reason: "family moved away" })],
      ["placement ended", { ...placed, status: "placed", decision: { outcome: "programmeManagementFullTime", decidedBy: by, decidedAt: at, source: "teams" } }, cmd({ kind: "endPlacement", exitRoute: "homeSchool" })],
    ];
    for (const [what, state, command] of endings) expect(kinds(decide(state, command, room)), what).toContain("releasePupil");
    // An anonymous case holds no pupil, so it frees none.
    expect(kinds(decide(newCase(form(branchingInclusionForum)), cmd({ kind: "withdraw", reason: "r" }), room))).not.toContain("releasePupil");
    const again = routeSubmission(referralForm, { lastEndedCase: "LNCIP-2026-0042" }, submission);
    expect(again).toEqual({ kind: "newCase", status: "received", previousCaseRef: "LNCIP-2026-0042" });
    const row = newCaseRow(referralForm, { caseRef: "LNCIP-2027-0003", receivedAt: at, responseId: "r2", previousCaseRef: "LNCIP-2026-0042" });
    expect(caseStateFromRow(row).previousCaseRef).toBe("LNCIP-2026-0042");
  });

  it("reopening a case whose pupil has been referred again since is refused: one pupil, one open case", () => {
    const closed = { ...newCase(referralForm), status: "closed" as const };
    const d = decide(closed, cmd({ kind: "reopen", reason: "new information" }), { ...room, pupilOpenCase: "LNCIP-2027-0003" });
    expect(d).toMatchObject({ ok: false, error: { code: "pupilHasOpenCase" } });
    if (!d.ok) expect(d.error.message).toBe("LNCIP-2026-0042's pupil now has another open case, LNCIP-2027-0003: a pupil has one open case at a time. Carry on with LNCIP-2027-0003 instead of reopening LNCIP-2026-0042.");
    expect(kinds(decide(closed, cmd({ kind: "reopen", reason: "new information" }), room))).toContain("claimPupil");
  });

  it("an anonymous or already-referred case cannot be continued as a referral", () => {
    const command = cmd({ kind: "continueAsReferral", responseId: "r", evidence: { planDoReview: true, exitStrategy: true } });
    expect(decide(newCase(form(branchingInclusionForum)), command, room)).toMatchObject({ ok: false, error: { code: "anonymousCase" } });
    expect(decide({ ...forumCase(), kind: "partnershipReferral" }, command, room)).toMatchObject({ ok: false, error: { code: "notAllowedNow" } });
  });
});

describe("Inclusion Forum first, and the Director's exception", () => {
  const awaiting = () => newCase(referralWithoutForum);

  it("a Partnership referral with no Inclusion Forum case waits for the Director's exception, and the Director is asked", () => {
    const state = awaiting();
    expect(state.status).toBe("awaitingDirectorsException");
    expect(toListFields(casesList, newCaseRow(referralWithoutForum, { caseRef: "LNCIP-2026-0042", receivedAt: at, responseId: "r" }))).toMatchObject({ Status: "Awaiting Director's exception" });
    expect(newCaseEffects("LNCIP-2026-0042", state.status)).toEqual([{ kind: "askDirectorForException", key: "LNCIP-2026-0042:0:askDirectorForException" }]);
    expect(newCaseEffects("LNCIP-2026-0042", "received")).toEqual([]);
    expect(routeSubmission(referralWithoutForum, {}, submission)).toEqual({ kind: "newCase", status: "awaitingDirectorsException" });
  });

  it("only the Director grants it, with a reason: the case goes to triage and may then go to Core Group", () => {
    const byCoordinator = decide(awaiting(), cmd({ kind: "grantDirectorsException", byRole: "coordinator", reason: "urgent" }), room);
    expect(byCoordinator).toMatchObject({ ok: false, error: { code: "directorOnly" } });
    if (!byCoordinator.ok) expect(byCoordinator.error.message).toBe('Only the partnership Director can grant an exception to "Inclusion Forum first" for LNCIP-2026-0042. Ask the Director to record it, with the reason.');
    expect(decide(awaiting(), cmd({ kind: "grantDirectorsException", byRole: "director", reason: " " }, director), room)).toMatchObject({ ok: false, error: { code: "reasonRequired" } });
    const granted = ok(decide(awaiting(), cmd({ kind: "grantDirectorsException", byRole: "director", reason: "Imminent permanent exclusion" }, director), room));
    expect(granted.next).toMatchObject({ status: "triage", inclusionForumOverride: { by: director, at, reason: "Imminent permanent exclusion" } });
    expect(kinds(granted)).toEqual(["notifyPartnershipSenco", "audit"]);
    expect(ok(decide(granted.next, cmd({ kind: "markReadyForCoreGroup" }), room)).next.status).toBe("readyForCoreGroup");
    // The Director's override typed into the case (the existing column) is the same grant.
    const typed = ok(decide(awaiting(), cmd({ kind: "recordInclusionForumOverride", byRole: "director", reason: "Imminent permanent exclusion" }, director), room));
    expect(typed.next.status).toBe("triage");
  });

  it("only the Director refuses it: the case closes, the school is told why, the pupil is free", () => {
    expect(decide(awaiting(), cmd({ kind: "refuseDirectorsException", byRole: "senco", reason: "no" }), room)).toMatchObject({ ok: false, error: { code: "directorOnly" } });
    const refused = ok(decide(awaiting(), cmd({ kind: "refuseDirectorsException", byRole: "director", reason: "Please bring the pupil to the December forum first." }, director), room));
    expect(refused.next).toMatchObject({ status: "closed", exceptionRefused: { by: director, at, reason: "Please bring the pupil to the December forum first." } });
    expect(refused.effects.map((e) => e.kind)).toEqual(["emailSchool", "releasePupil", "audit"]);
    expect(refused.effects[0]).toMatchObject({ about: "exceptionRefused", reason: "Please bring the pupil to the December forum first." });
  });

  it("the Director's status edit maps to grant or refuse, with the role the workflow found", () => {
    expect(commandForStatusChange("awaitingDirectorsException", "triage", { by: director, at, role: "director", reason: "urgent" })).toMatchObject({ ok: true, command: { kind: "grantDirectorsException", byRole: "director", reason: "urgent" } });
    expect(commandForStatusChange("awaitingDirectorsException", "closed", { by, at, reason: "x" })).toMatchObject({ ok: true, command: { kind: "refuseDirectorsException", byRole: "other" } });
    expect(commandForStatusChange("awaitingDirectorsException", "awaitingInclusionForum", { by, at })).toMatchObject({ ok: true, command: { kind: "scheduleForInclusionForum" } });
  });

  it("a referral waiting for the exception may be sent to the forum instead, and comes back to triage after it", () => {
    const atForum = ok(decide(awaiting(), cmd({ kind: "scheduleForInclusionForum" }), room)).next;
    expect(atForum.status).toBe("awaitingInclusionForum");
    expect(ok(decide(atForum, cmd({ kind: "recordInclusionForumOutcome", outcome: "referToPartnership" }), room)).next).toMatchObject({ status: "triage", previousInclusionForumCase: "LNCIP-2026-0042" });
  });

  it("taking an Inclusion Forum case on as a referral needs the evidence and the exit strategy on the case, and says what is missing", () => {
    const heard = forumCase({ status: "inclusionForumOutcome", inclusionForumOutcome: "referToPartnership" });
    expect(heard.hasPlanDoReviewEvidence).toBe(false); // a forum discussion from a branching form carries neither
    const d = decide(heard, cmd({ kind: "convertToReferral" }), room);
    expect(d).toMatchObject({ ok: false, error: { code: "missingEvidence" } });
    if (!d.ok) {
      expect(d.error.message).toBe(
        "LNCIP-2026-0007 cannot be taken on as a Partnership referral yet: it needs the school's evidence of plan-do-review (Actions taken) and the exit strategy (Exit strategy). Add them to the case from the school's information, or ask the school to send a Partnership referral giving LNCIP-2026-0007 as its Inclusion Forum case.",
      );
    }
    const halfway = decide({ ...heard, hasPlanDoReviewEvidence: true }, cmd({ kind: "convertToReferral" }), room);
    if (!halfway.ok) expect(halfway.error.message).toMatch(/it needs the exit strategy \(Exit strategy\)\. Add it/);
    expect(ok(decide({ ...heard, hasPlanDoReviewEvidence: true, hasExitStrategy: true }, cmd({ kind: "convertToReferral" }), room)).next.status).toBe("triage");
  });
});

describe("places are an aim", () => {
  const ready = (): CaseState => ({ ...newCase(referralForm), status: "readyForCoreGroup", previousInclusionForumCase: "LNCIP-2026-0007", version: 3 });
  const pm = cmd({ kind: "recordDecision", outcome: "programmeManagementFullTime", source: "teams" });

  it("at the key stage's number, a Programme Management decision joins the waiting list", () => {
    expect(ok(decide(ready(), pm, full)).next.status).toBe("waitingList");
  });

  it("unless the Director approved one more place for that case: who, when and why are kept", () => {
    expect(decide(ready(), cmd({ kind: "approveExtraPlace", byRole: "coordinator", reason: "x" }), full)).toMatchObject({ ok: false, error: { code: "directorOnly", message: "Only the partnership Director can approve a place beyond the KS3 number for LNCIP-2026-0042." } });
    const approved = ok(decide(ready(), cmd({ kind: "approveExtraPlace", byRole: "director", reason: "Looked after; placement breaking down" }, director), full));
    expect(approved.next).toMatchObject({ status: "readyForCoreGroup", extraPlace: { by: director, at, reason: "Looked after; placement breaking down" } });
    const decided = ok(decide(approved.next, pm, full));
    expect(decided.next.status).toBe("decided");
    expect(kinds(decided)).toContain("createPlacement");
    expect(ok(decide(decided.next, cmd({ kind: "startPlacement" }), full)).next.status).toBe("placed");
    // Kept in the case's columns and read back.
    const row = { ...newCaseRow(referralForm, { caseRef: "LNCIP-2026-0042", receivedAt: at, responseId: "r" }), ...caseStateColumns(decided.next) } as CasesRow;
    const back = fromListFields(casesList, toListFields(casesList, row));
    if (!back.ok) throw new Error(back.problems.join("; "));
    expect(caseStateFromRow(back.row).extraPlace).toEqual({ by: director, at, reason: "Looked after; placement breaking down" });
  });

  it("approved for a case already waiting, gives it the place at once", () => {
    const waiting = ok(decide(ready(), pm, full)).next;
    const approved = ok(decide(waiting, cmd({ kind: "approveExtraPlace", byRole: "director", reason: "Risk of exclusion" }, director), full));
    expect(approved.next).toMatchObject({ status: "decided", waitingSince: undefined });
    expect(kinds(approved)).toEqual(["createPlacement", "audit"]);
  });

  it("is not for a case decided for something other than Programme Management", () => {
    const decided: CaseState = { ...ready(), status: "awaitingPo", decision: { outcome: "inSchoolSupport", decidedBy: by, decidedAt: at, source: "teams" } };
    expect(decide(decided, cmd({ kind: "approveExtraPlace", byRole: "director", reason: "x" }, director), full)).toMatchObject({ ok: false, error: { code: "notAllowedNow" } });
  });
});

describe("the case record", () => {
  it("reads the referral's evidence, exit strategy, PO period and SEND top-up from the case's columns", () => {
    const row = newCaseRow(form({ ...namedReferral, fundingSources: '["AWPU","EHCP top-up"]', purchaseOrderSendTopUp: "6000" }), { caseRef: "LNCIP-2026-0042", receivedAt: at, responseId: "r" });
    const back = fromListFields(casesList, toListFields(casesList, row));
    if (!back.ok) throw new Error(back.problems.join("; "));
    expect(caseStateFromRow(back.row)).toMatchObject({
      hasPlanDoReviewEvidence: true,
      hasExitStrategy: true,
      purchaseOrder: { number: "PO-88812", fundingSources: ["awpu", "ehcpTopUp"], from: "2026-11-23", to: "2027-08-31", sendTopUpPencePerYear: 600_000 },
    });
  });

  it("counts a Director's reason typed into the case only once the workflow has recorded who gave it", () => {
    const row = { ...newCaseRow(referralForm, { caseRef: "LNCIP-2026-0042", receivedAt: at, responseId: "r" }), ExtraPlaceReason: "typed, not yet recorded" } as CasesRow;
    expect(caseStateFromRow(row).extraPlace).toBeUndefined();
    expect(caseStateFromRow({ ...row, ExtraPlaceBy: director, ExtraPlaceAt: at }).extraPlace).toEqual({ by: director, at, reason: "typed, not yet recorded" });
  });
});
