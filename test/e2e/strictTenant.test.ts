import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "../support/system";
import { anonymousInclusionForum, namedReferral } from "../fixtures/referralAnswers";
import { upnCheckLetter } from "../../src/domain/referral/upn";
import { submitThroughReferralInbox } from "../../sandbox/demo/referralInboxFlow";
import { demoSite } from "../../sandbox/demo/demoTenant";
import type { SitesArea } from "../../sandbox/graph/areas/sites";
import type { SubscriptionsArea } from "../../sandbox/graph/areas/subscriptions";

/**
 * The whole system (the app in the local Functions host, Azurite, the Graph sandbox) against a strict tenant: no list
 * subscriptions, no Sent Items, no Teams licence on the partnership mailbox. Referrals come by the standard route (the
 * flow's item in the Referral inbox list), coordinators' edits are found by polling, and the deep health check says so.
 */
let system: TestSystem;
const coordinator = "coordinator@lncip.example";
const upn = (i: number) => {
  const d = `8012007${String(i).padStart(5, "0")}`;
  return upnCheckLetter(d) + d;
};
const response = (responseId: string, answers: Record<string, string>, responder = "s.oconnor@oakfield.example") => ({ responseId, submittedAt: "2026-11-23T09:12:00Z", responder, answers });
const caseOf = (responseId: string) => system.items("Cases").find((c) => c.fields.ResponseId === responseId);
const sites = () => system.graph.area<SitesArea>("sites");
const siteId = () => sites().siteIdByPath(demoSite.hostname, demoSite.path);

/** The polling timer, now (it also fires every minute on its own): as the portal's "Test/Run" runs a timer. */
async function poll(): Promise<void> {
  const res = await fetch(`${system.appUrl}/admin/functions/listPolling`, { method: "POST", headers: { "content-type": "application/json", "x-functions-key": "local-master-key" }, body: "{}" });
  expect(res.status).toBeLessThan(300);
}

async function deepHealth(): Promise<{ status: number; body: { status: string; degraded: { part: string; detail: string }[] } }> {
  const res = await fetch(`${system.appUrl}/api/health/deep`, { headers: { "x-functions-key": system.functionKey } });
  return { status: res.status, body: (await res.json()) as { status: string; degraded: { part: string; detail: string }[] } };
}

beforeAll(async () => {
  system = await startTestSystem({}, { tenant: "strict" });
  // At start-up the upkeep tries to subscribe to every list, is refused, and falls back to polling.
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
    if ((await deepHealth()).body.degraded?.some((d) => d.part === "listSubscriptions")) break;
  }
}, 90_000);
afterAll(async () => system?.stop());

describe("a strict tenant, end to end", () => {
  it("makes no subscription, says so in the deep health check (200, degraded), and tells the Coordinator once", async () => {
    expect((system.graph.area<SubscriptionsArea>("subscriptions").dump() as { subscriptions: unknown[] }).subscriptions).toEqual([]);
    const health = await deepHealth();
    expect(health.status).toBe(200);
    expect(health.body.status).toBe("degraded");
    expect(health.body.degraded.find((d) => d.part === "listSubscriptions")?.detail).toBe("Graph refused change notifications (403 ExtensionError) on Attendance, Cases, Placements, ReferralInbox, Reviews, Schools: their changes are found by polling every minute");
    await fetch(`${system.appUrl}/admin/functions/subscriptionUpkeep`, { method: "POST", headers: { "x-functions-key": "local-master-key" }, body: "{}" });
    await system.until(() => system.mail.inbox(coordinator).some((m) => m.subject.startsWith("Inclusion Flow: changes in SharePoint")));
    await new Promise((r) => setTimeout(r, 500));
    expect(system.mail.inbox(coordinator).filter((m) => m.subject === "Inclusion Flow: changes in SharePoint are picked up every minute, not at once")).toHaveLength(1);
  });

  it("turns a referral the flow left in the Referral inbox into a case, acknowledges the referrer, and removes the item", async () => {
    const itemId = submitThroughReferralInbox(system.graph, response("strict-e2e-1", { ...namedReferral, "pupil.upn": upn(1) }));
    await poll();
    const item = await system.until(() => caseOf("strict-e2e-1"));
    const caseRef = String(item.fields.Title);
    expect(item.fields).toMatchObject({ Status: "Received", Upn: upn(1), SchoolUrn: "120345" });
    await system.until(() => system.mail.inbox("s.oconnor@oakfield.example").find((m) => m.subject === `Partnership referral received: ${caseRef}`));
    await system.until(() => !system.items("ReferralInbox").some((i) => i.id === itemId));
  });

  it("answers a refused referral by email to the responder, naming each question, and writes no case", async () => {
    const before = system.items("Cases").length;
    submitThroughReferralInbox(system.graph, response("strict-e2e-bad", { ...namedReferral, "pupil.upn": upn(2), parentalConsent: "No" }, "t.hughes@brookside.example"));
    await poll();
    const refusal = await system.until(() => system.mail.inbox("t.hughes@brookside.example").find((m) => /could not be accepted$/.test(m.subject)));
    expect(refusal.body.content).toMatch(/<li><b>[^<]+<\/b>: /);
    for (const secret of ["Zoë", "D'Arcy", upn(2), "hates"]) expect(`${refusal.subject} ${refusal.body.content}`).not.toContain(secret);
    expect(system.items("Cases").length).toBe(before);
    // The item is marked after the email goes (told first, then marked): wait for it rather than race it.
    await system.until(() => system.items("ReferralInbox").find((i) => i.fields.Title === "strict-e2e-bad" && i.fields.InboxStatus === "Refused"));
  });

  it("handles a coordinator's edit by polling, with subscriptions refused", async () => {
    submitThroughReferralInbox(system.graph, response("strict-e2e-2", { ...anonymousInclusionForum }, "t.hughes@brookside.example"));
    await poll();
    const item = await system.until(() => caseOf("strict-e2e-2"));
    sites().patchAsPerson(siteId(), "Cases", item.id, { Status: "Withdrawn", ReopenReason: "The school asked to withdraw" }, coordinator);
    await poll();
    const moved = await system.until(() => caseOf("strict-e2e-2")?.fields.WorkflowVersion === 1 && caseOf("strict-e2e-2"));
    expect(moved.fields).toMatchObject({ Status: "Withdrawn", WorkflowStatus: "Withdrawn" });
  });

  it("still takes a referral by the HTTP route (Premium), the same way", async () => {
    const res = await system.post("/api/forms/referral", response("strict-e2e-http", { ...namedReferral, "pupil.upn": upn(3) }));
    expect(res.status).toBe(202);
    const { caseRef } = (await res.json()) as { caseRef: string };
    await system.until(() => system.items("Cases").find((c) => c.fields.Title === caseRef));
  });

  it("keeps pupils' details out of the host's logs", async () => {
    const log = system.host.output();
    for (const secret of ["Zoë", "D'Arcy", "2012-03-14", upn(1), upn(2)]) expect(log).not.toContain(secret);
  });
});
