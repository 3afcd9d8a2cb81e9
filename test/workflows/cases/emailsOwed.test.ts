import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandboxPorts, type SandboxPorts } from "../placements/sandboxPorts";
import { queueClient } from "../../../src/m365/queues/workQueue";
import { CASE_EFFECTS_QUEUE, carryOutQueuedEffects } from "../../../src/workflows/cases/caseEffectsQueue";
import { findCaseItem } from "../../../src/workflows/cases/findCase";
import { carryOutLeftovers, casesHandler } from "../../../src/workflows/cases/casesHandler";
import { processListChanges } from "../../../src/workflows/listChanges/processListChanges";
import type { SitesArea } from "../../../sandbox/graph/areas/sites";
import { demoSite } from "../../../sandbox/demo/demoTenant";

/**
 * A transition's emails when the partnership mailbox is over Exchange's sending limit (the daily attendance digests
 * fill it for minutes each school day): the transition's other effects go ahead, the emails are owed — queued for the
 * case-effects function after the mailbox's Retry-After — and sent once when it has passed.
 */
let s: SandboxPorts;
beforeAll(async () => {
  s = await startSandboxPorts();
}, 90_000);
afterAll(async () => s?.stop());

const sendMail = () => s.graph.requests.filter((r) => /\/sendMail$/.test(r.path));
const decisionEmails = (ref: string) => sendMail().filter((r) => r.status === 202 && JSON.stringify(r.requestBody).includes(`${ref}: the Core Group has decided`));

describe("a decision's emails when the mailbox is busy", () => {
  it("records the decision at once, owes the school's email to the case-effects queue for after the Retry-After, and sends it once then", async () => {
    s.setClock("2026-11-20T10:00:00Z");
    const ref = await s.readyCase(301);
    const effectsQueue = queueClient(s.app.settings.AzureWebJobsStorage, CASE_EFFECTS_QUEUE);
    await effectsQueue.createIfNotExists();
    const queued = async () => (await effectsQueue.getProperties()).approximateMessagesCount ?? 0;
    const queuedBefore = await queued();
    const triedBefore = sendMail().length;
    s.graph.faults.add({ route: "/sendMail$/", kind: "429", count: 1, retryAfterSeconds: 40 });

    const decided = await s.apply(ref, { kind: "recordDecision", outcome: "inSchoolSupport", source: "teams", by: "chair@oakfieldacade.example", at: "2026-11-20T10:00:00Z" });
    expect(decided).toMatchObject({ ok: true, state: { status: "decided" } });
    expect(sendMail().length - triedBefore).toBe(1); // answered 429 once, not waited out inside the command
    expect(s.items("Decisions").filter((d) => d.fields.CaseRef === ref)).toHaveLength(1); // the other effects went ahead
    expect(decisionEmails(ref)).toHaveLength(0);
    expect(await queued()).toBe(queuedBefore + 1); // owed: queued, hidden for the Retry-After
    expect((await effectsQueue.peekMessages({ numberOfMessages: 32 })).peekedMessageItems).toHaveLength(0);

    // Taken from the queue too early (another worker, the upkeep): the mailbox is not asked, and it is queued again.
    const itemId = (await findCaseItem(s.app.lists.cases, ref))!.id;
    s.setClock("2026-11-20T10:00:10Z");
    expect(await carryOutQueuedEffects(s.app.ports.cases, { itemId })).toBe(0);
    expect(sendMail().length - triedBefore).toBe(1);
    expect(await queued()).toBe(queuedBefore + 2);
    // The upkeep's backstop meanwhile: owed emails are no failure to report, and the mailbox is still not asked.
    await expect(carryOutLeftovers(s.app.ports.cases)).resolves.toBeTypeOf("number");
    expect(sendMail().length - triedBefore).toBe(1);

    s.setClock("2026-11-20T10:00:41Z");
    expect(await carryOutQueuedEffects(s.app.ports.cases, { itemId })).toBe(1);
    expect(decisionEmails(ref)).toHaveLength(1);
    expect(await carryOutQueuedEffects(s.app.ports.cases, { itemId })).toBe(0); // the second queued copy finds it done
    expect(decisionEmails(ref)).toHaveLength(1);
    expect(s.items("Decisions").filter((d) => d.fields.CaseRef === ref)).toHaveLength(1);
  });

  it("does not hold up the case's next transition: its effects are carried out while the earlier one's email is still owed", async () => {
    s.setClock("2026-11-21T10:00:00Z");
    const ref = await s.readyCase(303);
    s.graph.faults.add({ route: "/sendMail$/", kind: "429", count: 1, retryAfterSeconds: 40 });
    await s.apply(ref, { kind: "recordDecision", outcome: "inSchoolSupport", source: "teams", by: "chair@oakfieldacade.example", at: "2026-11-21T10:00:00Z" });
    expect(decisionEmails(ref)).toHaveLength(0);

    s.setClock("2026-11-21T10:00:05Z"); // the mailbox still busy
    expect(await s.apply(ref, { kind: "close", by: "coordinator@lncip.example", at: "2026-11-21T10:00:05Z" })).toMatchObject({ ok: true, state: { status: "closed" } });
    expect((await s.app.tables.audit.forCase(ref)).map((e) => e.to)).toContain("closed");
    expect(decisionEmails(ref)).toHaveLength(0);

    s.setClock("2026-11-21T10:00:41Z");
    const itemId = (await findCaseItem(s.app.lists.cases, ref))!.id;
    expect(await carryOutQueuedEffects(s.app.ports.cases, { itemId })).toBe(1); // the decision's owed email, and nothing else
    expect(decisionEmails(ref)).toHaveLength(1);
  });
});

describe("a put-back's notice when the mailbox is busy", () => {
  it("puts the edit back at once and tells the Coordinator once the mailbox takes it, never losing the notice", async () => {
    // Before, the notice was sent inside the round: a mailbox over its limit beyond the client's retries failed the
    // round, and the next round found the edit already put back — the Coordinator was never told.
    const ref = await s.readyCase(302);
    const id = s.items("Cases").find((c) => c.fields.Title === ref)!.id;
    let clock = new Date("2026-11-23T09:00:00Z");
    s.setClock(clock.toISOString());
    const ports = { state: s.app.tables.state, now: () => clock };
    const handler = casesHandler(s.app.ports.cases);
    await processListChanges(ports, handler);

    // A Core Group member types a decision (only a Coordinator may) while the mailbox is over its limit.
    const sites = s.graph.area<SitesArea>("sites");
    const member = { id: "00000000-0000-0000-0000-0000000000021", email: "meganb@example.com", displayName: "Megan Bowen" };
    sites.patchAsPerson(sites.siteIdByPath(demoSite.hostname, demoSite.path), "Cases", id, { CoreGroupOutcome: "Managed move / fresh start support", DecidedBy: member.email }, member);
    s.graph.faults.add({ route: "/sendMail$/", kind: "429", count: 4, retryAfterSeconds: 0 }); // more than a client rides out
    const notices = () => s.inbox("coordinator@lncip.example").filter((m) => m.subject === `${ref}: a change was put back (not permitted)`);
    await processListChanges(ports, handler);
    expect(s.items("Cases").find((c) => c.id === id)!.fields.CoreGroupOutcome ?? null).toBeNull(); // put back at once
    expect(notices()).toHaveLength(0); // the notice owed, not lost with the edit (which a later round no longer finds)
    await processListChanges(ports, handler);

    // The case-effects function takes the item again each time its Retry-After has passed, until the mailbox takes it.
    const itemId = id;
    for (let tries = 0; tries < 5 && notices().length === 0; tries++) {
      clock = new Date(clock.getTime() + 10_000);
      s.setClock(clock.toISOString());
      await carryOutQueuedEffects(s.app.ports.cases, { itemId });
    }
    expect(notices()).toHaveLength(1);
    await carryOutQueuedEffects(s.app.ports.cases, { itemId });
    expect(notices()).toHaveLength(1);
  }, 60_000);
});

// Last in the file: the mailbox's pause follows the app's clock, which the tests above set earlier.
describe("a placement's email when the mailbox is busy", () => {
  it("sets the placement up at once, owes the Coordinator's 'placement set up' email, and sends it once after the Retry-After, never setting up a second placement", async () => {
    s.setClock("2026-11-25T10:00:00Z");
    const ref = await s.readyCase(304, { po: true });
    const setUpEmails = () => s.inbox("coordinator@lncip.example").filter((m) => m.subject === `${ref}: placement set up (KS3)`);
    const placements = () => s.items("Placements").filter((p) => p.fields.Title === ref);
    const triedBefore = sendMail().length;
    // Retry-After of 1 s: a mailer that waits would ride it out inside the command and send at once.
    s.graph.faults.add({ route: "/sendMail$/", kind: "429", count: 1, retryAfterSeconds: 1 });

    const decided = await s.apply(ref, { kind: "recordDecision", outcome: "programmeManagementPartTime", source: "teams", by: "chair@oakfieldacade.example", at: "2026-11-25T10:00:00Z" });
    expect(decided).toMatchObject({ ok: true, state: { status: "decided" } });
    expect(placements()).toHaveLength(1); // set up at once
    expect(placements()[0]!.fields.PlacementStatus).toBe("Setting up");
    expect(sendMail().length - triedBefore).toBe(1); // the mailbox asked once, and not again while it is busy
    expect(setUpEmails()).toHaveLength(0); // owed

    const itemId = (await findCaseItem(s.app.lists.cases, ref))!.id;
    s.setClock("2026-11-25T10:00:02Z");
    await carryOutQueuedEffects(s.app.ports.cases, { itemId });
    expect(setUpEmails()).toHaveLength(1);
    expect(decisionEmails(ref)).toHaveLength(1);
    await carryOutQueuedEffects(s.app.ports.cases, { itemId });
    expect(setUpEmails()).toHaveLength(1);
    expect(placements()).toHaveLength(1);
  });
});
