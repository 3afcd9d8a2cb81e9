import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandboxPorts, type SandboxPorts } from "../placements/sandboxPorts";
import { acceptReferral } from "../../../src/workflows/intake/referralRules";
import { writeCase } from "../../../src/workflows/intake/writeCase";
import { anonymousInclusionForum } from "../../fixtures/referralAnswers";
import { tableKey, tableStore } from "../../../src/m365/tables";
import { referralReceived } from "../../../src/workflows/messages/schoolMessages";
import { requestTypeLabels } from "../../../src/domain/referral/referralForm";

/**
 * Writing an accepted submission to SharePoint (the case-intake queue's work) over the Graph sandbox: SharePoint's
 * throttling fails the message, so the queue retries it in seconds; only the mailbox's limit leaves it to the sweep.
 */
let box: SandboxPorts;
beforeAll(async () => {
  box = await startSandboxPorts();
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

  it("leaves the emails to the sweep when the partnership mailbox is over its limit, with the case written", async () => {
    const ref = await submit("mail-throttled-1", "mail@brookside.example");
    box.graph.faults.add({ route: "POST /users/", kind: "429", count: 4, retryAfterSeconds: 0 });
    expect(await writeCase(box.app.ports.writeCase, "mail-throttled-1")).toBe("mailDeferred");
    expect(casesNamed(ref)).toHaveLength(1);
    expect(await writeCase(box.app.ports.writeCase, "mail-throttled-1")).toBe("written");
    expect(box.inbox("mail@brookside.example").filter((m) => m.subject.includes(ref))).toHaveLength(1);
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
});
