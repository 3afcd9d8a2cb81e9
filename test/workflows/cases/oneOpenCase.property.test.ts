import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { startSandboxPorts, type SandboxPorts } from "../placements/sandboxPorts";
import { caseStatusFromLabel, isOpenStatus } from "../../../src/domain/case";
import { upnCheckLetter } from "../../../src/domain/referral/upn";
import { acceptReferral } from "../../../src/workflows/intake/referralRules";
import { writeCase } from "../../../src/workflows/intake/writeCase";
import { branchingInclusionForum, namedReferral } from "../../fixtures/referralAnswers";
import { demoSite, demoStaff } from "../../../sandbox/demo/demoTenant";
import type { SitesArea } from "../../../sandbox/graph/areas/sites";

/*
 * Random histories of Referral Form submissions and people's steps, through the app's own workflows — the intake
 * (`acceptReferral`, then `writeCase` as the queue function calls it), a coordinator's and the Director's edits of a
 * case's item in the sandbox's SharePoint picked up by the Cases list's delta round, the forum's and Core Group's
 * outcomes and the placements as their commands — over the Graph sandbox and Azurite (the app's real tables and
 * lists). After every step: a pupil never has two open cases, and the open-case index names the open one; every
 * accepted submission became a case or was written into one, with the partnership SENCO told; a pupil whose case
 * has ended is referred again as a new case naming the one that ended.
 */

let s: SandboxPorts;
let sites: SitesArea;
let siteId: string;
let run = 0;
let responses = 0;
/** What the histories exercised, across runs: the test fails if they never reached the rules it is about. */
const seen = { continued: 0, linked: 0, ended: 0, referredAgain: 0, directorsExceptions: 0 };

const PUPILS = 2;
const upnOf = (pupil: number) => { const d = `8015${String(run).padStart(5, "0")}${String(pupil).padStart(3, "0")}`; return upnCheckLetter(d) + d; };
const identity = (pupil: number) => ({ parentalConsent: "Yes", "pupil.firstName": "A", "pupil.lastName": "B", "pupil.dateOfBirth": "2012-03-14", "pupil.upn": upnOf(pupil) });
const { previousInclusionForumCase: _none, ...referralWithoutForum } = namedReferral;
const forms = {
  namedForum: (p: number) => ({ ...branchingInclusionForum, schoolUrn: "120345", ...identity(p) }),
  anonymousForum: () => ({ ...branchingInclusionForum, schoolUrn: "120345" }),
  referral: (p: number) => ({ ...namedReferral, ...identity(p) }),
  referralWithoutForum: (p: number) => ({ ...referralWithoutForum, ...identity(p) }),
};
type FormKind = keyof typeof forms;

/** A person's step: an edit of a case's item in SharePoint (who, which columns), or a command from Teams or a placement. */
type Act =
  | { kind: "edit"; by: "coordinator" | "director"; fields: Record<string, unknown> }
  | { kind: "command"; command: "forumOutcome" | "decision" | "startPlacement" | "endPlacement"; outcome?: "inSchoolSupport" | "schoolContinuesWithAdvice" | "programmeManagementPartTime" };
type Step = { kind: "submit"; form: FormKind; pupil: number } | { kind: "act"; caseIndex: number; act: Act };

const actArb: fc.Arbitrary<Act> = fc.constantFrom<Act>(
  { kind: "edit", by: "coordinator", fields: { Status: "In triage" } },
  { kind: "edit", by: "coordinator", fields: { Status: "Awaiting Inclusion Forum" } },
  { kind: "edit", by: "coordinator", fields: { Status: "Ready for Core Group" } },
  { kind: "edit", by: "coordinator", fields: { Status: "Ready for Core Group", ReopenReason: "New information" } },
  { kind: "edit", by: "coordinator", fields: { Status: "Closed" } },
  { kind: "edit", by: "coordinator", fields: { Status: "Withdrawn", ReopenReason: "Moved away" } },
  { kind: "edit", by: "director", fields: { IfOverrideReason: "Urgent" } },
  { kind: "edit", by: "director", fields: { Status: "Closed", ExceptionRefusedReason: "Forum first, please" } },
  { kind: "edit", by: "coordinator", fields: { IfOverrideReason: "Urgent" } },
  { kind: "command", command: "forumOutcome" },
  { kind: "command", command: "decision", outcome: "inSchoolSupport" },
  { kind: "command", command: "decision", outcome: "schoolContinuesWithAdvice" },
  { kind: "command", command: "decision", outcome: "programmeManagementPartTime" },
  { kind: "command", command: "startPlacement" },
  { kind: "command", command: "endPlacement" },
);
const formArb: fc.Arbitrary<FormKind> = fc.oneof(
  { weight: 3, arbitrary: fc.constant("namedForum" as const) },
  { weight: 3, arbitrary: fc.constant("referral" as const) },
  { weight: 1, arbitrary: fc.constant("referralWithoutForum" as const) },
  { weight: 1, arbitrary: fc.constant("anonymousForum" as const) },
);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("submit" as const), form: formArb, pupil: fc.nat(PUPILS - 1) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("act" as const), caseIndex: fc.nat(), act: actArb }) },
);

/** A history that reaches every rule, always run first: continued, refused by the Director, ended, referred again, linked. */
const walkThrough: Step[] = [
  { kind: "submit", form: "namedForum", pupil: 0 },
  { kind: "act", caseIndex: 0, act: { kind: "edit", by: "coordinator", fields: { Status: "Awaiting Inclusion Forum" } } },
  { kind: "submit", form: "referral", pupil: 0 },
  { kind: "submit", form: "referralWithoutForum", pupil: 1 },
  { kind: "act", caseIndex: 1, act: { kind: "edit", by: "director", fields: { Status: "Closed", ExceptionRefusedReason: "Forum first, please" } } },
  { kind: "submit", form: "referral", pupil: 1 },
  { kind: "submit", form: "namedForum", pupil: 1 },
  { kind: "act", caseIndex: 0, act: { kind: "edit", by: "coordinator", fields: { Status: "Withdrawn", ReopenReason: "Moved away" } } },
];

const cases = () => s.items("Cases");
const item = (ref: string) => cases().find((c) => c.fields.Title === ref);
const statusOf = (ref: string) => caseStatusFromLabel(String(item(ref)?.fields.WorkflowStatus));
const senco = (subject: (m: string) => boolean) => s.inbox(demoStaff.senco).filter((m) => subject(m.subject)).length;

/** The lists' delta rounds until nothing is left (what the change notifications set off). */
async function rounds(): Promise<void> {
  for (let i = 0; i < 8; i++) {
    let handled = 0;
    for (const list of s.app.watched) handled += (await list.round(s.app.ports.listWatch.changes)).handled;
    if (handled === 0) return;
  }
}

interface Accepted { responseId: string; caseRef: string; linked: boolean }

beforeAll(async () => {
  // Every history submits from one referrer for one school on one day: the intake's daily quotas (secedges) have
  // their own tests, and would refuse the later histories' forms here.
  s = await startSandboxPorts({ PLACES_KS3: "50", PLACES_KS4: "50", INTAKE_DAILY_LIMIT_PER_RESPONDER: "10000", INTAKE_DAILY_LIMIT_PER_SCHOOL: "10000" });
  sites = s.graph.area<SitesArea>("sites");
  siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
  s.setClock("2026-11-23T10:00:00Z");
  await rounds();
}, 90_000);
afterAll(async () => s?.stop());

describe("one pupil, one open case — and again later — over random histories through the workflows", () => {
  it("never gives a pupil two open cases; every accepted submission becomes a case or is written into one, the SENCO told; an ended case's pupil is referred again as a new case naming it", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 4, maxLength: 10 }), async (steps) => {
        run++;
        const mine: string[] = []; // this history's cases, in order
        const accepted: Accepted[] = [];
        const lastEnded = new Map<number, string>();
        const pupilOfCase = new Map<string, number>();

        const submit = async (form: FormKind, pupil: number): Promise<Accepted> => {
          const responseId = `prop-${++responses}`;
          const answer = await acceptReferral(s.app.ports.intake, { responseId, submittedAt: "2026-11-23T09:12:00Z", responder: "s.oconnor@oakfield.example", answers: forms[form](pupil) });
          if (answer.status !== 202) throw new Error(`${form} for pupil ${pupil} answered ${answer.status}: ${JSON.stringify(answer)}`);
          expect(await writeCase(s.app.ports.writeCase, responseId)).not.toBe("unknown");
          await rounds();
          const a = { responseId, caseRef: answer.caseRef, linked: answer.linkedTo !== undefined };
          accepted.push(a);
          if (a.linked) seen.linked++;
          if (form === "referralWithoutForum" && !a.linked) seen.directorsExceptions++;
          if (!a.linked) {
            mine.push(a.caseRef);
            if (form !== "anonymousForum") pupilOfCase.set(a.caseRef, pupil);
          }
          return a;
        };

        const check = async () => {
          for (let p = 0; p < PUPILS; p++) {
            const upn = upnOf(p);
            const open = cases().filter((c) => c.fields.Upn === upn && isOpenStatus(caseStatusFromLabel(String(c.fields.WorkflowStatus))!));
            expect(open.length, `pupil ${p}: ${open.map((c) => `${String(c.fields.Title)} ${String(c.fields.WorkflowStatus)}`).join(", ")}`).toBeLessThanOrEqual(1);
            expect(await s.app.tables.openCases.find(upn), `pupil ${p}'s entry in the index`).toBe(open[0]?.fields.Title);
          }
          for (const a of accepted) {
            const c = item(a.caseRef);
            expect(c, a.responseId).toBeDefined();
            const column = String(c!.fields.LinkedSubmissions ?? "");
            // A case of its own, or written into the pupil's open case: as its referral (its line in Later submissions,
            // kept there however many come after it), or as a later submission (in the app's own record of them, which
            // the column counts; the column lists only the latest few).
            const continuedBy = c!.fields.ReferralResponseId === a.responseId;
            const laterOnes = await s.app.ports.writeCase.linked.forCase(a.caseRef);
            const into = continuedBy
              ? column.split("\n").some((l) => l.startsWith(`response ${a.responseId} received `) && l.endsWith("the Partnership referral, written into this case"))
              : laterOnes.some((l) => l.responseId === a.responseId) && column.includes(laterOnes.length === 1 ? "1 later submission: " : `${laterOnes.length} later submissions`);
            expect(a.linked ? into : c!.fields.ResponseId === a.responseId, `${a.responseId} → ${a.caseRef}: ${column}`).toBe(true);
          }
          // The SENCO was told of each: a new case, a referral continuing a case, or a later submission.
          for (const ref of mine) expect(senco((m) => m.startsWith("New ") && m.includes(`: ${ref} (`)), `${ref}: new`).toBe(1);
          for (const ref of new Set(accepted.filter((a) => a.linked).map((a) => a.caseRef))) {
            const continued = item(ref)!.fields.ReferralResponseId;
            const later = accepted.filter((a) => a.caseRef === ref && a.linked && a.responseId !== continued);
            expect(senco((m) => m === `${ref}: a Partnership referral continues the case: ready for triage (Oakfield Academy)`), `${ref}: continued`).toBe(continued ? 1 : 0);
            expect(senco((m) => m === `Another submission for ${ref} (Oakfield Academy)`), `${ref}: later submissions`).toBe(later.length);
          }
        };

        for (const step of steps) {
          if (step.kind === "submit") {
            const wasEnded = lastEnded.get(step.pupil);
            const hadOpen = cases().some((c) => c.fields.Upn === upnOf(step.pupil) && isOpenStatus(caseStatusFromLabel(String(c.fields.WorkflowStatus))!));
            const a = await submit(step.form, step.pupil);
            // Referred again after their case ended: a new case that names the one that ended.
            if (step.form !== "anonymousForum" && !hadOpen && wasEnded) {
              seen.referredAgain++;
              expect(a.linked).toBe(false);
              expect(item(a.caseRef)!.fields.PreviousCaseRef).toBe(wasEnded);
            }
          } else if (mine.length > 0) {
            const ref = mine[step.caseIndex % mine.length]!;
            const before = statusOf(ref)!;
            const act = step.act;
            if (act.kind === "edit") {
              sites.patchAsPerson(siteId, "Cases", item(ref)!.id, act.fields, act.by === "director" ? demoStaff.director : demoStaff.coordinator);
            } else {
              const at = s.app.now().toISOString();
              if (act.command === "forumOutcome") await s.apply(ref, { kind: "recordInclusionForumOutcome", outcome: "referToPartnership", by: demoStaff.senco, at });
              else if (act.command === "decision") await s.apply(ref, { kind: "recordDecision", outcome: act.outcome!, source: "teams", by: "chair@oakfieldacade.example", at });
              else if (act.command === "startPlacement") await s.apply(ref, { kind: "startPlacement", by: "system", at });
              else await s.apply(ref, { kind: "endPlacement", exitRoute: "homeSchool", by: demoStaff.coordinator, at });
            }
            await rounds();
            const after = statusOf(ref)!;
            const pupil = pupilOfCase.get(ref);
            if (pupil !== undefined && isOpenStatus(before) && !isOpenStatus(after)) {
              seen.ended++;
              lastEnded.set(pupil, ref);
            }
          }
          await check();
        }
        // Every pupil with no open case now can be referred again: a new case, naming their last ended one.
        for (let p = 0; p < PUPILS; p++) {
          const open = cases().some((c) => c.fields.Upn === upnOf(p) && isOpenStatus(caseStatusFromLabel(String(c.fields.WorkflowStatus))!));
          if (open) continue;
          const a = await submit("referral", p);
          if (lastEnded.has(p)) seen.referredAgain++;
          expect(a.linked).toBe(false);
          expect(item(a.caseRef)!.fields.PreviousCaseRef).toBe(lastEnded.get(p));
        }
        await check();
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 15), endOnFailure: true, examples: [[walkThrough]] },
    );
    seen.continued = cases().filter((c) => String(c.fields.ReferralResponseId ?? "").startsWith("prop-")).length;
    if (process.env.SHOW_PROPERTY_STATS) console.log(seen);
    for (const [what, count] of Object.entries(seen)) expect(count, `histories that reached: ${what}`).toBeGreaterThan(0);
  }, 600_000);
});
