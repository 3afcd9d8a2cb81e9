import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandboxPorts, type SandboxPorts } from "./sandboxPorts";
import { placementsHandler, placementsWatches } from "../../../src/workflows/placements/placementsHandler";

/**
 * The last place of a key stage, decided for two cases at the same moment (two decisions typed into the Cases
 * list together, handled by two workers): one placement keeps the place, the other case waits for the next one.
 * One KS3 place.
 */
let s: SandboxPorts;
const caseItem = (ref: string) => s.items("Cases").find((c) => c.fields.Title === ref)!;
const openPlacements = () => s.items("Placements").filter((p) => p.fields.KeyStage === "KS3" && p.fields.PlacementStatus !== "Ended");

beforeAll(async () => {
  s = await startSandboxPorts({ PLACES_KS3: "1" });
  s.setClock("2026-11-23T10:00:00Z");
}, 90_000);
afterAll(async () => s?.stop());

describe("two decisions at the same moment for the last place", () => {
  it("leave one placement holding the place and the other case on the waiting list, told to the Coordinator, whichever way the race goes", async () => {
    const [a, b] = [await s.readyCase(301), await s.readyCase(302)];
    const decide = (ref: string, at: string) => s.apply(ref, { kind: "recordDecision", outcome: "programmeManagementPartTime", source: "sharepoint", by: "chair@oakfieldacade.example", at });
    const results = await Promise.all([decide(a, "2026-11-23T10:00:00.000Z"), decide(b, "2026-11-23T10:00:01.000Z")]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(openPlacements()).toHaveLength(2); // both saw the place free, as two workers at the same moment do
    // Each new placement's change notification reaches the Placements handler (twice: Graph may repeat one).
    for (let round = 0; round < 2; round++) for (const item of await s.work.placements.all()) await placementsHandler(s.work).changed(undefined, item, s.work.placements.watched(item, placementsWatches));

    expect(openPlacements()).toHaveLength(1);
    const holder = String(openPlacements()[0]!.fields.Title);
    const waiting = holder === a ? b : a;
    expect(caseItem(holder).fields.WorkflowStatus).toBe("Decided");
    expect(caseItem(waiting).fields).toMatchObject({ WorkflowStatus: "Waiting list", Status: "Waiting list" });
    const told = s.inbox("coordinator@lncip.example").filter((m) => m.subject.startsWith(`${waiting}: on the KS3 waiting list`));
    expect(told).toHaveLength(1);
    expect(told[0]!.subject).toContain("(position 1)");
    expect(s.inbox("coordinator@lncip.example").filter((m) => m.subject === `${waiting}: placement set up (KS3)`)).toEqual([]);

    // When the holder's case is withdrawn, its place goes to the case that waited.
    expect(await s.apply(holder, { kind: "withdraw", reason: "family moved away", by: "coordinator@lncip.example", at: "2026-11-24T09:00:00.000Z" })).toMatchObject({ ok: true });
    expect(caseItem(waiting).fields.WorkflowStatus).toBe("Decided");
    expect(openPlacements().map((p) => p.fields.Title)).toEqual([waiting]);
  });
});
