import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "../support/system";
import { anonymousInclusionForum, branchingInclusionForum, namedReferral } from "../fixtures/referralAnswers";
import { upnCheckLetter } from "../../src/domain/referral/upn";
import { loadSettings } from "../../src/settings/settings";
import { composeApp, type App } from "../../src/app/composition";
import { defaultApp } from "../../sandbox/graph/auth";
import { demoForumCase, demoSchools, demoSite, demoStaff, demoStaffIds } from "../../sandbox/demo/demoTenant";
import type { SitesArea } from "../../sandbox/graph/areas/sites";

/**
 * Issue 13's rules where schools, coordinators and the Director meet them, end to end: form answers through the intake
 * endpoint, each person's step as their own edit of the case's item in the sandbox's SharePoint (`patchAsPerson`, the
 * version's lastModifiedBy), the Cases list and the mailboxes asserted. Key Stage 4 has no places here, so a
 * Programme Management decision waits unless the Director approves one more.
 */
let system: TestSystem;
let app: App;
let sites: SitesArea;
let siteId: string;
let n = 0;
const IF_QUESTION = "Inclusion Forum case reference (if the pupil was discussed at the Inclusion Forum)";
const upn = (i: number) => { const d = `8014001${String(i).padStart(5, "0")}`; return upnCheckLetter(d) + d; };
const envelope = (answers: Record<string, string>, responseId = `rules-${++n}`) => ({ responseId, submittedAt: "2026-11-23T09:12:00Z", responder: "s.oconnor@oakfield.example", answers });
const cases = () => system.items("Cases");
const item = (ref: string) => cases().find((c) => c.fields.Title === ref);
const inbox = (who: string) => system.mail.inbox(who);
const told = (who: string, subject: string) => inbox(who).filter((m) => m.subject === subject);
/** The Director as the app records them: the People list's name and Entra object id, never an address typed or read. */
const director = `Partnership Director (${demoStaffIds.director})`;
/** What the Coordinator is told of an edit the permission table refused (their own, or anyone's). */
const notPermitted = (ref: string) => `${ref}: a change was put back (not permitted)`;

async function submit(answers: Record<string, string>, responseId?: string): Promise<{ status: number; caseRef: string; linkedTo?: string; problems?: { question: string; message: string }[] }> {
  const res = await system.post("/api/forms/referral", envelope(answers, responseId));
  return { status: res.status, ...((await res.json()) as { caseRef: string; linkedTo?: string; problems?: { question: string; message: string }[] }) };
}

async function refer(answers: Record<string, string>): Promise<string> {
  const { status, caseRef } = await submit(answers);
  expect(status).toBe(202);
  await system.until(() => item(caseRef));
  return caseRef;
}

/** A person's edit of a case's item in SharePoint, as `by` (the version's author the app reads back). */
function edit(ref: string, fields: Record<string, unknown>, by: string): void {
  sites.patchAsPerson(siteId, "Cases", item(ref)!.id, fields, by);
}

const version = (ref: string) => Number(item(ref)?.fields.WorkflowVersion ?? -1);

beforeAll(async () => {
  system = await startTestSystem({ PLACES_KS4: "0" });
  // Exchange's 30-a-minute limit would hold these steps' emails for minutes: pacing has its own tests.
  system.mail.limitPerMinute = 0;
  sites = system.graph.area<SitesArea>("sites");
  siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
  const example = (JSON.parse(readFileSync(join(__dirname, "..", "..", "local.settings.example.json"), "utf8")) as { Values: Record<string, string> }).Values;
  const settings = loadSettings({
    ...example,
    AzureWebJobsStorage: system.azurite.connectionString,
    GRAPH_BASE_URL: system.graph.graphUrl,
    AZURE_AUTHORITY_HOST: system.graph.authorityHost,
    AZURE_TENANT_ID: defaultApp.tenantId,
    AZURE_CLIENT_ID: defaultApp.clientId,
    AZURE_CLIENT_SECRET: defaultApp.clientSecret,
    NOTIFICATION_URL: `${system.appUrl}/api/notifications`,
  });
  // Only for the Inclusion Forum's outcome, which the forum records in Teams: the same command, from this process.
  app = composeApp(settings, { log: () => undefined });
}, 90_000);
afterAll(async () => system?.stop());

describe("the Inclusion Forum case a referral names", () => {
  it("must exist: an unknown reference is a 422 naming the question, and nothing is written", async () => {
    const before = cases().length;
    const answer = await submit({ ...namedReferral, "pupil.upn": upn(1), previousInclusionForumCase: "LNCIP-2026-9999" });
    expect(answer.status).toBe(422);
    expect(answer.problems).toEqual([{ question: IF_QUESTION, message: expect.stringMatching(/^We have no case LNCIP-2026-9999\./) }]);
    await new Promise((r) => setTimeout(r, 300));
    expect(cases().length).toBe(before);
  });

  it("must be the school's own, and heard or on a forum's agenda; once on the agenda it may stand", async () => {
    const brookside = await refer({ ...anonymousInclusionForum });
    const otherSchool = await submit({ ...namedReferral, "pupil.upn": upn(2), previousInclusionForumCase: brookside });
    expect(otherSchool.status).toBe(422);
    expect(otherSchool.problems).toEqual([{ question: IF_QUESTION, message: expect.stringContaining(`Case ${brookside} is not one of your school's cases`) }]);

    const oakfield = await refer({ ...anonymousInclusionForum, schoolUrn: "120345" });
    const notHeard = await submit({ ...namedReferral, "pupil.upn": upn(2), previousInclusionForumCase: oakfield });
    expect(notHeard.status).toBe(422);
    expect(notHeard.problems?.[0]?.message).toContain(`Case ${oakfield} has not been discussed at an Inclusion Forum yet, nor is it on a forum's agenda`);

    edit(oakfield, { Status: "Awaiting Inclusion Forum" }, demoStaff.coordinator);
    await system.until(() => item(oakfield)?.fields.MeetingId);
    const onAgenda = await submit({ ...namedReferral, "pupil.upn": upn(2), previousInclusionForumCase: oakfield });
    expect(onAgenda.status).toBe(202);
    await system.until(() => item(onAgenda.caseRef));
    expect(item(onAgenda.caseRef)!.fields).toMatchObject({ Status: "Received", PreviousIfCase: oakfield, RequestType: "Partnership referral" });
  });

  it("a heard case from before the app (the demo tenant's) stands", async () => {
    const ref = await refer({ ...namedReferral, "pupil.upn": upn(3) });
    expect(item(ref)!.fields).toMatchObject({ Status: "Received", PreviousIfCase: demoForumCase.CaseRef });
  });
});

describe("a Partnership referral with no Inclusion Forum case: the Director's exception", () => {
  const { previousInclusionForumCase: _none, ...noForum } = namedReferral;

  it("waits for the Director, who is emailed a link to the case and nothing else; a Coordinator cannot grant it; the Director's reason does", async () => {
    const ref = await refer({ ...noForum, "pupil.upn": upn(10) });
    expect(item(ref)!.fields).toMatchObject({ Status: "Awaiting Director's exception", WorkflowStatus: "Awaiting Director's exception" });
    const asked = await system.until(() => told(demoStaff.director, `${ref}: your exception to Inclusion Forum first is asked (Oakfield Academy)`)[0]);
    expect(asked.body.content).toContain(`/Lists/Cases/DispForm.aspx?ID=${item(ref)!.id}`);
    for (const secret of ["Zoë", "D'Arcy", "2012-03-14", upn(10), "Refuses lessons", "Boxall"]) expect(JSON.stringify(asked)).not.toContain(secret);

    // The Coordinator moves it to triage: put back, and told why in words.
    edit(ref, { Status: "In triage" }, demoStaff.coordinator);
    const refusal = await system.until(() => told(demoStaff.coordinator, notPermitted(ref))[0]);
    expect(refusal.body.content).toContain("Only the partnership Director can grant an exception");
    await system.until(() => item(ref)?.fields.Status === "Awaiting Director's exception");
    expect(version(ref)).toBe(0);

    // The SENCO types an override reason: not the Director's, so it is cleared and the Coordinator and SENCO told.
    edit(ref, { IfOverrideReason: "urgent" }, demoStaff.senco);
    await system.until(() => told(demoStaff.coordinator, notPermitted(ref)).length === 2 && item(ref)?.fields.IfOverrideReason === undefined);
    const toSenco = await system.until(() => told(demoStaff.senco, `${ref}: your change was not applied`)[0]);
    expect(toSenco.body.content).toContain("Only the partnership Director can");
    expect(version(ref)).toBe(0);

    // The Director types the reason: the exception is granted, who and when recorded, the SENCO told.
    edit(ref, { IfOverrideReason: "At risk of permanent exclusion this week" }, demoStaff.director);
    await system.until(() => item(ref)?.fields.WorkflowStatus === "In triage");
    expect(item(ref)!.fields).toMatchObject({ Status: "In triage", IfOverrideBy: director, IfOverrideReason: "At risk of permanent exclusion this week" });
    expect(item(ref)!.fields.IfOverrideAt).toBeDefined();
    await system.until(() => told(demoStaff.senco, `${ref}: ready for triage (Oakfield Academy)`)[0]);
    const audit = async () => (await app.tables.audit.forCase(ref)).filter((e) => e.from);
    const transitions = async () => (await audit()).filter((e) => !e.action.startsWith("notPermitted:")).map((e) => [e.action, e.by, e.from, e.to]);
    for (let i = 0; i < 50 && (await transitions()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await transitions()).toEqual([["recordInclusionForumOverride", director, "awaitingDirectorsException", "triage"]]);
    // The two refused attempts are audited beside it, each with its editor as the People list names them.
    const attempts = (await audit()).filter((e) => e.action.startsWith("notPermitted:")).map((e) => [e.action, e.by]).sort();
    expect(attempts).toEqual([
      ["notPermitted:grantDirectorsException", `Partnership Coordinator (${demoStaffIds.coordinator})`],
      ["notPermitted:recordInclusionForumOverride", `Partnership SENCO (${demoStaffIds.senco})`],
    ]);
    expect(told(demoStaff.director, `${ref}: your exception to Inclusion Forum first is asked (Oakfield Academy)`)).toHaveLength(1);
  });

  it("refused by the Director: the case closes, the school is told the reason (in the body only), and the pupil can be referred again — a new case naming the old one", async () => {
    // The referrer is written to only at the school's own email domain (the SENCO always).
    const oakfield = demoSchools[0]!;
    const referrer = `s.oconnor@${oakfield.EmailDomain}`;
    const ref = await refer({ ...noForum, "pupil.upn": upn(11), "referrer.email": referrer });
    edit(ref, { Status: "Closed", ExceptionRefusedReason: "Please bring the pupil to December's forum first." }, demoStaff.director);
    await system.until(() => item(ref)?.fields.WorkflowStatus === "Closed");
    expect(item(ref)!.fields).toMatchObject({ Status: "Closed", ExceptionRefusedBy: director, ExceptionRefusedReason: "Please bring the pupil to December's forum first." });
    const news = `${ref}: the partnership Director's decision on the referral`;
    const [toReferrer] = await system.until(() => told(referrer, news).length === 1 && told(referrer, news));
    expect(toReferrer!.body.content).toContain("Please bring the pupil to December&#39;s forum first.");
    expect(told(oakfield.SencoEmail, news)).toHaveLength(1);
    for (const m of [...inbox(referrer), ...inbox(oakfield.SencoEmail)]) expect(m.subject).not.toContain("December");

    // Referred again, now after the forum: a new case (not linked to the closed one) that names it.
    const again = await submit({ ...namedReferral, "pupil.upn": upn(11) });
    expect(again.status).toBe(202);
    expect(again.linkedTo).toBeUndefined();
    expect(again.caseRef).not.toBe(ref);
    await system.until(() => item(again.caseRef));
    expect(item(again.caseRef)!.fields).toMatchObject({ Status: "Received", PreviousCaseRef: ref, Upn: upn(11) });

    // The closed case cannot be reopened while the new one holds the pupil: put back, the Coordinator told.
    edit(ref, { Status: "Ready for Core Group", ReopenReason: "Reopened in error" }, demoStaff.coordinator);
    const refusal = await system.until(() => told(demoStaff.coordinator, `${ref}: your change was not applied`)[0]);
    expect(refusal.body.content).toContain(`now has another open case, ${again.caseRef}`);
    await system.until(() => item(ref)?.fields.Status === "Closed");
    expect(cases().filter((c) => c.fields.Upn === upn(11) && !["Closed", "Withdrawn"].includes(String(c.fields.Status)))).toHaveLength(1);
  });
});

describe("one pupil, one open case: a named referral continues the pupil's Inclusion Forum case", () => {
  it("becomes that case's referral: its answers written into the case, the case in triage, the SENCO told, the referrer acknowledged, the audit says so — once", async () => {
    const forumCase = await refer({ ...namedReferral, requestType: "Inclusion Forum discussion", "pupil.upn": upn(20), actionsTaken: "", exitStrategy: "", supportRequested: "", purchaseOrderNumber: "", fundingSources: "", riskAssessmentCompleted: "", previousInclusionForumCase: "", forumRequest: '["Whether to make a Partnership referral"]' });
    expect(item(forumCase)!.fields).toMatchObject({ RequestType: "Inclusion Forum discussion", Named: true });
    expect(item(forumCase)!.fields.ActionsTaken).toBeUndefined();
    edit(forumCase, { Status: "Awaiting Inclusion Forum" }, demoStaff.coordinator);
    await system.until(() => item(forumCase)?.fields.MeetingId);

    const responseId = "continue-20";
    const answer = await submit({ ...namedReferral, "pupil.upn": upn(20), previousInclusionForumCase: forumCase }, responseId);
    expect(answer).toMatchObject({ status: 202, caseRef: forumCase, linkedTo: forumCase });
    await system.until(() => item(forumCase)?.fields.WorkflowStatus === "In triage" && String(item(forumCase)?.fields.LinkedSubmissions ?? "").includes("the Partnership referral"));
    expect(item(forumCase)!.fields).toMatchObject({
      Status: "In triage",
      RequestType: "Partnership referral",
      PreviousIfCase: forumCase,
      ReferralResponseId: responseId,
      ActionsTaken: namedReferral.actionsTaken,
      ExitStrategy: namedReferral.exitStrategy,
      SupportRequested: "Programme Management (part-time)",
      PurchaseOrderNumber: "PO-88812",
      FundingSources: ["AWPU", "Pupil premium"],
      DslName: "Ms Patel",
      // What the school asked of the forum stays.
      ForumRequest: ["Whether to make a Partnership referral"],
    });
    const continued = `${forumCase}: a Partnership referral continues the case: ready for triage (Oakfield Academy)`;
    await system.until(() => told(demoStaff.senco, continued).length === 1);
    await system.until(() => told("s.oconnor@oakfield.example", `Partnership referral received: ${forumCase}`).length === 1);
    const continuedInAudit = async () => (await app.tables.audit.forCase(forumCase)).filter((e) => e.action === "continueAsReferral").map((e) => [e.from, e.to, e.by]);
    for (let i = 0; i < 50 && (await continuedInAudit()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await continuedInAudit()).toEqual([["awaitingInclusionForum", "triage", "s.oconnor@oakfield.example"]]);

    // The same response again (the flow's retry): the same answer, and nothing new anywhere.
    const again = await submit({ ...namedReferral, "pupil.upn": upn(20), previousInclusionForumCase: forumCase }, responseId);
    expect(again).toMatchObject({ status: 200, caseRef: forumCase, linkedTo: forumCase });
    await new Promise((r) => setTimeout(r, 1500));
    expect(told(demoStaff.senco, continued)).toHaveLength(1);
    expect(told(demoStaff.senco, `Another submission for ${forumCase} (Oakfield Academy)`)).toHaveLength(0);
    expect(String(item(forumCase)!.fields.LinkedSubmissions).split("\n")).toHaveLength(1);
    expect(cases().filter((c) => c.fields.Upn === upn(20))).toHaveLength(1);

    // A later submission for the pupil, now a referral's, is linked to it as before.
    const later = await submit({ ...namedReferral, "pupil.upn": upn(20), previousInclusionForumCase: forumCase, concerns: "A further incident." });
    expect(later).toMatchObject({ status: 202, caseRef: forumCase, linkedTo: forumCase });
    await system.until(() => told(demoStaff.senco, `Another submission for ${forumCase} (Oakfield Academy)`).length === 1);
    expect(cases().filter((c) => c.fields.Upn === upn(20))).toHaveLength(1);
  });

  it("taking a heard case on as a referral needs its evidence and exit strategy: without them the edit is put back and the Coordinator told what is missing", async () => {
    const answers = { ...branchingInclusionForum, schoolUrn: "120345", parentalConsent: "Yes", "pupil.firstName": "Zoë", "pupil.lastName": "D'Arcy", "pupil.dateOfBirth": "2012-03-14", "pupil.upn": upn(21) };
    const ref = await refer(answers);
    edit(ref, { Status: "Awaiting Inclusion Forum" }, demoStaff.coordinator);
    await system.until(() => item(ref)?.fields.MeetingId);
    // The forum records its outcome (in Teams): the same command, applied here.
    expect(await app.caseCommand(ref, { kind: "recordInclusionForumOutcome", outcome: "referToPartnership", by: "senco@lncip.example", at: new Date().toISOString() })).toMatchObject({ ok: true });
    await system.until(() => item(ref)?.fields.WorkflowStatus === "Inclusion Forum outcome given");

    edit(ref, { Status: "In triage" }, demoStaff.coordinator);
    const refusal = await system.until(() => told(demoStaff.coordinator, `${ref}: your change was not applied`)[0]);
    expect(refusal.body.content).toContain("it needs the school&#39;s evidence of plan-do-review (Actions taken) and the exit strategy (Exit strategy)");
    await system.until(() => item(ref)?.fields.Status === "Inclusion Forum outcome given");

    edit(ref, { ActionsTaken: "Mentoring for six weeks; reviewed.", ExitStrategy: "Back to full timetable by Easter.", Status: "In triage" }, demoStaff.coordinator);
    await system.until(() => item(ref)?.fields.WorkflowStatus === "In triage");
    expect(item(ref)!.fields).toMatchObject({ RequestType: "Partnership referral", PreviousIfCase: ref });
  });
});

describe("places are an aim: one more only with the Director's approval", () => {
  it("a Programme Management decision at the number of places waits; a Coordinator's approval is refused; the Director's sets up the placement, who, when and why kept", async () => {
    const ref = await refer({ ...namedReferral, "pupil.upn": upn(30), yearGroup: "Year 10" });
    edit(ref, { Status: "In triage" }, demoStaff.coordinator);
    await system.until(() => version(ref) === 1);
    edit(ref, { Status: "Ready for Core Group" }, demoStaff.coordinator);
    await system.until(() => version(ref) === 2);
    edit(ref, { CoreGroupOutcome: "Programme Management (part-time)", DecidedBy: "chair@oakfield.example", DecidedAt: "2026-12-03T16:40:00Z" }, demoStaff.coordinator);
    await system.until(() => item(ref)?.fields.WorkflowStatus === "Waiting list");
    await system.until(() => told(demoStaff.coordinator, `${ref}: on the KS4 waiting list (position 1)`).length === 1);

    edit(ref, { ExtraPlaceReason: "Fresh start agreed" }, demoStaff.coordinator);
    const refusal = await system.until(() => told(demoStaff.coordinator, notPermitted(ref))[0]);
    expect(refusal.body.content).toContain("Only the partnership Director can approve a place beyond the key stage&#39;s number");
    await system.until(() => item(ref)?.fields.ExtraPlaceReason === undefined);
    expect(item(ref)!.fields.WorkflowStatus).toBe("Waiting list");

    edit(ref, { ExtraPlaceReason: "Permanent exclusion otherwise; a KS4 pupil leaves at Christmas" }, demoStaff.director);
    await system.until(() => item(ref)?.fields.WorkflowStatus === "Decided");
    expect(item(ref)!.fields).toMatchObject({ ExtraPlaceBy: director, ExtraPlaceReason: "Permanent exclusion otherwise; a KS4 pupil leaves at Christmas" });
    expect(item(ref)!.fields.ExtraPlaceAt).toBeDefined();
    await system.until(() => system.items("Placements").some((p) => p.fields.Title === ref));
    await system.until(() => told(demoStaff.coordinator, `${ref}: placement set up (KS4)`).length === 1);
  });
});
