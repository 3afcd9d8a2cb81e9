import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "../support/system";
import { namedReferral, anonymousInclusionForum } from "../fixtures/referralAnswers";
import type { SubscriptionsArea } from "../../sandbox/graph/areas/subscriptions";
import { upnCheckLetter } from "../../src/domain/referral/upn";
import { submitThroughReferralInbox } from "../../sandbox/demo/referralInboxFlow";

let system: TestSystem;
let n = 0;
const upn = (i: number) => { const d = `8012001${String(i).padStart(5, "0")}`; return upnCheckLetter(d) + d; };
const envelope = (answers: Record<string, string>) => ({ responseId: `lc-${++n}`, submittedAt: "2026-11-23T09:12:00Z", responder: "s.oconnor@oakfield.example", answers });
const item = (ref: string) => system.items("Cases").find((i) => i.fields.Title === ref);

/**
 * A coordinator's edit, made in SharePoint's UI: the item's new version names the Coordinator (their Entra object id,
 * email and name), which is what the app authorises.
 */
async function edit(ref: string, fields: Record<string, unknown>): Promise<void> {
  const site = system.graph.area<import("../../sandbox/graph/areas/sites").SitesArea>("sites");
  site.patchAsPerson(site.siteIdByPath("contoso.sharepoint.com", "lncip"), "Cases", item(ref)!.id, fields, "coordinator@lncip.example");
}

async function newCase(answers: Record<string, string>): Promise<string> {
  const { caseRef } = (await (await system.post("/api/forms/referral", envelope(answers))).json()) as { caseRef: string };
  await system.until(() => item(caseRef));
  return caseRef;
}

beforeAll(async () => {
  system = await startTestSystem();
  // The app subscribes to its lists at start-up (the handshake comes back to /api/notifications).
  await system.until(() => (system.graph.area<SubscriptionsArea>("subscriptions").dump() as { subscriptions: unknown[] }).subscriptions.length === 6, 30_000); // Cases, Placements, Reviews, Attendance, ReferralInbox, Schools
}, 90_000);
afterAll(async () => system?.stop());

describe("SharePoint change notifications", () => {
  it("answers the validation handshake only for a well-formed token", async () => {
    const ok = await fetch(`${system.appUrl}/api/notifications?validationToken=${encodeURIComponent("abc 123")}`, { method: "POST" });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe("abc 123");
    const bad = await fetch(`${system.appUrl}/api/notifications?validationToken=${encodeURIComponent("<script>\u0000")}`, { method: "POST" });
    expect(bad.status).toBe(400);
  });

  it("drops a notification with the wrong clientState and accepts a real one with 202", async () => {
    const forged = await fetch(`${system.appUrl}/api/notifications`, { method: "POST", body: JSON.stringify({ value: [{ subscriptionId: "x", clientState: "guess", changeType: "updated", resource: "sites/a/lists/b" }] }) });
    expect(forged.status).toBe(202);
    // The host writes its log a tick at a time (as the real host never holds an invocation for its log): wait for the line.
    await system.until(() => /wrong clientState \(subscription x\)/.test(system.host.output()));
    expect((await fetch(`${system.appUrl}/api/notifications`, { method: "POST", body: "not json" })).status).toBe(400);
  });

  it("moves a case on when a coordinator changes its status, once, with an audit trail and the SENCO told", async () => {
    const ref = await newCase({ ...namedReferral, "pupil.upn": upn(1) });
    await edit(ref, { Status: "In triage" });
    await system.until(() => item(ref)?.fields.WorkflowVersion === 1);
    await edit(ref, { Status: "Ready for Core Group" });
    const ready = await system.until(() => item(ref)?.fields.WorkflowVersion === 2 && item(ref));
    expect(ready.fields.Status).toBe("Ready for Core Group");
    const notices = await system.until(() => system.mail.inbox("senco@lncip.example").filter((m) => m.subject.startsWith(`${ref}: ready for triage`)));
    expect(notices).toHaveLength(1);
  });

  it("puts back an edit the rules refuse and tells the Coordinator why", async () => {
    const ref = await newCase({ ...namedReferral, "pupil.upn": upn(2) });
    await edit(ref, { Status: "In placement" });
    const told = await system.until(() => system.mail.inbox("coordinator@lncip.example").find((m) => m.subject === `${ref}: your change was not applied`));
    expect(told.body.content).toMatch(/cannot be moved from &#34;Received&#34; to &#34;In placement&#34;/);
    await system.until(() => item(ref)?.fields.Status === "Received");
  });

  it("records a decision made in SharePoint in the Decisions list and moves the case on, waiting for a PO when there is none", async () => {
    const ref = await newCase({ ...namedReferral, "pupil.upn": upn(3) });
    await edit(ref, { Status: "In triage" });
    await system.until(() => item(ref)?.fields.WorkflowVersion === 1);
    await edit(ref, { Status: "Ready for Core Group", PurchaseOrderNumber: null });
    await system.until(() => item(ref)?.fields.WorkflowVersion === 2);
    await edit(ref, { CoreGroupOutcome: "Programme Management (part-time)", DecidedBy: "chair@oakfieldacade.example", DecidedAt: "2026-11-26T16:05:00Z" });
    const decided = await system.until(() => item(ref)?.fields.WorkflowVersion === 3 && item(ref));
    expect(decided.fields.Status).toBe("Awaiting PO");
    const decisions = await system.until(() => { const d = system.items("Decisions").filter((i) => i.fields.CaseRef === ref); return d.length ? d : undefined; });
    expect(decisions).toHaveLength(1);
    // The Coordinator recorded the decision the meeting took: the app names the meeting's chair (the panel's chair,
    // user-id-0, whom the People list knows as Alex Wilber) and the Coordinator, by name and Entra object id; the
    // "decided by" typed into the item is never read.
    const decidedBy = "Alex Wilber (00000000-0000-0000-0000-0000000000020), recorded by Partnership Coordinator (5b0c2a1e-7d43-4f6a-9c1e-2d4f6a8b0c03)";
    expect(decisions[0]!.fields).toMatchObject({ Outcome: "Programme Management (part-time)", DecidedBy: decidedBy, Source: "SharePoint" });
    expect(decided.fields.DecidedBy).toBe(decidedBy);
    const finance = String(system.items("Schools").find((s) => s.fields.Urn === "120345")!.fields.FinanceEmail);
    await system.until(() => system.mail.inbox(finance).find((m) => m.subject === `${ref}: purchase order needed`));
  });

  it("takes a referral the flow left in the Referral inbox on the list's change notification: a case, and the item removed", async () => {
    const itemId = submitThroughReferralInbox(system.graph, { responseId: "lc-inbox-1", submittedAt: "2026-11-23T09:12:00Z", responder: "s.oconnor@oakfield.example", answers: { ...namedReferral, "pupil.upn": upn(4) } });
    const made = await system.until(() => system.items("Cases").find((c) => c.fields.ResponseId === "lc-inbox-1"));
    expect(made.fields).toMatchObject({ Status: "Received", Upn: upn(4) });
    await system.until(() => !system.items("ReferralInbox").some((i) => i.id === itemId));
    await system.until(() => system.mail.inbox("s.oconnor@oakfield.example").find((m) => m.subject === `Partnership referral received: ${String(made.fields.Title)}`));
  });

  it("changes nothing extra when notifications are duplicated, lost or the delta token expires", async () => {
    const ref = await newCase({ ...anonymousInclusionForum });
    system.graph.faults.add({ kind: "duplicateNotification", count: 5 });
    await edit(ref, { Status: "Awaiting Inclusion Forum" });
    await system.until(() => item(ref)?.fields.WorkflowVersion === 1);
    system.graph.faults.add({ kind: "lostNotification", count: 1 });
    system.graph.faults.add({ kind: "expiredDelta", count: 1 });
    await edit(ref, { Status: "Withdrawn", ReopenReason: "School asked to withdraw" });
    // The lost notification is recovered by the upkeep timer's delta round (run on demand here).
    await fetch(`${system.appUrl}/admin/functions/subscriptionUpkeep`, { method: "POST", headers: { "x-functions-key": "local-master-key" }, body: "{}" });
    await system.until(() => item(ref)?.fields.WorkflowVersion === 2);
    await new Promise((r) => setTimeout(r, 1500));
    expect(item(ref)?.fields).toMatchObject({ Status: "Withdrawn", WorkflowVersion: 2 });
  });
});
