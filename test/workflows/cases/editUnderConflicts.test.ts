import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandboxPorts, type SandboxPorts } from "../placements/sandboxPorts";
import { parkedScope, processListChanges, type ParkedItem } from "../../../src/workflows/listChanges/processListChanges";
import { casesHandler } from "../../../src/workflows/cases/casesHandler";
import type { SitesArea } from "../../../sandbox/graph/areas/sites";
import { demoSite, demoStaff } from "../../../sandbox/demo/demoTenant";

/**
 * A Coordinator's edit whose every write the app tries is answered 412 (SharePoint's ETag conflict, as a burst of
 * concurrent writes gives) more times than one round tries: never lost. The round parks the item rather than
 * counting it handled, and a later round applies the edit. Found by the soak, whose 412 storm met one round ten
 * times on the first edited case: the round gave up in silence and the edit was never applied nor put back.
 */
let box: SandboxPorts;
beforeAll(async () => {
  box = await startSandboxPorts();
}, 90_000);
afterAll(async () => box?.stop());

describe("a Coordinator's edit under a storm of 412s", () => {
  it("is parked when a round cannot write it, and applied by a later round", async () => {
    const ref = await box.readyCase(301, { status: "triage" });
    const id = box.items("Cases").find((c) => c.fields.Title === ref)!.id;
    const state = box.app.tables.state;
    let clock = new Date("2026-11-23T09:00:00Z");
    box.setClock(clock.toISOString());
    const ports = { state, now: () => clock };
    const handler = casesHandler(box.app.ports.cases);
    await processListChanges(ports, handler); // the new item seen once: nothing to do

    const sites = box.graph.area<SitesArea>("sites");
    box.graph.faults.add({ route: "/^PATCH .*\\/items\\/\\d+\\/fields$/", kind: "412", count: 12 });
    sites.patchAsPerson(sites.siteIdByPath(demoSite.hostname, demoSite.path), "Cases", id, { Status: "Ready for Core Group" }, demoStaff.coordinator);

    const first = await processListChanges(ports, handler);
    expect(first.parked).toBe(1);
    expect((await state.get<ParkedItem>(parkedScope("Cases"), id))?.value.error).toMatch(/kept changing/);
    expect(box.items("Cases").find((c) => c.id === id)!.fields.WorkflowStatus).toBe("In triage");

    clock = new Date(clock.getTime() + 2 * 60_000);
    box.setClock(clock.toISOString());
    const second = await processListChanges(ports, handler);
    expect(second.parked).toBe(0);
    expect(box.items("Cases").find((c) => c.id === id)!.fields).toMatchObject({ Status: "Ready for Core Group", WorkflowStatus: "Ready for Core Group", WorkflowVersion: 4 });
  }, 60_000);

  it("puts back a decision typed by someone who may not record one even when its first put-back meets a 412", async () => {
    // The soak found it: a Core Group member typed a decision on a case whose meeting was being assigned. The app's
    // own MeetingId write landed between the round's read and its put-back (412); the round counted the edit handled,
    // and the MeetingId write's own round saw no watched column changed. The forged decision stayed, untold.
    const ref = await box.readyCase(302);
    const id = box.items("Cases").find((c) => c.fields.Title === ref)!.id;
    const state = box.app.tables.state;
    const clock = new Date("2026-11-23T09:00:00Z");
    box.setClock(clock.toISOString());
    const ports = { state, now: () => clock };
    const handler = casesHandler(box.app.ports.cases);
    await processListChanges(ports, handler);

    const sites = box.graph.area<SitesArea>("sites");
    const member = { id: "00000000-0000-0000-0000-0000000000021", email: "meganb@example.com", displayName: "Megan Bowen" };
    sites.patchAsPerson(sites.siteIdByPath(demoSite.hostname, demoSite.path), "Cases", id, { CoreGroupOutcome: "Managed move / fresh start support", DecidedBy: member.email }, member);
    box.graph.faults.add({ route: "/^PATCH .*\\/items\\/\\d+\\/fields$/", kind: "412", count: 1 });
    await processListChanges(ports, handler);
    await box.edit("cases", id, { MeetingId: "CG-2026-11-26" }); // the app's own meeting write, not under an ETag
    await processListChanges(ports, handler);

    const fields = box.items("Cases").find((c) => c.id === id)!.fields;
    expect(fields.CoreGroupOutcome ?? null).toBeNull();
    expect(fields).toMatchObject({ Status: "Ready for Core Group", WorkflowStatus: "Ready for Core Group", WorkflowVersion: 3 });
    expect(box.inbox("coordinator@lncip.example").filter((m) => m.subject === `${ref}: a change was put back (not permitted)`)).toHaveLength(1);
  }, 60_000);
});
