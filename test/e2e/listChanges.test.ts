import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "../support/system";
import { namedReferral, anonymousInclusionForum } from "../fixtures/referralAnswers";
import type { SubscriptionsArea } from "../../sandbox/graph/areas/subscriptions";
import { upnCheckLetter } from "../../src/domain/referral/upn";

let system: TestSystem;
let n = 0;
const upn = (i: number) => { const d = `8012001${String(i).padStart(5, "0")}`; return upnCheckLetter(d) + d; };
const envelope = (answers: Record<string, string>) => ({ responseId: `lc-${++n}`, submittedAt: "2026-11-23T09:12:00Z", responder: "s.oconnor@oakfield.example", answers });
const item = (ref: string) => system.items("Cases").find((i) => i.fields.Title === ref);

/** A coordinator's edit, made in SharePoint (through Graph, as the list's web UI does). */
async function edit(ref: string, fields: Record<string, unknown>): Promise<void> {
  const site = system.graph.area<import("../../sandbox/graph/areas/sites").SitesArea>("sites");
  await coordinatorPatch(site.siteIdByPath("contoso.sharepoint.com", "lncip"), item(ref)!.id, fields);
}

let token = "";
async function coordinatorPatch(siteId: string, id: string, fields: Record<string, unknown>): Promise<void> {
  if (!token) {
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: "3b9d8f5e-7c21-4e0a-8f3b-000000000002", client_secret: "sandbox-secret-not-for-production", scope: "https://graph.microsoft.com/.default" });
    token = ((await (await fetch(`${system.graph.url}/6f1c2b0e-5a4d-4c55-9a57-000000000001/oauth2/v2.0/token`, { method: "POST", body: form })).json()) as { access_token: string }).access_token;
  }
  const res = await fetch(`${system.graph.graphUrl}/sites/${siteId}/lists/Cases/items/${id}/fields`, { method: "PATCH", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(fields) });
  if (!res.ok) throw new Error(`PATCH failed ${res.status}: ${await res.text()}`);
}

async function newCase(answers: Record<string, string>): Promise<string> {
  const { caseRef } = (await (await system.post("/api/forms/referral", envelope(answers))).json()) as { caseRef: string };
  await system.until(() => item(caseRef));
  return caseRef;
}

beforeAll(async () => {
  system = await startTestSystem();
  // The app subscribes to its lists at start-up (the handshake comes back to /api/notifications).
  await system.until(() => (system.graph.area<SubscriptionsArea>("subscriptions").dump() as { subscriptions: unknown[] }).subscriptions.length === 5, 30_000);
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
    expect(system.host.output()).toMatch(/wrong clientState \(subscription x\)/);
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
    expect(decisions[0]!.fields).toMatchObject({ Outcome: "Programme Management (part-time)", DecidedBy: "chair@oakfieldacade.example", Source: "SharePoint" });
    const finance = String(system.items("Schools").find((s) => s.fields.Urn === "120345")!.fields.FinanceEmail);
    await system.until(() => system.mail.inbox(finance).find((m) => m.subject === `${ref}: purchase order needed`));
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
