import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestAzurite, type TestAzurite } from "../../support/azurite";
import { caseNumberAllocator, dailyCounts, openCaseIndex, submissionStore, tableStore, type OpenCaseIndex, type SubmissionStore } from "../../../src/m365/tables";
import { receiveReferral, STALE_PENDING_CLAIM_MS, type IntakePorts } from "../../../src/workflows/intake/receiveReferral";
import { referralRules } from "../../../src/workflows/intake/referralRules";
import { referralFormDefinition } from "../../../src/domain/referral/formDefinition";
import type { ReferralForm } from "../../../src/domain/referral/referralForm";
import type { FormsSubmission } from "../../../src/workflows/intake/formsSubmission";
import { namedReferral, partnerUrns } from "../../fixtures/referralAnswers";
import { readFileSync } from "node:fs";
import { upnCheckLetter } from "../../../src/domain/referral/upn";
import { join } from "node:path";

/**
 * Referrals are never lost to a failure part-way through acceptance: the intake over the app's real tables (Azurite),
 * with one step made to fail as Table storage or a dying worker would.
 */
let azurite: TestAzurite;
let n = 0;

beforeAll(async () => {
  azurite = await startTestAzurite();
}, 60_000);
afterAll(async () => azurite?.stop());

function intake(clock: { now: Date }, faults: { accept?: number; allocate?: number; confirm?: number } = {}, quota?: { perResponder: number; perSchool: number }) {
  const t = (name: string) => tableStore(azurite.connectionString, `${name}${++n}`);
  const submissions = submissionStore(t("Submissions"));
  const openCases = openCaseIndex(t("OpenCases"), "test-hash-key-0001");
  const numbers = caseNumberAllocator(t("CaseNumbers"));
  const queued: string[] = [];
  const failing = (count: number | undefined) => {
    let left = count ?? 0;
    return () => {
      if (left > 0) {
        left--;
        throw new Error("Table storage is unavailable");
      }
    };
  };
  const acceptFault = failing(faults.accept);
  const allocateFault = failing(faults.allocate);
  const confirmFault = failing(faults.confirm);
  const ports: IntakePorts<ReferralForm> = {
    rules: referralRules(referralFormDefinition(), partnerUrns, new Date("2026-11-23T09:00:00Z")),
    submissions: { ...submissions, accept: async (s) => (acceptFault(), submissions.accept(s)) } satisfies SubmissionStore,
    openCases: { ...openCases, confirm: async (...a) => (confirmFault(), openCases.confirm(...a)) } satisfies OpenCaseIndex,
    caseNumbers: { allocate: async (...a) => (allocateFault(), numbers.allocate(...a)) },
    enqueue: async (m) => void queued.push(m.responseId),
    partnership: "LNCIP",
    now: () => clock.now,
    sleep: async () => undefined,
    quota: quota && { counts: dailyCounts(t("DailyCounts")), ...quota },
  };
  return { ports, submissions, openCases, queued };
}

const envelope = (responseId: string): FormsSubmission => ({ responseId, submittedAt: "2026-11-23T09:00:00Z", responder: "s.oconnor@oakfield.example", answers: namedReferral });

describe("a referral accepted after a failure part-way", () => {
  it("opens the pupil's case on the retry after a failure between the pupil's claim and storing the submission, never 'linked' to a case never written", async () => {
    const clock = { now: new Date("2026-11-23T09:00:00Z") };
    const { ports, submissions } = intake(clock, { accept: 1 });
    await expect(receiveReferral(ports, envelope("r1"))).rejects.toThrow("Table storage is unavailable");
    const retry = await receiveReferral(ports, envelope("r1"));
    expect(retry).toEqual({ status: 202, caseRef: "LNCIP-2026-0001", linkedTo: undefined });
    expect(await submissions.get("r1")).toMatchObject({ caseRef: "LNCIP-2026-0001", linkedTo: undefined, state: "accepted" });
    // A later submission for the same pupil joins that case.
    expect(await receiveReferral(ports, envelope("r2"))).toEqual({ status: 202, caseRef: "LNCIP-2026-0001", linkedTo: "LNCIP-2026-0001" });
  });

  it("confirms the pupil's claim on the retry after a failure between storing the submission and confirming it", async () => {
    const clock = { now: new Date("2026-11-23T09:00:00Z") };
    const { ports, openCases } = intake(clock, { confirm: 1 });
    await expect(receiveReferral(ports, envelope("r1"))).rejects.toThrow("Table storage is unavailable");
    expect(await receiveReferral(ports, envelope("r1"))).toEqual({ status: 200, caseRef: "LNCIP-2026-0001", linkedTo: undefined });
    expect(await openCases.find(namedReferral["pupil.upn"]!)).toBe("LNCIP-2026-0001");
  });

  it("links another submission for the pupil to a case stored but not yet confirmed, rather than answer 503", async () => {
    const clock = { now: new Date("2026-11-23T09:00:00Z") };
    const { ports } = intake(clock, { confirm: 1 });
    await expect(receiveReferral(ports, envelope("r1"))).rejects.toThrow();
    expect(await receiveReferral(ports, envelope("r2"))).toMatchObject({ status: 202, linkedTo: "LNCIP-2026-0001" });
  });

  it("takes over a claim left pending by a flow that gave up, once no invocation can still be holding it, instead of answering 503 for ever", async () => {
    const clock = { now: new Date("2026-11-23T09:00:00Z") };
    const { ports, submissions } = intake(clock, { allocate: 1 });
    await expect(receiveReferral(ports, envelope("r1"))).rejects.toThrow(); // its flow gives up here
    clock.now = new Date(clock.now.getTime() + 60_000);
    expect(await receiveReferral(ports, envelope("r2"))).toEqual({ status: 503, retryAfterSeconds: 5 }); // r1 may still be alive
    clock.now = new Date(clock.now.getTime() + STALE_PENDING_CLAIM_MS);
    const r2 = await receiveReferral(ports, envelope("r2"));
    expect(r2).toMatchObject({ status: 202, linkedTo: undefined });
    // If r1's flow does come back after all, it joins r2's case: one open case per pupil.
    expect(await receiveReferral(ports, envelope("r1"))).toMatchObject({ status: 202, caseRef: r2.status === 202 ? r2.caseRef : "", linkedTo: r2.status === 202 ? r2.caseRef : "" });
    expect((await submissions.pending()).map((s) => s.responseId).sort()).toEqual(["r1", "r2"]);
  });

  it("opens a new case for a pupil whose case has just ended, before the close's effects freed them, naming it as their last", async () => {
    const clock = { now: new Date("2026-11-23T09:00:00Z") };
    const { ports, openCases } = intake(clock);
    const ended = new Set<string>();
    const withEnded: IntakePorts<ReferralForm> = { ...ports, caseHasEnded: async (caseRef) => ended.has(caseRef) };
    expect(await receiveReferral(withEnded, envelope("first"))).toMatchObject({ status: 202, caseRef: "LNCIP-2026-0001" });
    // Still open: a new submission joins it.
    expect(await receiveReferral(withEnded, envelope("later"))).toMatchObject({ status: 202, linkedTo: "LNCIP-2026-0001" });
    // Closed (its workflow status written), the pupil not yet freed by the close's effects: a new referral is a new case.
    ended.add("LNCIP-2026-0001");
    expect(await receiveReferral(withEnded, envelope("again"))).toEqual({ status: 202, caseRef: "LNCIP-2026-0002", linkedTo: undefined });
    expect(await openCases.find(namedReferral["pupil.upn"]!)).toBe("LNCIP-2026-0002");
    expect(await openCases.lastEnded(namedReferral["pupil.upn"]!)).toBe("LNCIP-2026-0001");
  });

  it("waits out a claim no older than the function timeout in host.json", () => {
    const host = JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "host.json"), "utf8")) as { functionTimeout: string };
    const [h, m, s] = host.functionTimeout.split(":").map(Number) as [number, number, number];
    expect(STALE_PENDING_CLAIM_MS).toBeGreaterThan(((h * 60 + m) * 60 + s) * 1000);
  });
});

describe("the intake's daily quotas", () => {
  const from = (responseId: string, responder: string, upnSerial: number) => {
    const digits = `8012001${String(upnSerial).padStart(5, "0")}`;
    return { ...envelope(responseId), responder, answers: { ...namedReferral, "pupil.upn": upnCheckLetter(digits) + digits } };
  };

  it("refuses a responder's new submissions over the day's limit (429 until UK midnight, with why), never a repeat, and starts afresh the next day", async () => {
    const clock = { now: new Date("2026-11-23T09:00:00Z") };
    const { ports, submissions } = intake(clock, {}, { perResponder: 2, perSchool: 10 });
    expect((await receiveReferral(ports, from("q1", "flood@oakfield.example", 1))).status).toBe(202);
    expect((await receiveReferral(ports, from("q2", "flood@oakfield.example", 2))).status).toBe(202);
    const third = await receiveReferral(ports, from("q3", "flood@oakfield.example", 3));
    expect(third).toMatchObject({ status: 429, retryAfterSeconds: 15 * 3600, message: expect.stringMatching(/sent 2 referral forms today/) });
    expect(await submissions.get("q3")).toBeUndefined();
    expect((await receiveReferral(ports, from("q2", "flood@oakfield.example", 2))).status).toBe(200); // a repeat is never refused
    expect((await receiveReferral(ports, from("q4", "colleague@oakfield.example", 4))).status).toBe(202); // another person is untouched
    clock.now = new Date("2026-11-24T00:00:01Z");
    expect((await receiveReferral(ports, from("q3", "flood@oakfield.example", 3))).status).toBe(202);
  });

  it("refuses new submissions for a school over the day's limit, whoever sends them", async () => {
    const clock = { now: new Date("2026-07-01T09:00:00Z") };
    const { ports } = intake(clock, {}, { perResponder: 10, perSchool: 2 });
    expect((await receiveReferral(ports, from("s1", "a@oakfield.example", 11))).status).toBe(202);
    expect((await receiveReferral(ports, from("s2", "b@oakfield.example", 12))).status).toBe(202);
    const third = await receiveReferral(ports, from("s3", "c@oakfield.example", 13));
    // BST: UK midnight is 23:00 UTC.
    expect(third).toMatchObject({ status: 429, retryAfterSeconds: 14 * 3600, message: expect.stringMatching(/for this school today/) });
  });
});
