import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  caseStateFromRow,
  coreGroupOutcomes,
  decide,
  indexAfterEffects,
  indexAfterRoute,
  isOpenStatus,
  isProgrammeManagement,
  newCaseRow,
  routeSubmission,
  type CaseCommand,
  type CaseContext,
  type CaseState,
  type PupilIndex,
  type SubmissionRoute,
} from "../../../src/domain/case";
import type { KeyStage } from "../../../src/domain/referral/keyStage";
import { parseReferralAnswers, referralFormDefinition } from "../../../src/domain/referral/formDefinition";
import type { ReferralForm } from "../../../src/domain/referral/referralForm";
import { branchingInclusionForum, namedReferral, partnerUrns, validUpn } from "../../fixtures/referralAnswers";

/*
 * Random histories of submissions and commands, through the real routing and state machine, with the open-case
 * index kept as the pure bookkeeping the app's table follows (indexAfterRoute / indexAfterEffects).
 */

const parse = (answers: Record<string, string>): ReferralForm => {
  const parsed = parseReferralAnswers(referralFormDefinition(), answers, { partnerSchoolUrns: partnerUrns, today: "2026-11-23" });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.form;
};
const identity = { parentalConsent: "Yes", "pupil.firstName": "A", "pupil.lastName": "B", "pupil.dateOfBirth": "2012-03-14", "pupil.upn": validUpn };
const templates = {
  namedForum: parse({ ...branchingInclusionForum, ...identity }),
  anonymousForum: parse(branchingInclusionForum),
  referral: parse(namedReferral),
  referralWithoutForum: parse(Object.fromEntries(Object.entries(namedReferral).filter(([k]) => k !== "previousInclusionForumCase"))),
};
const PUPILS = ["pupil-0", "pupil-1", "pupil-2"];
const formFor = (kind: keyof typeof templates, pupil: string | undefined): ReferralForm => {
  const t = templates[kind];
  return t.pupil && pupil ? { ...t, pupil: { ...t.pupil, upn: pupil } } : t;
};

type Step =
  | { kind: "submit"; form: keyof typeof templates; pupil: number; year: 9 | 10 }
  | { kind: "command"; caseIndex: number; command: CaseCommand };

const at = "2026-11-26T16:05:00.000Z";
const cmd = (c: Record<string, unknown>, by = "coordinator@lncip.example"): CaseCommand => ({ by, at, ...c }) as CaseCommand;
const commandArb: fc.Arbitrary<CaseCommand> = fc.oneof(
  fc.constantFrom(
    cmd({ kind: "triage" }),
    cmd({ kind: "scheduleForInclusionForum" }),
    cmd({ kind: "recordInclusionForumOutcome", outcome: "referToPartnership" }),
    cmd({ kind: "convertToReferral" }),
    cmd({ kind: "markReadyForCoreGroup" }),
    cmd({ kind: "receivePurchaseOrder", number: "PO", fundingSources: ["awpu"] }),
    cmd({ kind: "offerPlace" }),
    cmd({ kind: "waitForPlace" }),
    cmd({ kind: "startPlacement" }),
    cmd({ kind: "endPlacement", exitRoute: "homeSchool" }),
    cmd({ kind: "reopen", reason: "new information" }),
    cmd({ kind: "withdraw", reason: "moved away" }),
    cmd({ kind: "close" }),
  ),
  fc.tuple(fc.constantFrom("grantDirectorsException", "refuseDirectorsException", "approveExtraPlace", "recordInclusionForumOverride"), fc.constantFrom("director", "coordinator")).map(([kind, role]) =>
    cmd({ kind, byRole: role, reason: "r" }, `${role}@lncip.example`),
  ),
  fc.constantFrom(...coreGroupOutcomes).map((outcome) => cmd({ kind: "recordDecision", outcome, source: "teams" })),
);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("submit" as const), form: fc.constantFrom(...(Object.keys(templates) as (keyof typeof templates)[])), pupil: fc.nat(PUPILS.length - 1), year: fc.constantFrom(9 as const, 10 as const) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("command" as const), caseIndex: fc.nat(), command: commandArb }) },
);

interface Model {
  cases: { ref: string; pupil: string | undefined; state: CaseState }[];
  index: PupilIndex;
  lastEnded: Map<string, string>;
}

function pupilFacts(model: Model, pupil: string) {
  const holder = model.index.get(pupil);
  const open = holder ? model.cases.find((c) => c.ref === holder) : undefined;
  return {
    openCase: open ? { caseRef: open.ref, kind: open.state.kind, status: open.state.status, named: open.state.named } : undefined,
    lastEndedCase: model.lastEnded.get(pupil),
  };
}

function capacity(model: Model, except: string): CaseContext {
  const active: Record<KeyStage, number> = { KS3: 0, KS4: 0 };
  for (const c of model.cases) {
    const s = c.state;
    if (c.ref !== except && (s.status === "placed" || (s.status === "decided" && s.decision && isProgrammeManagement(s.decision.outcome)))) active[s.keyStage]++;
  }
  return { places: { KS3: 1, KS4: 1 }, activePlacements: active };
}

function checkInvariants(model: Model): void {
  for (const pupil of PUPILS) {
    const open = model.cases.filter((c) => c.pupil === pupil && isOpenStatus(c.state.status));
    // A pupil never has two open cases…
    expect(open.length, `${pupil}: ${open.map((c) => `${c.ref} ${c.state.status}`).join(", ")}`).toBeLessThanOrEqual(1);
    // …and the index names exactly the open one, or nothing once every case of theirs has ended.
    expect(model.index.get(pupil), pupil).toBe(open[0]?.ref);
  }
}

describe("the open-case index over random histories", () => {
  it("never gives a pupil two open cases; every submission becomes a case or goes into one; an ended case frees the pupil", () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), (steps) => {
        const model: Model = { cases: [], index: new Map(), lastEnded: new Map() };
        let number = 0;
        for (const step of steps) {
          if (step.kind === "submit") {
            const named = step.form !== "anonymousForum";
            const pupil = named ? PUPILS[step.pupil] : undefined;
            const form = { ...formFor(step.form, pupil), yearGroup: step.year };
            const facts = pupil ? pupilFacts(model, pupil) : {};
            const route: SubmissionRoute = routeSubmission(form, facts, { responseId: `r${number}`, by: "school@x.example", at });
            if (route.kind === "newCase") {
              const ref = `LNCIP-2026-${String(++number).padStart(4, "0")}`;
              // A pupil referred again: the new case names their previous one.
              if (pupil) expect(route.previousCaseRef).toBe(model.lastEnded.get(pupil));
              const state = caseStateFromRow(newCaseRow(form, { caseRef: ref, receivedAt: at, responseId: `r${number}`, previousCaseRef: route.previousCaseRef }));
              model.cases.push({ ref, pupil, state });
              model.index = indexAfterRoute(model.index, pupil, route, ref);
            } else {
              // Written into, or linked to, the pupil's own open case: nothing accepted is lost.
              const target = model.cases.find((c) => c.ref === route.caseRef)!;
              expect(target.pupil).toBe(pupil);
              expect(isOpenStatus(target.state.status)).toBe(true);
              if (route.kind === "continueCase") {
                const d = decide(target.state, route.command, capacity(model, target.ref));
                if (!d.ok) throw new Error(`the open case could not take the referral on: ${d.error.message}`);
                expect(d.next.kind).toBe("partnershipReferral");
                target.state = d.next;
                model.index = indexAfterEffects(model.index, pupil, target.ref, d.effects);
              }
            }
          } else {
            if (model.cases.length === 0) continue;
            const target = model.cases[step.caseIndex % model.cases.length]!;
            const holder = target.pupil ? model.index.get(target.pupil) : undefined;
            const d = decide(target.state, step.command, { ...capacity(model, target.ref), pupilOpenCase: holder !== target.ref ? holder : undefined });
            if (!d.ok) continue;
            const wasOpen = isOpenStatus(target.state.status);
            target.state = d.next;
            model.index = indexAfterEffects(model.index, target.pupil, target.ref, d.effects);
            if (target.pupil && wasOpen && !isOpenStatus(d.next.status)) model.lastEnded.set(target.pupil, target.ref);
          }
          checkInvariants(model);
          // A pupil whose case has ended can always be referred again: a new case, naming the last one.
          for (const pupil of PUPILS) {
            if (model.index.has(pupil) || !model.lastEnded.has(pupil)) continue;
            const again = routeSubmission(formFor("referral", pupil), pupilFacts(model, pupil), { responseId: "probe", by: "s@x.example", at });
            expect(again).toEqual({ kind: "newCase", status: "received", previousCaseRef: model.lastEnded.get(pupil) });
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});
