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
});
