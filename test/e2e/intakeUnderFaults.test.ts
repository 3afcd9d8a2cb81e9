import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "../support/system";
import { anonymousInclusionForum, namedReferral } from "../fixtures/referralAnswers";
import { upnCheckLetter } from "../../src/domain/referral/upn";
import type { SitesArea } from "../../sandbox/graph/areas/sites";
import type { SubscriptionsArea } from "../../sandbox/graph/areas/subscriptions";
import { TableClient } from "@azure/data-tables";
import { demoForumCase } from "../../sandbox/demo/demoTenant";

/**
 * 200 submissions and 500 coordinator edits while the sandbox throttles (429 and 503 with Retry-After),
 * duplicates and drops change notifications and expires a delta token: every case must be present once and
 * every transition applied once.
 */
const SUBMISSIONS = 200;
let system: TestSystem;
let token = "";

const upn = (i: number) => { const d = `8012002${String(i).padStart(5, "0")}`; return upnCheckLetter(d) + d; };
// The Cases written here (beside the demo tenant's one case from before the app, which the named referrals name).
const cases = () => system.items("Cases").filter((c) => c.fields.Title !== demoForumCase.CaseRef);
const byRef = (ref: string) => cases().find((c) => c.fields.Title === ref);

async function coordinatorEdit(ref: string, fields: Record<string, unknown>): Promise<void> {
  const sites = system.graph.area<SitesArea>("sites");
  const siteId = sites.siteIdByPath("contoso.sharepoint.com", "lncip");
  if (!token) {
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: "3b9d8f5e-7c21-4e0a-8f3b-000000000002", client_secret: "sandbox-secret-not-for-production", scope: "https://graph.microsoft.com/.default" });
    token = ((await (await fetch(`${system.graph.url}/6f1c2b0e-5a4d-4c55-9a57-000000000001/oauth2/v2.0/token`, { method: "POST", body: form })).json()) as { access_token: string }).access_token;
  }
  // A coordinator's edit goes through the SharePoint UI, not the app's Graph client: it is never throttled here.
  sites.patchAsPerson(siteId, "Cases", byRef(ref)!.id, fields);
}

async function inParallel<T>(items: readonly T[], width: number, work: (t: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i] as T, i);
    }
  }));
}

beforeAll(async () => {
  // One school's SENCO sends all 200: far over the daily quotas, which this test is not about (test/e2e/intake.test.ts is).
  system = await startTestSystem({ INTAKE_DAILY_LIMIT_PER_RESPONDER: "1000", INTAKE_DAILY_LIMIT_PER_SCHOOL: "1000" });
  await system.until(() => (system.graph.area<SubscriptionsArea>("subscriptions").dump() as { subscriptions: unknown[] }).subscriptions.length === 6, 30_000); // Cases, Placements, Reviews, Attendance, ReferralInbox, Schools
  // Exchange's 30-a-minute limit would pace 400 emails over 13 minutes: pacing is tested with the attendance
  // digests; here the mailbox may send freely so the test is about intake and edits.
  system.mail.limitPerMinute = 0;
  // Storms on every Graph route the app calls; the client's retry middleware and the queues must ride them out.
  system.graph.faults.add({ route: "/^(GET|POST|PATCH) \\/sites\\//", kind: "429", rate: 0.08, retryAfterSeconds: 0 });
  system.graph.faults.add({ route: "/^(GET|POST|PATCH) \\/sites\\//", kind: "503", rate: 0.04, retryAfterSeconds: 0 });
  system.graph.faults.add({ route: "POST /users/", kind: "429", rate: 0.05, retryAfterSeconds: 0 });
  system.graph.faults.add({ kind: "duplicateNotification", rate: 0.2 });
  system.graph.faults.add({ kind: "lostNotification", rate: 0.05 });
  system.graph.faults.add({ kind: "expiredDelta", count: 1 });
}, 90_000);
afterAll(async () => system?.stop());

describe("intake and coordinator edits under Graph faults", () => {
  const refs: string[] = [];

  it(`accepts ${SUBMISSIONS} submissions (some sent twice) and writes each case exactly once`, async () => {
    const envelopes = Array.from({ length: SUBMISSIONS }, (_, i) => ({
      responseId: `load-${i}`,
      submittedAt: "2026-11-23T09:12:00Z",
      responder: "s.oconnor@oakfield.example",
      answers: i % 2 === 0 ? { ...namedReferral, "pupil.upn": upn(i) } : { ...anonymousInclusionForum },
    }));
    await inParallel(envelopes, 10, async (e, i) => {
      // A referral naming its Inclusion Forum case reads the Cases list to check it: a 5xx from a Graph storm is
      // answered 500, which the flow's retry policy sends again (as it does a 503).
      let res = await system.post("/api/forms/referral", e);
      for (let attempt = 0; attempt < 5 && res.status >= 500; attempt++) res = await system.post("/api/forms/referral", e);
      expect([200, 202]).toContain(res.status);
      refs[i] = ((await res.json()) as { caseRef: string }).caseRef;
      if (i % 10 === 0) {
        let again = await system.post("/api/forms/referral", e);
        for (let attempt = 0; attempt < 5 && again.status >= 500; attempt++) again = await system.post("/api/forms/referral", e);
        expect(again.status).toBe(200);
      }
    });
    expect(new Set(refs).size).toBe(SUBMISSIONS);
    await system.until(() => cases().length >= SUBMISSIONS, 120_000).catch((e) => {
      const out = system.host.output().split("\n");
      console.log("CASES", cases().length, "\n", out.filter((l) => /error|fail|warn/i.test(l)).slice(-15).join("\n"));
      throw e;
    });
    await new Promise((r) => setTimeout(r, 2000));
    const titles = cases().map((c) => String(c.fields.Title));
    expect(titles.length).toBe(SUBMISSIONS);
    expect(new Set(titles).size).toBe(SUBMISSIONS);
    // Case numbers have no gaps.
    expect(titles.map((t) => Number(t.slice(-4))).sort((a, b) => a - b)).toEqual(Array.from({ length: SUBMISSIONS }, (_, i) => i + 1));
  }, 180_000);

  it("applies 500 coordinator edits, each transition exactly once, with exactly one audit entry each", async () => {
    // Referrals: triage → ready for Core Group → withdrawn (3 edits); Inclusion Forum cases: awaiting IF → withdrawn (2 edits).
    const plans = refs.map((ref, i) =>
      i % 2 === 0
        ? { ref, edits: [{ Status: "In triage" }, { Status: "Ready for Core Group" }, { Status: "Withdrawn", ReopenReason: "School withdrew" }] }
        : { ref, edits: [{ Status: "Awaiting Inclusion Forum" }, { Status: "Withdrawn", ReopenReason: "School withdrew" }] },
    );
    expect(plans.reduce((n, p) => n + p.edits.length, 0)).toBe(500);
    // The upkeep timer (every 15 minutes in production) runs a delta round on each list: the backstop for
    // notifications Graph never delivered. Here time is compressed: it runs every 3 seconds.
    const backstop = setInterval(() => void fetch(`${system.appUrl}/admin/functions/subscriptionUpkeep`, { method: "POST", headers: { "x-functions-key": "local-master-key" }, body: "{}" }), 3000);
    try {
      await inParallel(plans, 20, async (plan) => {
        for (const [k, edit] of plan.edits.entries()) {
          await coordinatorEdit(plan.ref, edit);
          await system.until(() => byRef(plan.ref)?.fields.WorkflowVersion === k + 1, 90_000).catch((e) => {
            console.log("STUCK", plan.ref, JSON.stringify({ Status: byRef(plan.ref)?.fields.Status, v: byRef(plan.ref)?.fields.WorkflowVersion }), system.host.output().split("\n").filter((l) => l.includes(plan.ref) || l.includes(`item ${byRef(plan.ref)?.id}:`) || /cannot be read|Refused|listChanges\) Message/i.test(l)).slice(-14).join("\n"));
            throw e;
          });
        }
      });
      for (const plan of plans) expect(byRef(plan.ref)?.fields).toMatchObject({ Status: "Withdrawn", WorkflowVersion: plan.edits.length });
      // Effects of a round that failed after its write are carried out by the backstop: wait for them, then count.
      const audit = TableClient.fromConnectionString(system.azurite.connectionString, "Audit", { allowInsecureConnection: true });
      const countTransitions = async () => {
        const transitions = new Map<string, number>();
        for await (const e of audit.listEntities<{ caseRef: string; action: string }>()) {
          if (e.action !== "receiveReferral") transitions.set(e.caseRef, (transitions.get(e.caseRef) ?? 0) + 1);
        }
        return transitions;
      };
      let transitions = await countTransitions();
      for (let i = 0; i < 30 && plans.some((p) => transitions.get(p.ref) !== p.edits.length); i++) {
        await new Promise((r) => setTimeout(r, 1000));
        transitions = await countTransitions();
      }
      for (const plan of plans) expect(transitions.get(plan.ref), plan.ref).toBe(plan.edits.length);
    } finally {
      clearInterval(backstop);
    }
    const triageNotices = system.mail.inbox("senco@lncip.example").filter((m) => m.subject.includes(": ready for triage"));
    expect(triageNotices.length).toBe(SUBMISSIONS / 2);
    expect(system.graph.requests.filter((r) => r.status === 429 || r.status === 503).length).toBeGreaterThan(20);
  }, 400_000);
});
