import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "../support/system";
import { namedReferral } from "../fixtures/referralAnswers";
import { upnCheckLetter } from "../../src/domain/referral/upn";
import { loadSettings, type Settings } from "../../src/settings/settings";
import { composeApp, type App } from "../../src/app/composition";
import { graphItems } from "../../src/m365/sharepoint/items";
import type { CaseCommandPort } from "../../src/workflows/cases/caseCommand";
import { defaultApp } from "../../sandbox/graph/auth";
import type { CaseCommand, CaseEffect } from "../../src/domain/case";
import { applyCaseCommand, type CasesHandlerPorts } from "../../src/workflows/cases/casesHandler";
import { findCaseItem } from "../../src/workflows/cases/findCase";

/**
 * Commands from outside the Cases list (a Teams decision, a placement starting) go through the same path as a
 * coordinator's edit: these tests apply them from a second process (this one) while the app runs in the host.
 */
let system: TestSystem;
let settings: Settings;
let app: App;
let apply: CaseCommandPort;
const quiet = () => undefined;
let n = 0;
const upn = (i: number) => { const d = `8013001${String(i).padStart(5, "0")}`; return upnCheckLetter(d) + d; };
const item = (ref: string) => system.items("Cases").find((i) => i.fields.Title === ref);
const decisionsFor = (ref: string) => system.items("Decisions").filter((d) => d.fields.CaseRef === ref);
/**
 * The case's Decisions rows once its effects are done. A command answers once its transition is committed; when
 * another worker (the app's own list-change round, hearing of the write) is carrying out those effects at that
 * moment, the command leaves them to it (casesHandler's "leaveInProgress"), so the row may land just after.
 */
async function decisionsOnceDone(ref: string): Promise<ReturnType<typeof decisionsFor>> {
  await system.until(() => decisionsFor(ref).length > 0);
  await new Promise((r) => setTimeout(r, 500)); // a second row, if there were to be one, would have come by now
  return decisionsFor(ref);
}
const at = "2026-11-26T16:05:00.000Z";
const decision = (outcome: "inSchoolSupport" | "schoolContinuesWithAdvice", by = "chair@oakfield.example"): CaseCommand => ({ kind: "recordDecision", outcome, source: "teams", by, at });

async function newCase(i: number): Promise<string> {
  const res = await system.post("/api/forms/referral", { responseId: `cc-${++n}`, submittedAt: "2026-11-23T09:12:00Z", responder: "s.oconnor@oakfield.example", answers: { ...namedReferral, "pupil.upn": upn(i) } });
  const { caseRef } = (await res.json()) as { caseRef: string };
  await system.until(() => item(caseRef));
  return caseRef;
}

/** A case the Director has let skip the Inclusion Forum, ready for Core Group, driven by commands alone. */
async function readyCase(i: number): Promise<string> {
  const ref = await newCase(i);
  for (const command of [
    { kind: "triage" },
    { kind: "recordInclusionForumOverride", byRole: "director", reason: "urgent: at risk of permanent exclusion" },
    { kind: "markReadyForCoreGroup" },
  ] as const) {
    const result = await apply(ref, { ...command, by: "director@lncip.example", at } as CaseCommand);
    expect(result.ok).toBe(true);
  }
  return ref;
}

beforeAll(async () => {
  system = await startTestSystem();
  const example = (JSON.parse(readFileSync(join(__dirname, "..", "..", "local.settings.example.json"), "utf8")) as { Values: Record<string, string> }).Values;
  settings = loadSettings({
      ...example,
      AzureWebJobsStorage: system.azurite.connectionString,
      GRAPH_BASE_URL: system.graph.graphUrl,
      AZURE_AUTHORITY_HOST: system.graph.authorityHost,
      AZURE_TENANT_ID: defaultApp.tenantId,
      AZURE_CLIENT_ID: defaultApp.clientId,
      AZURE_CLIENT_SECRET: defaultApp.clientSecret,
      NOTIFICATION_URL: `${system.appUrl}/api/notifications`,
  });
  app = composeApp(settings, { log: quiet });
  apply = app.caseCommand;
}, 90_000);
afterAll(async () => system?.stop());

describe("applying a command to a case from outside the Cases list", () => {
  it("records a Teams decision once: the case moves on and the Decisions list has one row, however often it is repeated", async () => {
    const ref = await readyCase(1);
    const first = await apply(ref, decision("inSchoolSupport"));
    expect(first).toMatchObject({ ok: true, changed: true, state: { status: "decided" } });
    const again = await apply(ref, decision("inSchoolSupport"));
    expect(again).toMatchObject({ ok: true, changed: false });
    expect(item(ref)?.fields).toMatchObject({ Status: "Decided", WorkflowStatus: "Decided", CoreGroupOutcome: "Partnership in-school support", DecidedBy: "chair@oakfield.example" });
    const rows = await decisionsOnceDone(ref);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.fields).toMatchObject({ Source: "Teams", Outcome: "Partnership in-school support" });
    const decided = (await app.tables.audit.forCase(ref)).filter((e) => e.action === "recordDecision");
    expect(decided.map((e) => [e.source, e.by, e.to])).toEqual([["teams", "chair@oakfield.example", "decided"]]);
  });

  it("lets only one of two different decisions pressed at the same moment through; the other is told who decided", async () => {
    const ref = await readyCase(2);
    const results = await Promise.all([apply(ref, decision("inSchoolSupport", "chair@oakfield.example")), apply(ref, decision("schoolContinuesWithAdvice", "deputy@birchwood.example"))]);
    expect(results.filter((r) => r.ok && r.changed)).toHaveLength(1);
    const refused = results.find((r) => !r.ok);
    expect(refused).toMatchObject({ ok: false, code: "alreadyDecided" });
    expect(await decisionsOnceDone(ref)).toHaveLength(1);
  });

  it("settles a coordinator's edit the app has not yet seen before applying the command, so the edit is not overwritten", async () => {
    const ref = await newCase(3);
    // The app never hears of the edit (the notification is lost), so only the command's own settling can apply it.
    await fetch(`${system.graph.url}/_sandbox/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind: "lostNotification", count: 1 }) });
    const sites = system.graph.area<import("../../sandbox/graph/areas/sites").SitesArea>("sites");
    sites.patchAsPerson(sites.siteIdByPath("contoso.sharepoint.com", "lncip"), "Cases", item(ref)!.id, { Status: "In triage" }, "coordinator@lncip.example");
    const result = await apply(ref, { kind: "withdraw", reason: "family moved out of area", by: "coordinator@lncip.example", at });
    expect(result).toMatchObject({ ok: true, changed: true, state: { status: "withdrawn" } });
    // Both transitions audited once their effects are done: the app's own round, hearing of the command's writes, may
    // be carrying them out at the moment the command answers (it then leaves them to it, as decisionsOnceDone says).
    const transitions = async () => (await app.tables.audit.forCase(ref)).filter((e) => e.from).map((e) => `${e.from}→${e.to}`).sort();
    const deadline = Date.now() + 20_000;
    while ((await transitions()).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500)); // a third entry, if there were to be one, would have come by now
    expect(await transitions()).toEqual(["received→triage", "triage→withdrawn"]);
  });

  it("refuses a command the rules do not allow, with a message a coordinator can act on, and changes nothing", async () => {
    const ref = await newCase(4);
    const before = item(ref)!;
    const result = await apply(ref, { kind: "startPlacement", by: "system", at });
    expect(result).toMatchObject({ ok: false, code: "notAllowedNow" });
    expect(!result.ok && result.message).toMatch(new RegExp(`${ref} is "Received"`));
    expect(item(ref)?.fields.WorkflowVersion).toBe(before.fields.WorkflowVersion);
    expect(await apply("LNCIP-2099-9999", { kind: "triage", by: "system", at })).toMatchObject({ ok: false, code: "notFound" });
  });

  it("carries out a transition's effects once when the process died after writing the case but before saying so", async () => {
    // Only this test's rounds may touch the case: the app in the host hears of none of its changes (from the referral
    // on, so no round of the app's is still carrying out the case's effects when the worker below dies).
    system.graph.faults.add({ kind: "lostNotification", rate: 1 });
    const ref = await readyCase(5);
    const itemId = (await findCaseItem(app.lists.cases, ref))!.id;
    const carried: CaseEffect["kind"][] = [];
    const handlerPorts = (dieAfterWrite: boolean): CasesHandlerPorts => ({
      cases: app.lists.cases,
      state: {
        ...app.tables.state,
        put: async (scope, name, value, expected) => {
          if (dieAfterWrite && (value as { committed?: boolean }).committed) throw new Error("the worker died");
          return app.tables.state.put(scope, name, value, expected);
        },
      },
      capacity: async () => ({ places: { KS3: 9, KS4: 26 }, activePlacements: { KS3: 0, KS4: 0 } }),
      carryOut: async (effects) => void carried.push(...effects.map((e) => e.kind)),
      rememberWrite: async () => undefined,
      log: () => undefined,
      access: app.ports.cases.access,
    });
    await expect(applyCaseCommand(handlerPorts(true), itemId, decision("inSchoolSupport"))).rejects.toThrow("the worker died");
    expect(item(ref)?.fields.WorkflowStatus).toBe("Decided"); // the write landed
    expect(carried).toEqual([]); // …and nothing was carried out yet
    expect(await applyCaseCommand(handlerPorts(false), itemId, decision("inSchoolSupport"))).toMatchObject({ ok: true, changed: false });
    expect(carried.filter((k) => k === "writeDecision")).toHaveLength(1);
    expect(await applyCaseCommand(handlerPorts(false), itemId, decision("inSchoolSupport"))).toMatchObject({ ok: true, changed: false });
    expect(carried.filter((k) => k === "writeDecision")).toHaveLength(1);
    system.graph.faults.clear();
  });

  it("lets a case holding the last place start its own placement: its own placement is not a rival for the place", async () => {
    const ref = await readyCase(6);
    const onePlace = composeApp({ ...settings, placesPerKeyStage: { KS3: 1, KS4: 1 } }, { log: quiet }).caseCommand;
    expect(await onePlace(ref, { kind: "recordDecision", outcome: "programmeManagementPartTime", source: "teams", by: "chair@oakfield.example", at })).toMatchObject({ ok: true, state: { status: "decided" } });
    await system.until(() => system.items("Placements").find((p) => p.fields.Title === ref));
    expect(await onePlace(ref, { kind: "startPlacement", by: "coordinator@lncip.example", at })).toMatchObject({ ok: true, state: { status: "placed" } });
  });
});

