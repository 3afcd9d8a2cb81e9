import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "../support/system";
import { namedReferral } from "../fixtures/referralAnswers";
import { upnCheckLetter } from "../../src/domain/referral/upn";
import { loadSettings } from "../../src/settings/settings";
import { composeApp, type App } from "../../src/app/composition";
import { localAppSettings } from "../../sandbox/localSystem";
import type { SandboxPerson, SitesArea } from "../../sandbox/graph/areas/sites";
import { demoStaffIds, demoSite } from "../../sandbox/demo/demoTenant";
import type { AuditEntry } from "../../src/m365/tables/auditTrail";

/**
 * Who may do what, through SharePoint: each row of the permission table that a person's edit of the Cases list can
 * ask for, tried by people with and without the role (each edit saved as that person, as SharePoint's form does, so
 * the item version names them). Allowed: applied, with the editor (name and Entra object id) in the audit. Refused:
 * put back, the attempt audited, the editor and the Coordinator told why. And the workflow's own columns: an edit
 * to any of them changes no outcome and is put back and reported.
 */
let system: TestSystem;
let app: App;
let sites: SitesArea;
let siteId: string;
let n = 0;
const upn = (i: number) => { const d = `8015001${String(i).padStart(5, "0")}`; return upnCheckLetter(d) + d; };
const item = (ref: string) => system.items("Cases").find((i) => i.fields.Title === ref);

const people = {
  coordinator: "coordinator@lncip.example",
  senco: "senco@lncip.example",
  director: "director@lncip.example",
  /** A Core Group member (Megan Bowen, user-id-1 in Teams): on the panel, no role in SharePoint. */
  member: { id: "00000000-0000-0000-0000-0000000000021", email: "meganb@example.com", displayName: "Megan Bowen" },
  /** Someone whose version carries the Director's email but not the Director's object id. */
  spoofer: { id: "9d7e3c1a-2b4f-4a6e-8c0d-1f2e3a4b5c6d", email: "director@lncip.example", displayName: "Partnership Director" },
  /** Alex Wilber: a Coordinator, and the Core Group's default chair (user-id-0). */
  chair: { id: "00000000-0000-0000-0000-0000000000020", email: "alexw@example.com", displayName: "Alex Wilber" },
} satisfies Record<string, string | SandboxPerson>;
type Who = keyof typeof people;
const labels: Record<Who, string> = {
  coordinator: `Partnership Coordinator (${demoStaffIds.coordinator})`,
  senco: `Partnership SENCO (${demoStaffIds.senco})`,
  director: `Partnership Director (${demoStaffIds.director})`,
  member: "Megan Bowen (00000000-0000-0000-0000-0000000000021)",
  spoofer: "Partnership Director (9d7e3c1a-2b4f-4a6e-8c0d-1f2e3a4b5c6d)",
  chair: "Alex Wilber (00000000-0000-0000-0000-0000000000020)",
};
const mailOf = (who: Who) => (typeof people[who] === "string" ? people[who] : people[who].email);

function editAs(who: Who, ref: string, fields: Record<string, unknown>): void {
  sites.patchAsPerson(siteId, "Cases", item(ref)!.id, fields, people[who]);
}

/** A new referral (with an Inclusion Forum case unless `withoutIf`), taken to `status` by the Coordinator. */
async function newCase(status: "received" | "triage" | "readyForCoreGroup" | "awaitingDirectorsException"): Promise<string> {
  const i = ++n;
  const answers = { ...namedReferral, "pupil.upn": upn(i), ...(status === "awaitingDirectorsException" ? { previousInclusionForumCase: "" } : {}) };
  const res = await system.post("/api/forms/referral", { responseId: `who-${i}`, submittedAt: "2026-11-23T09:12:00Z", responder: "s.oconnor@oakfield.example", answers });
  const { caseRef } = (await res.json()) as { caseRef: string };
  await system.until(() => item(caseRef));
  const steps = status === "triage" ? ["In triage"] : status === "readyForCoreGroup" ? ["In triage", "Ready for Core Group"] : [];
  for (const [k, label] of steps.entries()) {
    editAs("coordinator", caseRef, { Status: label });
    await system.until(() => item(caseRef)?.fields.WorkflowVersion === k + 1);
  }
  if (status === "readyForCoreGroup") await system.until(() => item(caseRef)?.fields.MeetingId);
  return caseRef;
}

async function auditOf(ref: string): Promise<AuditEntry[]> {
  return app.tables.audit.forCase(ref);
}

/** Waits for an asynchronous condition (the app works in its own process). */
async function eventually<T>(what: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ; await new Promise((r) => setTimeout(r, 200))) {
    const v = await what();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting.\n${system.host.output().split("\n").slice(-20).join("\n")}`);
  }
}

beforeAll(async () => {
  system = await startTestSystem();
  system.mail.limitPerMinute = 0;
  app = composeApp(loadSettings(localAppSettings(system.azurite.connectionString, system.graph, 9)), { log: () => undefined });
  sites = system.graph.area<SitesArea>("sites");
  siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
}, 90_000);
afterAll(async () => system?.stop());

interface Row {
  command: string;
  from: Parameters<typeof newCase>[0];
  edit: Record<string, unknown>;
  /** What the item shows once the edit is applied. */
  applied: Record<string, unknown>;
  allowed: Who[];
  refused: Who[];
}

const table: Row[] = [
  { command: "triage", from: "received", edit: { Status: "In triage" }, applied: { WorkflowStatus: "In triage" }, allowed: ["coordinator", "senco", "director"], refused: ["member", "spoofer"] },
  { command: "grantDirectorsException", from: "awaitingDirectorsException", edit: { Status: "In triage", IfOverrideReason: "urgent" }, applied: { WorkflowStatus: "In triage" }, allowed: ["director"], refused: ["coordinator", "senco", "spoofer"] },
  { command: "recordInclusionForumOverride", from: "triage", edit: { IfOverrideReason: "At risk of permanent exclusion" }, applied: { IfOverrideReason: "At risk of permanent exclusion" }, allowed: ["director"], refused: ["coordinator", "member"] },
  { command: "recordDecision", from: "readyForCoreGroup", edit: { CoreGroupOutcome: "Partnership in-school support", DecidedBy: "Director (typed)" }, applied: { WorkflowStatus: "Decided" }, allowed: ["coordinator", "chair"], refused: ["senco", "director", "member"] },
  { command: "withdraw", from: "received", edit: { Status: "Withdrawn", ReopenReason: "The school withdrew it" }, applied: { WorkflowStatus: "Withdrawn" }, allowed: ["senco"], refused: ["member"] },
];

const cases = table.flatMap((row) => [
  ...row.allowed.map((who) => ({ ...row, who, allow: true, name: `${row.command} by ${who}: applied` })),
  ...row.refused.map((who) => ({ ...row, who, allow: false, name: `${row.command} by ${who}: put back` })),
]);

describe("who may do what in SharePoint (command × role, channel sharepointEdit)", () => {
  it.each(cases)("$name", async ({ command, from, edit, applied, who, allow }) => {
    const ref = await newCase(from);
    const before = item(ref)!.fields;
    editAs(who, ref, edit);
    if (allow) {
      const done = await system.until(() => (item(ref)!.fields.WorkflowVersion as number) > (before.WorkflowVersion as number) && item(ref));
      expect(done.fields).toMatchObject(applied);
      const entry = await eventually(async () => (await auditOf(ref)).find((e) => e.action === command));
      // The editor, as the People list names them (name and Entra object id), never a name typed into the item.
      expect(entry.by).toContain(labels[who]);
      if (command === "recordDecision") {
        expect(done.fields.DecidedBy).toBe(who === "chair" ? labels.chair : `${labels.chair}, recorded by ${labels[who]}`);
        expect(JSON.stringify(done.fields)).not.toContain("Director (typed)");
      }
      return;
    }
    const subject = `${ref}: a change was put back (not permitted)`;
    await system.until(() => system.mail.inbox("coordinator@lncip.example").find((m) => m.subject === subject));
    const now = item(ref)!.fields;
    expect(now.WorkflowVersion).toBe(before.WorkflowVersion);
    expect(now.Status).toBe(before.Status);
    for (const column of Object.keys(edit)) if (column !== "Status" && column !== "ReopenReason") expect(now[column]).toBe(before[column]);
    const attempt = (await auditOf(ref)).find((e) => e.action === `notPermitted:${command}`);
    expect(attempt).toMatchObject({ by: labels[who], source: "sharepoint" });
    expect(attempt?.detail).toMatch(/^Only .* has been put back\.$/);
    // The editor is told too, in the same words (a Coordinator has the Coordinator's email already).
    if (who === "coordinator") return;
    const toEditor = await system.until(() => system.mail.inbox(mailOf(who)).find((m) => m.subject === `${ref}: your change was not applied`));
    expect(toEditor.body.content).toContain("Only ");
  }, 60_000);
});

describe("the workflow's own columns are out of reach", () => {
  let ref: string;
  beforeAll(async () => {
    ref = await newCase("triage");
  }, 60_000);

  /** A forged value for each column the workflow owns (of the column's type, so the item stays readable). */
  const forged: Record<string, unknown> = {
    WorkflowStatus: "Decided",
    WorkflowVersion: 0,
    WorkflowTransition: "forged",
    WaitingSince: "2026-01-05T09:00:00Z",
    PreviousIfCase: "LNCIP-2026-0001",
    PreviousCaseRef: "LNCIP-2026-0001",
    RequestType: "Inclusion Forum discussion",
    Named: false,
    KeyStage: "KS4",
    InclusionForumOutcome: "Advice",
    DecidedBy: "Head of another school",
    IfOverrideBy: "Partnership Director",
    IfOverrideAt: "2026-11-24T10:00:00Z",
    ExceptionRefusedBy: "Partnership Director",
    ExceptionRefusedAt: "2026-11-24T10:00:00Z",
    ExtraPlaceBy: "Partnership Director",
    ExtraPlaceAt: "2026-11-24T10:00:00Z",
  };

  it.each(Object.keys(forged))("an edit of %s is put back, reported and changes nothing", async (column) => {
    const before = item(ref)!.fields;
    editAs("member", ref, { [column]: forged[column] });
    await system.until(() => JSON.stringify(item(ref)!.fields[column] ?? null) === JSON.stringify(before[column] ?? null) && item(ref)!.fields.WorkflowTransition !== undefined);
    await eventually(async () => (await auditOf(ref)).some((e) => e.action === "workflowColumnsRestored" && e.detail === column && e.by === labels.member));
    const now = item(ref)!.fields;
    for (const k of ["Status", "WorkflowStatus", "WorkflowVersion", "KeyStage", "RequestType", "Named"]) expect(now[k], k).toEqual(before[k]);
    await system.until(() => system.mail.inbox("coordinator@lncip.example").some((m) => m.subject === `${ref}: workflow columns put back` && m.body.content.includes(column)));
  }, 60_000);

  it("decides from its own record: forged columns typed with a real edit change no outcome, and a rolled-back version reuses no effect keys", async () => {
    const other = await newCase("triage");
    // Rolling the version back and claiming an override in the same save as a real edit (by the Coordinator).
    editAs("coordinator", other, { WorkflowVersion: 0, IfOverrideBy: "Partnership Director", Status: "Ready for Core Group" });
    const done = await system.until(() => item(other)?.fields.WorkflowVersion === 2 && item(other));
    expect(done.fields.IfOverrideBy).toBeUndefined();
    expect(done.fields.WorkflowStatus).toBe("Ready for Core Group"); // its IF case made it possible, not the forged override
    const trail = await eventually(async () => { const t = await auditOf(other); return t.some((e) => e.key === `${other}:2:audit`) && t; });
    expect(trail.filter((e) => e.action === "markReadyForCoreGroup").map((e) => e.key)).toEqual([`${other}:2:audit`]);
    await eventually(async () => (await auditOf(other)).some((e) => e.action === "workflowColumnsRestored" && e.detail === "WorkflowVersion, IfOverrideBy"));
  }, 60_000);

  it("puts back a forged first edit of a case the intake has just written (its record kept from the start)", async () => {
    const fresh = await newCase("received");
    const before = item(fresh)!.fields;
    editAs("member", fresh, { WorkflowStatus: "Decided", WorkflowVersion: 5 });
    await eventually(async () => (await auditOf(fresh)).some((e) => e.action === "workflowColumnsRestored" && e.detail === "WorkflowStatus, WorkflowVersion" && e.by === labels.member));
    await system.until(() => item(fresh)?.fields.WorkflowVersion === before.WorkflowVersion && item(fresh));
    for (const k of ["Status", "WorkflowStatus", "WorkflowVersion"]) expect(item(fresh)!.fields[k], k).toEqual(before[k]);
  }, 60_000);

  it("keeps a refused override put back when the next edit comes (a first edit never becomes the record)", async () => {
    const fresh = await newCase("received");
    editAs("member", fresh, { IfOverrideReason: "Skip the forum" });
    await system.until(() => system.mail.inbox("coordinator@lncip.example").find((m) => m.subject === `${fresh}: a change was put back (not permitted)`));
    await system.until(() => item(fresh)!.fields.IfOverrideReason === undefined);
    editAs("member", fresh, { WorkflowVersion: 7 });
    await eventually(async () => (await auditOf(fresh)).some((e) => e.action === "workflowColumnsRestored" && e.detail === "WorkflowVersion"));
    await system.until(() => item(fresh)?.fields.WorkflowVersion === 0);
    expect(item(fresh)!.fields.IfOverrideReason).toBeUndefined();
    expect(system.mail.inbox("coordinator@lncip.example").filter((m) => m.subject === `${fresh}: a change was put back (not permitted)`)).toHaveLength(1);
  }, 60_000);

  it("puts back a recorded decision someone edits afterwards", async () => {
    const decided = await newCase("readyForCoreGroup");
    editAs("coordinator", decided, { CoreGroupOutcome: "School continues with advice" });
    await system.until(() => item(decided)?.fields.WorkflowStatus === "Decided");
    const before = item(decided)!.fields;
    editAs("member", decided, { CoreGroupOutcome: "Programme Management (full-time)" });
    await eventually(async () => (await auditOf(decided)).some((e) => e.action === "workflowColumnsRestored" && e.detail === "CoreGroupOutcome"));
    expect(item(decided)!.fields).toMatchObject({ CoreGroupOutcome: before.CoreGroupOutcome, WorkflowVersion: before.WorkflowVersion });
  }, 60_000);
});

describe("recipients cannot be redirected by editing a column", () => {
  it("sends a decision to the referrer only at the school's own email domain (the school's SENCO always)", async () => {
    const i = ++n;
    const answers = { ...namedReferral, "pupil.upn": upn(i), "referrer.email": "someone@elsewhere.example" };
    const res = await system.post("/api/forms/referral", { responseId: `who-${i}`, submittedAt: "2026-11-23T09:12:00Z", responder: "s.oconnor@oakfield.example", answers });
    const { caseRef } = (await res.json()) as { caseRef: string };
    await system.until(() => item(caseRef));
    for (const [k, label] of ["In triage", "Ready for Core Group"].entries()) {
      editAs("coordinator", caseRef, { Status: label });
      await system.until(() => item(caseRef)?.fields.WorkflowVersion === k + 1);
    }
    editAs("coordinator", caseRef, { CoreGroupOutcome: "School continues with advice" });
    const senco = String(system.items("Schools").find((s) => s.fields.Urn === "120345")!.fields.SencoEmail);
    await system.until(() => system.mail.inbox(senco).find((m) => m.subject.startsWith(`${caseRef}:`) && /decided/.test(m.body.content)));
    expect(system.mail.inbox("someone@elsewhere.example").filter((m) => m.subject.startsWith(`${caseRef}:`) && !/received/i.test(m.subject))).toEqual([]);
  }, 60_000);

  it("leaves out a school whose role address was edited to another domain, until it is corrected", async () => {
    const school = system.items("Schools").find((s) => s.fields.Urn === "120350")!;
    sites.patchAsPerson(siteId, "Schools", school.id, { DslEmail: "dsl@elsewhere.example" }, "coordinator@lncip.example");
    const fresh = composeApp(loadSettings(localAppSettings(system.azurite.connectionString, system.graph, 9)), { log: () => undefined });
    expect(await fresh.schools.byUrn("120350")).toBeUndefined();
    expect((await fresh.schools.byUrn("120345"))?.SchoolName).toBe("Oakfield Academy");
  });
});
