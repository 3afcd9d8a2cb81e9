import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandboxPorts, type SandboxPorts } from "../placements/sandboxPorts";
import { acceptReferral } from "../../../src/workflows/intake/referralRules";
import { writeCase } from "../../../src/workflows/intake/writeCase";
import { anonymousInclusionForum, branchingInclusionForum, namedReferral } from "../../fixtures/referralAnswers";
import { upnCheckLetter } from "../../../src/domain/referral/upn";
import { tableKey, tableStore } from "../../../src/m365/tables";
import { referralReceived } from "../../../src/workflows/messages/schoolMessages";
import { requestTypeLabels } from "../../../src/domain/referral/referralForm";
import { queueClient } from "../../../src/m365/queues/workQueue";
import { CASE_INTAKE_QUEUE } from "../../../src/workflows/intake/intakeMessage";

/**
 * Writing an accepted submission to SharePoint (the case-intake queue's work) over the Graph sandbox: SharePoint's
 * throttling fails the message, so the queue retries it in seconds; the mailbox's limit queues it again for after its
 * Retry-After, with the case written.
 */
let box: SandboxPorts;
beforeAll(async () => {
  box = await startSandboxPorts({ INTAKE_DAILY_LIMIT_PER_SCHOOL: "1000" }); // one school sends 90 forms below
}, 90_000);
afterAll(async () => box?.stop());

const submit = async (responseId: string, referrer: string) => {
  const answer = await acceptReferral(box.app.ports.intake, { responseId, submittedAt: "2026-11-20T09:00:00Z", responder: referrer, answers: { ...anonymousInclusionForum, "referrer.email": referrer } });
  if (answer.status !== 202) throw new Error(JSON.stringify(answer));
  return answer.caseRef;
};
const casesNamed = (ref: string) => box.items("Cases").filter((c) => c.fields.Title === ref);

describe("writeCase under throttling", () => {
  it("fails (so the queue retries at once) when SharePoint throttles beyond the client's retries, never leaving the case to the 10-minute sweep", async () => {
    const ref = await submit("sp-throttled-1", "sp@brookside.example");
    box.graph.faults.add({ route: "POST /sites/", kind: "429", count: 4, retryAfterSeconds: 0 });
    await expect(writeCase(box.app.ports.writeCase, "sp-throttled-1")).rejects.toThrow();
    expect(casesNamed(ref)).toHaveLength(0);
    expect(await writeCase(box.app.ports.writeCase, "sp-throttled-1")).toBe("written");
    expect(casesNamed(ref)).toHaveLength(1);
  });

  it("writes the case and comes back for its emails after the mailbox's Retry-After, without waiting for it in the invocation", async () => {
    // A day before the other tests' clock, so the mailbox's pause is long over when they run.
    box.setClock("2026-11-19T09:00:00Z");
    const ref = await submit("mail-throttled-1", "mail@brookside.example");
    const intakeQueue = queueClient(box.app.settings.AzureWebJobsStorage, CASE_INTAKE_QUEUE);
    await intakeQueue.createIfNotExists();
    const queuedBefore = (await intakeQueue.getProperties()).approximateMessagesCount ?? 0;
    const sends = () => box.graph.requests.filter((r) => /\/sendMail$/.test(r.path)).length;
    const sentBefore = sends();
    box.graph.faults.add({ route: "POST /users/", kind: "429", count: 1, retryAfterSeconds: 30 });

    expect(await writeCase(box.app.ports.writeCase, "mail-throttled-1")).toBe("mailDeferred");
    expect(casesNamed(ref)).toHaveLength(1);
    expect(sends() - sentBefore).toBe(1); // answered 429 once, not waited out three times
    // Queued again, hidden for the Retry-After: a peek (visible messages only) sees only the acceptance's own message.
    expect((await intakeQueue.getProperties()).approximateMessagesCount).toBe(queuedBefore + 1);
    const visible = (await intakeQueue.peekMessages({ numberOfMessages: 32 })).peekedMessageItems.map((m) => m.messageText);
    expect(visible.filter((m) => m === JSON.stringify({ responseId: "mail-throttled-1" }))).toHaveLength(1);

    // Another referral meanwhile: its case is written; its emails are not even tried until the Retry-After has passed.
    const other = await submit("mail-throttled-2", "mail2@brookside.example");
    expect(await writeCase(box.app.ports.writeCase, "mail-throttled-2")).toBe("mailDeferred");
    expect(casesNamed(other)).toHaveLength(1);
    expect(sends() - sentBefore).toBe(1);

    box.setClock("2026-11-19T09:00:31Z");
    expect(await writeCase(box.app.ports.writeCase, "mail-throttled-1")).toBe("written");
    expect(await writeCase(box.app.ports.writeCase, "mail-throttled-2")).toBe("written");
    expect(box.inbox("mail@brookside.example").filter((m) => m.subject.includes(ref))).toHaveLength(1);
    expect(box.inbox("mail2@brookside.example").filter((m) => m.subject.includes(other))).toHaveLength(1);
    expect(casesNamed(ref)).toHaveLength(1);
    box.setClock("2026-11-20T10:00:00Z");
  });

  it("sends the acknowledgement once when a worker died after Graph accepted it and before the ledger said so (Sent Items is asked)", async () => {
    const ref = await submit("crash-1", "crash@brookside.example");
    const subject = referralReceived(requestTypeLabels.inclusionForum, ref, box.app.settings.PARTNERSHIP_NAME).subject;
    // The dead worker: it claimed the acknowledgement, Graph sent it, and the process died before "done".
    const effects = tableStore(box.app.settings.AzureWebJobsStorage, "Effects");
    await effects.ready();
    await effects.client.createEntity({ partitionKey: "mail", rowKey: tableKey(`mail:ack:${ref}`), state: "started", startedAt: new Date(Date.now() - 5 * 60_000).toISOString() });
    await box.app.mailer.send({ to: ["crash@brookside.example"], subject, html: "<p>sent by the worker that died</p>" });
    expect(await writeCase(box.app.ports.writeCase, "crash-1")).toBe("written");
    expect(box.inbox("crash@brookside.example").filter((m) => m.subject === subject)).toHaveLength(1);
  });

  it("keeps any number of later submissions for a case outside its 4,000-character column, which shows the count and the latest few", async () => {
    const digits = "801200777777";
    const pupil = { ...namedReferral, "pupil.upn": upnCheckLetter(digits) + digits };
    const first = await acceptReferral(box.app.ports.intake, { responseId: "linked-0", submittedAt: "2026-11-20T09:00:00Z", responder: "many@oakfield.example", answers: pupil });
    if (first.status !== 202) throw new Error(JSON.stringify(first));
    expect(await writeCase(box.app.ports.writeCase, "linked-0")).toBe("written");
    const later = 90; // about 80 lines used to fill the column and leave the case unreadable
    for (let i = 1; i <= later; i++) {
      const responseId = `linked-${i}-${"r".repeat(30)}`;
      box.setClock(`2026-11-20T10:${String(Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}Z`);
      expect(await acceptReferral(box.app.ports.intake, { responseId, submittedAt: "2026-11-20T09:00:00Z", responder: `r${i}@oakfield.example`, answers: pupil })).toMatchObject({ status: 202, linkedTo: first.caseRef });
      expect(await writeCase(box.app.ports.writeCase, responseId)).toBe("linked");
    }
    const item = await box.app.lists.cases.get(casesNamed(first.caseRef)[0]!.id);
    expect(item).toBeDefined(); // still readable
    const column = item!.row.LinkedSubmissions ?? "";
    expect(column.length).toBeLessThan(4000);
    expect(column).toMatch(new RegExp(`^${later} later submissions \\(the latest 5\\): response linked-${later}-`));
  }, 180_000);

  it("keeps the line of the referral that continued a case first in its column, however many later submissions come after", async () => {
    const digits = "801200777778";
    const identity = { parentalConsent: "Yes", "pupil.firstName": "A", "pupil.lastName": "B", "pupil.dateOfBirth": "2012-03-14", "pupil.upn": upnCheckLetter(digits) + digits };
    const send = async (responseId: string, answers: Record<string, string>) => {
      const answer = await acceptReferral(box.app.ports.intake, { responseId, submittedAt: "2026-11-20T09:00:00Z", responder: "cont@oakfield.example", answers: { ...answers, ...identity } });
      if (answer.status !== 202) throw new Error(JSON.stringify(answer));
      return { answer, written: await writeCase(box.app.ports.writeCase, responseId) };
    };
    const forum = await send("cont-0", { ...branchingInclusionForum, schoolUrn: "120345" });
    expect(forum.written).toBe("written");
    const caseRef = forum.answer.caseRef;
    expect(await send("cont-1", { ...namedReferral })).toMatchObject({ answer: { linkedTo: caseRef }, written: "continued" });
    for (let i = 2; i <= 8; i++) expect(await send(`cont-${i}`, { ...namedReferral, concerns: `Further incident ${i}.` })).toMatchObject({ written: "linked" });
    const column = (await box.app.lists.cases.get(casesNamed(caseRef)[0]!.id))!.row.LinkedSubmissions ?? "";
    const [first, ...rest] = column.split("\n");
    expect(first).toMatch(/^response cont-1 received .*: the Partnership referral, written into this case$/);
    expect(rest[0]).toMatch(/^7 later submissions \(the latest 5\): response cont-8 /);
    expect(column).not.toContain("response cont-2 ");
  });
});
