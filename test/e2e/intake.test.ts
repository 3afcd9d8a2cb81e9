import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "../support/system";
import { anonymousInclusionForum, badSubmissions, branchingInSchoolSupportReferral, branchingInclusionForum, namedReferral, validUpn } from "../fixtures/referralAnswers";
import { upnCheckLetter } from "../../src/domain/referral/upn";

let system: TestSystem;
let n = 0;
const envelope = (answers: Record<string, string>, responseId = `resp-${++n}`) => ({ responseId, submittedAt: "2026-11-23T09:12:00Z", responder: "s.oconnor@oakfield.example", answers });
const casesNamed = (ref: string) => system.items("Cases").filter((i) => i.fields.Title === ref);

beforeAll(async () => {
  system = await startTestSystem();
}, 90_000);
afterAll(async () => system?.stop());

describe("POST /api/forms/referral", () => {
  it("turns a named referral into one case, acknowledges the referrer and tells the SENCO", async () => {
    const res = await system.post("/api/forms/referral", envelope(namedReferral, "named-1"));
    expect(res.status).toBe(202);
    const { caseRef } = (await res.json()) as { caseRef: string };
    expect(caseRef).toMatch(/^LNCIP-2026-\d{4}$/);
    const [item] = await system.until(() => casesNamed(caseRef).length > 0 && casesNamed(caseRef));
    expect(item!.fields).toMatchObject({ Status: "Received", RequestType: "Partnership referral", SchoolUrn: "120345", Upn: validUpn, PupilFirstName: "Zoë", KeyStage: "KS3", YearGroup: 9, FundingSources: ["AWPU", "Pupil premium"] });
    expect(item!.fields.Concerns).toBe(namedReferral.concerns);
    const ack = await system.until(() => system.mail.inbox("s.oconnor@oakfield.example").find((m) => m.subject.includes(caseRef)));
    expect(ack.subject).toBe(`Partnership referral received: ${caseRef}`);
    const senco = await system.until(() => system.mail.inbox("senco@lncip.example").find((m) => m.subject.includes(caseRef)));
    expect(senco.subject).toBe(`New partnership referral: ${caseRef} (Oakfield Academy, Year 9)`);
    for (const m of [ack, senco]) for (const secret of ["Zoë", "D'Arcy", "2012-03-14", validUpn]) expect(JSON.stringify(m)).not.toContain(secret);
    // Graph calls for one referral, from the sandbox's request log: one item created, two emails sent.
    const calls = system.graph.requests.filter((r) => r.method === "POST");
    expect(calls.filter((r) => /\/lists\/[^/]+\/items$/.test(r.path))).toHaveLength(1);
    expect(calls.filter((r) => r.path.endsWith("/sendMail"))).toHaveLength(2);

  });

  it("gives the same responseId the same case reference (200) and never a second case", async () => {
    const first = (await (await system.post("/api/forms/referral", envelope(anonymousInclusionForum, "repeat-1"))).json()) as { caseRef: string };
    const again = await system.post("/api/forms/referral", envelope(anonymousInclusionForum, "repeat-1"));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ caseRef: first.caseRef });
    await system.until(() => casesNamed(first.caseRef).length > 0);
    await new Promise((r) => setTimeout(r, 1000));
    expect(casesNamed(first.caseRef)).toHaveLength(1);
    expect(system.mail.inbox("t.hughes@brookside.example").filter((m) => m.subject.includes(first.caseRef))).toHaveLength(1);
  });

  it("stores an anonymous Inclusion Forum case with no identity at all", async () => {
    const { caseRef } = (await (await system.post("/api/forms/referral", envelope(anonymousInclusionForum))).json()) as { caseRef: string };
    const [item] = await system.until(() => casesNamed(caseRef).length > 0 && casesNamed(caseRef));
    expect(item!.fields).toMatchObject({ Named: false, RequestType: "Inclusion Forum discussion" });
    for (const column of ["PupilFirstName", "PupilLastName", "PupilDateOfBirth", "Upn"]) expect(item!.fields[column]).toBeUndefined();
  });

  it("links a second submission for a pupil with an open case instead of opening another", async () => {
    // The first test already opened a case for this pupil (same UPN).
    const second = await system.post("/api/forms/referral", envelope({ ...namedReferral, concerns: "Further incidents this week." }, "pupil-2"));
    const body = (await second.json()) as { caseRef: string; linkedTo?: string };
    expect(body.linkedTo).toBeDefined();
    expect(body.caseRef).toBe(body.linkedTo);
    const linked = await system.until(() => system.items("Cases").find((i) => i.fields.Title === body.caseRef && String(i.fields.LinkedSubmissions ?? "").includes("pupil-2")));
    expect(linked).toBeDefined();
    const named = system.items("Cases").filter((i) => i.fields.Upn === validUpn && i.fields.Status !== "Closed");
    expect(named).toHaveLength(1);
  });

  it("accepts an Inclusion Forum discussion from a form that branches (no support, PO, risk assessment or DSL) and keeps what it asks of the forum", async () => {
    const res = await system.post("/api/forms/referral", envelope(branchingInclusionForum, "branching-if-1"));
    expect(res.status).toBe(202);
    const { caseRef } = (await res.json()) as { caseRef: string };
    const [item] = await system.until(() => casesNamed(caseRef).length > 0 && casesNamed(caseRef));
    expect(item!.fields).toMatchObject({ Status: "Received", RequestType: "Inclusion Forum discussion", Named: false, ForumRequest: ["Advice on what to do next", "Whether to make a Partnership referral"] });
    for (const column of ["PurchaseOrderNumber", "RiskAssessmentCompleted", "DslName", "SupportRequested", "Upn"]) expect(item!.fields[column], column).toBeUndefined();
  });

  it("accepts a referral for in-school support with no PO, and gives a Programme Management PO its period to 31 August", async () => {
    const digits = "801200100077";
    const inSchool = await system.post("/api/forms/referral", envelope({ ...branchingInSchoolSupportReferral, "pupil.upn": upnCheckLetter(digits) + digits }, "branching-support-1"));
    expect(inSchool.status).toBe(202);
    const { caseRef } = (await inSchool.json()) as { caseRef: string };
    const [item] = await system.until(() => casesNamed(caseRef).length > 0 && casesNamed(caseRef));
    expect(item!.fields).toMatchObject({ SupportRequested: "Partnership in-school support", DslName: "Ms Patel" });
    expect(item!.fields.PurchaseOrderNumber).toBeUndefined();
    // The first test's referral (Programme Management, no period given): from its day to the end of the academic year.
    const first = system.items("Cases").find((i) => i.fields.ResponseId === "named-1")!;
    const day = String(first.fields.ReceivedAt).slice(0, 10);
    expect(String(first.fields.PoValidFrom).slice(0, 10)).toBe(day);
    expect(String(first.fields.PoValidTo).slice(0, 10)).toBe(`${Number(day.slice(0, 4)) + (day.slice(5) >= "09-01" ? 1 : 0)}-08-31`);
    expect(first.fields.PoValue).toBe(19000); // what the reports count the PO's use against
  });

  it("accepts a Partnership referral with no Inclusion Forum case as a case awaiting the Director's exception, never a 422", async () => {
    const digits = "801200100078";
    const { previousInclusionForumCase: _none, ...answers } = namedReferral;
    const res = await system.post("/api/forms/referral", envelope({ ...answers, "pupil.upn": upnCheckLetter(digits) + digits }, "no-forum-1"));
    expect(res.status).toBe(202);
    const { caseRef } = (await res.json()) as { caseRef: string };
    const [item] = await system.until(() => casesNamed(caseRef).length > 0 && casesNamed(caseRef));
    expect(item!.fields).toMatchObject({ Status: "Awaiting Director's exception", WorkflowStatus: "Awaiting Director's exception", RequestType: "Partnership referral" });
    expect(item!.fields.PreviousIfCase).toBeUndefined();
  });

  it.each(badSubmissions)("answers 422 for a %s, naming the question, and writes nothing", async (_what, answers, question) => {
    // Let earlier tests' background work (emails, linked submissions) finish before taking the baseline.
    for (let last = -1; last !== system.graph.requests.length; ) {
      last = system.graph.requests.length;
      await new Promise((r) => setTimeout(r, 300));
    }
    const before = system.items("Cases").length;
    const writesBefore = system.graph.requests.filter((r) => r.method !== "GET").length;
    const res = await system.post("/api/forms/referral", envelope(answers));
    expect(res.status).toBe(422);
    const { problems } = (await res.json()) as { problems: { question: string; message: string }[] };
    expect(problems.map((p) => p.question)).toContain(question);
    await new Promise((r) => setTimeout(r, 150));
    expect(system.items("Cases").length).toBe(before);
    // The request log shows no write to SharePoint and no email for a refused submission.
    expect(system.graph.requests.filter((r) => r.method !== "GET").length).toBe(writesBefore);
  });

  it.each([
    ["not JSON", "{not json"],
    ["the wrong shape", JSON.stringify({ responseId: "x", answers: [] })],
  ])("answers 400 for a body that is %s", async (_what, body) => {
    expect((await system.post("/api/forms/referral", body)).status).toBe(400);
  });

  // Bounded input (secedges): a body over 256 KB is refused as 413 Payload Too Large before it is read or parsed.
  it("answers 413 for a body that is too large, and stores nothing", async () => {
    const before = system.items("Cases").length;
    const res = await system.post("/api/forms/referral", JSON.stringify(envelope({ ...namedReferral, concerns: "x".repeat(300 * 1024) })));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toMatch(/^The request is larger than 256 KB/);
    await new Promise((r) => setTimeout(r, 300));
    expect(system.items("Cases").length).toBe(before);
  });

  it("refuses a request without the function key", async () => {
    expect((await system.post("/api/forms/referral", envelope(namedReferral), { "x-functions-key": "" })).status).toBe(401);
  });

  it("keeps pupils' details out of every email subject, and free text out of every email", async () => {
    const all = system.mail.mailboxes().flatMap((b) => [...system.mail.inbox(b.address), ...system.mail.sentItems(b.address)]);
    expect(all.length).toBeGreaterThan(5);
    for (const m of all) {
      for (const secret of ["Zoë", "D'Arcy", "Ångström", "2012-03-14", validUpn]) expect(m.subject).not.toContain(secret);
      // What a school wrote is never copied into an email, so it can never be rendered there as markup or template.
      expect(m.body.content).not.toContain("<b>hates</b>");
      expect(m.body.content).not.toContain("${process.env");
      expect(m.body.content).not.toContain("Refuses lessons");
    }
  });

  it("keeps pupils' details out of the host's logs and the queue messages", async () => {
    const log = system.host.output();
    for (const secret of ["Zoë", "D'Arcy", "2012-03-14", validUpn]) expect(log).not.toContain(secret);
    const { QueueServiceClient } = await import("@azure/storage-queue");
    const svc = QueueServiceClient.fromConnectionString(system.azurite.connectionString);
    for await (const q of svc.listQueues()) {
      const peek = await svc.getQueueClient(q.name).peekMessages({ numberOfMessages: 32 });
      for (const m of peek.peekedMessageItems) for (const secret of ["Zoë", validUpn]) expect(m.messageText).not.toContain(secret);
    }
  });
});

describe("when the partnership mailbox is throttled", () => {
  it("writes the case at once, and sends the emails from the queue once the mailbox's Retry-After has passed, neither waiting in the invocation nor left to the sweep", async () => {
    system.graph.faults.add({ route: "POST /users/", kind: "429", count: 1, retryAfterSeconds: 3 });
    const res = await system.post("/api/forms/referral", envelope({ ...anonymousInclusionForum, "referrer.email": "deferred@brookside.example" }, "throttled-1"));
    const { caseRef } = (await res.json()) as { caseRef: string };
    await system.until(() => casesNamed(caseRef).length === 1);
    await system.until(() => system.host.output().includes("Response throttled-1: mailDeferred"));
    const deferredAt = Date.now();
    // No sweep: the submission comes back from the case-intake queue after the Retry-After (3 s), sends, and is done.
    await system.until(() => system.mail.inbox("deferred@brookside.example").find((m) => m.subject.includes(caseRef)));
    expect(Date.now() - deferredAt).toBeGreaterThanOrEqual(2_000);
    await system.until(() => system.host.output().includes("Response throttled-1: written"));
    expect(system.mail.inbox("deferred@brookside.example").filter((m) => m.subject.includes(caseRef))).toHaveLength(1);
    expect(casesNamed(caseRef)).toHaveLength(1);
  });
});
