import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandboxPorts, type SandboxPorts } from "./placements/sandboxPorts";
import { demoSite } from "../../sandbox/demo/demoTenant";
import type { SitesArea } from "../../sandbox/graph/areas/sites";
import { referralInboxList, toListFields, type ReferralInboxRow } from "../../src/domain/lists";
import { effectLedger } from "../../src/m365/tables/effectLedger";
import { tableStore } from "../../src/m365/tables/tableStore";
import { sendMailOnce } from "../../src/m365/outlook/mailOnce";
import { acceptReferral } from "../../src/workflows/intake/referralRules";
import { keepListsWatched, pollRefusedLists } from "../../src/workflows/listChanges/watchedLists";
import { checkHealth } from "../../src/workflows/operations/healthCheck";
import { dailyRound } from "../../src/workflows/dailyRound/dailyRound";
import { placementsHandler, placementsWatches } from "../../src/workflows/placements/placementsHandler";
import { namedReferral, anonymousInclusionForum } from "../fixtures/referralAnswers";
import { upnCheckLetter } from "../../src/domain/referral/upn";

/**
 * The app against the Graph sandbox playing a strict tenant (no list subscriptions, no Sent Items, no Teams licence on
 * the partnership mailbox), through its composed ports and workflows, with its clock set by the test: the referral
 * route on standard connectors, polling instead of notifications, reviews that wait for Teams, a parked email — each
 * reaching the Coordinator once and named by the deep health check.
 */
let s: SandboxPorts;
let siteId: string;
let sites: SitesArea;
const flowAccount = "forms-flow@lncip.example";
const coordinator = "coordinator@lncip.example";
const upn = (i: number) => {
  const d = `8012009${String(i).padStart(5, "0")}`;
  return upnCheckLetter(d) + d;
};
const caseWith = (responseId: string) => s.items("Cases").find((c) => c.fields.ResponseId === responseId);
const inboxItems = () => s.items("ReferralInbox");
const toCoordinator = (re: RegExp) => s.inbox(coordinator).filter((m) => re.test(m.subject));

/** What the flow's "Create item" does: the response's id, time and responder, and the "Get response details" body as JSON. */
function flowCreatesItem(responseId: string, answers: Record<string, string>, responder = "s.oconnor@oakfield.example"): string {
  const body = { responder, submitDate: "2026-11-23T09:12:00Z", ...answers };
  const row: ReferralInboxRow = { ResponseId: responseId, SubmittedAt: "2026-11-23T09:12:00Z", Responder: responder, Answers: JSON.stringify(body) };
  return sites.addItem(siteId, referralInboxList.name, toListFields(referralInboxList, row), flowAccount);
}

beforeAll(async () => {
  s = await startSandboxPorts({ PLACES_KS3: "5" }, { tenant: "strict" });
  sites = s.graph.area<SitesArea>("sites");
  siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
  s.setClock("2026-11-23T09:30:00Z");
}, 90_000);
afterAll(async () => s?.stop());

describe("with list subscriptions refused", () => {
  it("marks every watched list as polled, tells the Coordinator once, and the deep health check names it", async () => {
    const first = await keepListsWatched(s.app.ports.listWatch);
    expect(first.subscriptions.map((r) => [r.list, r.action, r.error])).toEqual(s.app.watched.map((l) => [l.name, "refused", "403 ExtensionError"]));
    expect(first.polled.sort()).toEqual(s.app.watched.map((l) => l.name).sort());
    expect(first.polled).toContain("ReferralInbox");
    // The other jobs ran: each list's delta round.
    expect(first.rounds.map((r) => r.list)).toEqual(s.app.watched.map((l) => l.name));
    expect(first.failures).toEqual([]);
    await keepListsWatched(s.app.ports.listWatch);
    const told = toCoordinator(/^Inclusion Flow: changes in SharePoint are picked up every minute, not at once$/);
    expect(told).toHaveLength(1);
    const health = await checkHealth(s.app.ports.health);
    expect(health.status).toBe("degraded");
    expect(health.degraded.find((d) => d.part === "listSubscriptions")?.detail).toBe("Graph refused change notifications (403 ExtensionError) on Attendance, Cases, Placements, ReferralInbox, Reviews, Schools: their changes are found by polling every minute");
  });

  it("handles a coordinator's edit by polling", async () => {
    flowCreatesItem("strict-edit-1", { ...anonymousInclusionForum });
    await pollRefusedLists(s.app.ports.listWatch);
    const item = caseWith("strict-edit-1")!;
    expect(item.fields).toMatchObject({ Status: "Received", WorkflowVersion: 0 });
    sites.patchAsPerson(siteId, "Cases", item.id, { Status: "In triage" }, coordinator);
    const report = await pollRefusedLists(s.app.ports.listWatch);
    expect(report.failures).toEqual([]);
    expect(report.rounds.find((r) => r.list === "Cases")?.handled).toBe(1);
    expect(caseWith("strict-edit-1")!.fields).toMatchObject({ Status: "Awaiting Inclusion Forum", WorkflowStatus: "Awaiting Inclusion Forum", WorkflowVersion: 1 });
  });

  it("never lets one failing job stop the others in the upkeep", async () => {
    const placements = sites.listsOf(siteId).find((l) => l.name === "Placements")!;
    s.graph.faults.add({ route: `/lists\\/${placements.id}\\/items\\/delta/`, kind: "500", count: 20 });
    try {
      const report = await keepListsWatched(s.app.ports.listWatch);
      expect(report.failures).toEqual([{ job: "Placements round", error: expect.any(String) }]);
      expect(report.rounds.map((r) => r.list)).toEqual(s.app.watched.map((l) => l.name).filter((n) => n !== "Placements"));
    } finally {
      s.graph.faults.clear();
    }
  });
});

describe("the referral route on standard connectors (the Referral inbox list)", () => {
  it("turns the flow's item into a case through the same intake, acknowledges the referrer, and removes the item", async () => {
    const id = flowCreatesItem("inbox-1", { ...namedReferral, "pupil.upn": upn(1) });
    await pollRefusedLists(s.app.ports.listWatch);
    const item = caseWith("inbox-1")!;
    expect(item.fields).toMatchObject({ Status: "Received", RequestType: "Partnership referral", SchoolUrn: "120345", Upn: upn(1), KeyStage: "KS3" });
    const caseRef = String(item.fields.Title);
    expect(s.inbox("s.oconnor@oakfield.example").filter((m) => m.subject === `Partnership referral received: ${caseRef}`)).toHaveLength(1);
    expect(inboxItems().some((i) => i.id === id)).toBe(false);
  });

  it("takes the same response once, however it comes: again through the inbox, or through the HTTP route", async () => {
    flowCreatesItem("inbox-2", { ...anonymousInclusionForum });
    await pollRefusedLists(s.app.ports.listWatch);
    const caseRef = String(caseWith("inbox-2")!.fields.Title);
    flowCreatesItem("inbox-2", { ...anonymousInclusionForum });
    await pollRefusedLists(s.app.ports.listWatch);
    const http = await acceptReferral(s.app.ports.intake, { responseId: "inbox-2", submittedAt: "2026-11-23T09:12:00Z", responder: "t.hughes@brookside.example", answers: anonymousInclusionForum });
    expect(http).toMatchObject({ status: 200, caseRef });
    expect(s.items("Cases").filter((c) => c.fields.ResponseId === "inbox-2")).toHaveLength(1);
    expect(s.inbox("t.hughes@brookside.example").filter((m) => m.subject.includes(caseRef))).toHaveLength(1);
    expect(inboxItems().filter((i) => i.fields.Title === "inbox-2")).toEqual([]);
  });

  it("answers a refused response by email to the responder, each problem by the question's wording, and keeps the item marked", async () => {
    const writes = s.items("Cases").length;
    const id = flowCreatesItem("inbox-bad-1", { ...namedReferral, "pupil.upn": "A123", schoolUrn: "999999" }, "s.oconnor@oakfield.example");
    await pollRefusedLists(s.app.ports.listWatch);
    await pollRefusedLists(s.app.ports.listWatch);
    const refusals = s.inbox("s.oconnor@oakfield.example").filter((m) => m.subject === "Your referral to Lakeside North Community Inclusion Partnership could not be accepted");
    expect(refusals).toHaveLength(1);
    const body = refusals[0]!.body.content;
    expect(body).toContain("Pupil&#39;s UPN (unique pupil number)");
    expect(body).toMatch(/<li><b>[^<]*school[^<]*<\/b>:/i);
    // Nothing the school wrote is copied back; no case was made.
    for (const secret of ["Zoë", "D'Arcy", "2012-03-14", "A123", "hates"]) expect(body).not.toContain(secret);
    expect(s.items("Cases").length).toBe(writes);
    const kept = inboxItems().find((i) => i.id === id)!;
    expect(kept.fields).toMatchObject({ InboxStatus: "Refused" });
    expect(String(kept.fields.Problems)).toMatch(/^Pupil's UPN \(unique pupil number\): /m);
  });

  it("marks an item the flow wrote wrongly (not the Forms body) for the administrator, and tells no school", async () => {
    const before = s.inbox("s.oconnor@oakfield.example").length;
    const id = sites.addItem(siteId, referralInboxList.name, toListFields(referralInboxList, { ResponseId: "inbox-broken-1", SubmittedAt: "2026-11-23T09:12:00Z", Responder: "s.oconnor@oakfield.example", Answers: "Get response details" }), flowAccount);
    await pollRefusedLists(s.app.ports.listWatch);
    expect(inboxItems().find((i) => i.id === id)!.fields).toMatchObject({ InboxStatus: "Refused", Problems: 'The Answers column is not the JSON of "Get response details".' });
    expect(s.inbox("s.oconnor@oakfield.example").length).toBe(before);
  });
});

describe("a meeting made without its Teams meeting", () => {
  it("records no review without a link, tells the Coordinator once, names it in the health check, and makes the reviews once the mailbox is licensed", async () => {
    s.setClock("2026-11-20T10:00:00Z");
    const ref = await s.readyCase(301);
    expect(await s.apply(ref, { kind: "recordDecision", outcome: "programmeManagementPartTime", source: "sharepoint", by: "chair@oakfieldacade.example", at: s.app.now().toISOString() })).toMatchObject({ ok: true });
    const placement = (await s.work.placements.all({ filter: `fields/Title eq '${ref}'` }))[0]!;
    await s.edit("placements", placement.id, { StartDate: "2026-11-30", PlacementStatus: "Active" });
    const edited = (await s.work.placements.all({ filter: `fields/Title eq '${ref}'` }))[0]!;
    await placementsHandler(s.work).changed(undefined, edited, s.work.placements.watched(edited, placementsWatches));
    // The placement started (the school told), but no review is recorded with an event that has no way to join.
    expect(s.items("Cases").find((c) => c.fields.Title === ref)!.fields.Status).toBe("In placement");
    expect(s.items("Reviews").filter((r) => r.fields.CaseRef === ref)).toEqual([]);
    await placementsHandler(s.work).changed(undefined, edited, s.work.placements.watched(edited, placementsWatches));
    // (The Inclusion Forum invitation of the case moved on by polling above waits too.)
    expect(toCoordinator(/^Inclusion Flow: reviews and meetings cannot be set up as Teams meetings$/)).toHaveLength(1);
    const health = await checkHealth(s.app.ports.health);
    expect(health.degraded.find((d) => d.part === "teamsMeetings")?.detail).toMatch(/^Outlook makes partnership@lncip\.example's events without a Teams meeting .*: 2 review series or invitation\(s\) wait/);

    // The administrator assigns a Teams licence; the next school day's round makes the reviews, with their links.
    s.graph.tenant.change({ teamsMeetings: true });
    s.setClock("2026-11-24T06:30:00Z");
    const round = await dailyRound(s.work);
    expect(round.waitingForTeams).toBe(0);
    const reviews = s.items("Reviews").filter((r) => r.fields.CaseRef === ref);
    expect(reviews.length).toBeGreaterThan(2);
    const events = s.events().filter((e) => e.subject.endsWith(`: ${ref}`) && !e.isCancelled);
    expect(events.length).toBe(reviews.length);
    for (const e of events) expect(e.onlineMeeting?.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\//);
    const forum = s.events().find((e) => e.subject.startsWith("Inclusion Forum: ") && e.attendees.some((a) => a.emailAddress.address === "t.hughes@brookside.example"));
    expect(forum?.onlineMeeting?.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\//);
    expect((await checkHealth(s.app.ports.health)).degraded.map((d) => d.part)).not.toContain("teamsMeetings");
    s.graph.tenant.change({ teamsMeetings: false });
  });
});

describe("Sent Items refused", () => {
  it("parks an interrupted email it cannot confirm (never sent twice, never retried for ever), alerts the Coordinator once, and the health check names it", async () => {
    const connection = s.app.settings.AzureWebJobsStorage;
    const key = "mail:decision:LNCIP-2026-0302:5";
    const subject = "LNCIP-2026-0302: the Core Group has decided";
    // A worker claimed the email three minutes ago and died (whether Graph took it first, nobody knows).
    const dead = effectLedger(tableStore(connection, "Effects"), { now: () => new Date(Date.now() - 180_000) });
    void dead.once(key, () => new Promise<boolean>(() => undefined));
    await new Promise((r) => setTimeout(r, 300));
    const sendsBefore = s.graph.requests.filter((r) => r.path.endsWith("/sendMail")).length;
    expect(await sendMailOnce(s.app.tables.ledger, s.app.mailer, key, ["senco@oakfieldacad.example"], subject, "<p>x</p>")).toBe(false);
    expect(await sendMailOnce(s.app.tables.ledger, s.app.mailer, key, ["senco@oakfieldacad.example"], subject, "<p>x</p>")).toBe(false);
    // Not sent again: the only email is the Coordinator's alert, naming it.
    expect(s.graph.requests.filter((r) => r.path.endsWith("/sendMail")).length).toBe(sendsBefore + 1);
    expect(s.inbox("senco@oakfieldacad.example").filter((m) => m.subject === subject)).toEqual([]);
    const alerts = toCoordinator(/^Inclusion Flow: an email may not have been sent$/);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.body.content).toContain(subject);
    const health = await checkHealth(s.app.ports.health);
    expect(health.degraded.find((d) => d.part === "sentItems")?.detail).toBe("The app may not read partnership@lncip.example's Sent Items (403): 1 interrupted email(s) parked for a person, not sent again");
  });

  it("names every degraded part in the deep health check, and nothing personal", async () => {
    const health = await checkHealth(s.app.ports.health);
    expect(health.status).toBe("degraded");
    expect(health.degraded.map((d) => d.part)).toEqual(["listSubscriptions", "sentItems"]);
    for (const secret of ["Zoë", "D'Arcy", upn(1), "2012-03-14"]) expect(JSON.stringify(health)).not.toContain(secret);
  });

  it("drops Sent Items from the health check once a person has dealt with the parked emails", async () => {
    for (const parked of await s.app.tables.state.list("parkedMail")) await s.app.tables.state.remove("parkedMail", parked.name);
    expect((await checkHealth(s.app.ports.health)).degraded.map((d) => d.part)).toEqual(["listSubscriptions"]);
  });
});
