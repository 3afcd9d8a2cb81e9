import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandboxPorts, type SandboxPorts } from "./sandboxPorts";
import { placementsHandler, placementsWatches } from "../../../src/workflows/placements/placementsHandler";
import { withReadScope } from "../../../src/m365/sharepoint/readScope";
import type { CoreGroupOutcome } from "../../../src/domain/case/outcomes";

/**
 * What one invocation reads of the Placements and Providers lists when a decision sets up a placement and when a
 * placement starts (issue 16: Graph requests per case), each run as the app runs an invocation (in its read scope),
 * counted from the sandbox's request log. Two KS3 places.
 */
let s: SandboxPorts;
let placementsPath = "";
let providersPath = "";
const caseItem = (ref: string) => s.items("Cases").find((c) => c.fields.Title === ref)!;
const openPlacements = () => s.items("Placements").filter((p) => p.fields.KeyStage === "KS3" && p.fields.PlacementStatus !== "Ended");
const decide = (ref: string, outcome: CoreGroupOutcome, at = s.app.now().toISOString()) => s.apply(ref, { kind: "recordDecision", outcome, source: "sharepoint", by: "chair@oakfieldacade.example", at });

/** The work's requests to the Placements and Providers lists' items, as the sandbox logged them. */
async function listRequests<T>(work: () => Promise<T>): Promise<{ result: T; placements: string[]; providers: string[] }> {
  const mark = s.graph.requests.length;
  const result = await work();
  const made = s.graph.requests.slice(mark).map((r) => `${r.method} ${decodeURIComponent(r.path)}`);
  const of = (path: string) => made.filter((m) => m.includes(`${path}/items`)).map((m) => m.replace(`${path}/items`, ""));
  return { result, placements: of(placementsPath), providers: of(providersPath) };
}

/** The Coordinator sets the case's placement Active; the Placements list's change handler runs in its own invocation. */
async function startInOneInvocation(ref: string) {
  const item = (await s.work.placements.all({ filter: `fields/Title eq '${ref}'` }))[0]!;
  await s.edit("placements", item.id, { StartDate: "2026-11-30", PlacementStatus: "Active" });
  const edited = (await s.work.placements.all({ filter: `fields/Title eq '${ref}'` }))[0]!;
  return listRequests(() => withReadScope(() => placementsHandler(s.work).changed(undefined, edited, s.work.placements.watched(edited, placementsWatches))));
}

beforeAll(async () => {
  s = await startSandboxPorts({ PLACES_KS3: "2" });
  placementsPath = await s.work.placements.list.path();
  providersPath = await s.work.providers.list.path();
}, 90_000);
afterAll(async () => s?.stop());

describe("the placements one invocation reads (issue 16)", () => {
  it("a decision setting up a placement reads the placements not ended before deciding and again once it is set up, and nothing else of the list", async () => {
    const ref = await s.readyCase(501);
    const { result, placements, providers } = await listRequests(() => withReadScope(() => decide(ref, "programmeManagementPartTime")));
    expect(result).toMatchObject({ ok: true, state: { status: "decided" } });
    // The second read follows the invocation's own write: a placement set up at the same moment by another decision is seen.
    expect(placements).toEqual(["GET ?$expand=fields&$filter=fields/PlacementStatus ne 'Ended'", "POST ", "GET ?$expand=fields&$filter=fields/PlacementStatus ne 'Ended'"]);
    expect(providers).toEqual(["GET ?$expand=fields"]); // who the AP days go to
    expect(s.inbox("coordinator@lncip.example").filter((m) => m.subject === `${ref}: placement set up (KS3)`)).toHaveLength(1);
  });

  it("a placement starting reads the placements not ended once and the case's placements once (its reviews' plan); the Providers list only when the rule has hours to judge", async () => {
    const partTime = "LNCIP-2026-0501";
    const started = await startInOneInvocation(partTime);
    expect(caseItem(partTime).fields.Status).toBe("In placement");
    expect(s.events().filter((e) => e.subject.endsWith(`: ${partTime}`))).toHaveLength(5);
    expect(started.placements).toEqual(["GET ?$expand=fields&$filter=fields/PlacementStatus ne 'Ended'", `GET ?$expand=fields&$filter=fields/Title eq '${partTime}'`]);
    // Part-time, Year 9: no provider has the pupil more than 18 hours a week, so who is registered cannot matter.
    expect(started.providers).toEqual([]);

    const fullTime = await s.readyCase(502);
    expect(await decide(fullTime, "programmeManagementFullTime")).toMatchObject({ ok: true, state: { status: "decided" } });
    const alsoStarted = await startInOneInvocation(fullTime);
    expect(caseItem(fullTime).fields.Status).toBe("In placement");
    expect(alsoStarted.placements.filter((m) => m.includes("PlacementStatus"))).toHaveLength(1);
    // Full-time, Year 9: 19.5 hours a week at one provider, judged against the Providers list.
    expect(alsoStarted.providers).toEqual(["GET ?$expand=fields"]);
  });

  it("two decisions at the same moment for the last place, each in its own invocation: the one set up second sees the first and does not hold the place", async () => {
    s.setClock("2026-11-23T10:00:00Z");
    // Both places taken by the two placements above; one more place frees by ending the part-time one.
    expect(await s.apply("LNCIP-2026-0501", { kind: "withdraw", reason: "family moved away", by: "coordinator@lncip.example", at: "2026-11-23T09:00:00.000Z" })).toMatchObject({ ok: true });
    expect(openPlacements()).toHaveLength(1);
    const [a, b] = [await s.readyCase(503), await s.readyCase(504)];
    const results = await Promise.all([withReadScope(() => decide(a, "programmeManagementPartTime", "2026-11-23T10:00:00.000Z")), withReadScope(() => decide(b, "programmeManagementPartTime", "2026-11-23T10:00:01.000Z"))]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    const setUp = openPlacements().filter((p) => p.fields.Title === a || p.fields.Title === b);
    expect(setUp).toHaveLength(2); // both saw the place free, as two workers at the same moment do
    const second = String(setUp.sort((x, y) => Number(y.id) - Number(x.id))[0]!.fields.Title);
    // Only the placement holding the place is announced: the second, checked after it was set up, saw the first.
    expect(s.inbox("coordinator@lncip.example").filter((m) => m.subject === `${second}: placement set up (KS3)`)).toEqual([]);
    for (const item of await s.work.placements.all()) await withReadScope(() => placementsHandler(s.work).changed(undefined, item, s.work.placements.watched(item, placementsWatches)));
    expect(caseItem(second).fields).toMatchObject({ WorkflowStatus: "Waiting list" });
    expect(openPlacements().map((p) => p.fields.Title)).not.toContain(second);
  });
});
