import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { startGraphSandbox, type GraphSandbox } from "../../../sandbox/graph/server";
import { defaultAreas } from "../../../sandbox/graph/areas";
import { defaultApp } from "../../../sandbox/graph/auth";
import { seedDemoTenant, demoSite } from "../../../sandbox/demo/demoTenant";
import { graphClient } from "../../../src/m365/graph/graphClient";
import { graphItems, isReadable, listItems, sharePointList, sharePointSite, type ListItems, type UnreadableItem } from "../../../src/m365/sharepoint";
import { casesList, casesRow, type CasesRow } from "../../../src/domain/lists";
import { fieldLeaves } from "../../../src/domain/fields/fieldLeaves";
import type { FormColumns } from "../../../src/domain/fields/fieldMeta";
import { referralFormSchema } from "../../../src/domain/referral/referralForm";
import { casesWatches } from "../../../src/workflows/cases/casesHandler";

/** The typed items of a list against the Graph sandbox: parsed once at the adapter, unreadable items reported. */
let sandbox: GraphSandbox;
let cases: ListItems<CasesRow>;
let raw: ReturnType<typeof graphItems>;
const unreadable: UnreadableItem[] = [];

const row = (ref: string, extra: Partial<CasesRow> = {}): CasesRow => ({
  CaseRef: ref, Status: "received", WorkflowStatus: "received", Named: false, KeyStage: "KS3", ReceivedAt: "2026-11-23T09:00:00Z", WorkflowVersion: 1, SchoolUrn: "120345", ...extra,
});

beforeAll(async () => {
  sandbox = await startGraphSandbox({ port: 0, areas: defaultAreas(), seed: seedDemoTenant });
  const graph = graphClient({ GRAPH_BASE_URL: sandbox.graphUrl, AZURE_AUTHORITY_HOST: sandbox.authorityHost, AZURE_TENANT_ID: defaultApp.tenantId, AZURE_CLIENT_ID: defaultApp.clientId, AZURE_CLIENT_SECRET: defaultApp.clientSecret });
  const list = sharePointList(sharePointSite(graph, `${demoSite.hostname}:/sites/${demoSite.path}`), "Cases");
  cases = listItems(list, casesList, { onUnreadable: (item) => void unreadable.push(item) });
  raw = graphItems(list);
});
afterAll(async () => sandbox?.close());

describe("a list's typed items", () => {
  it("write a row as SharePoint shows it and read it back as the row (codes, not labels)", async () => {
    const created = await cases.create(row("LNCIP-2026-0301", { FundingSources: ["awpu"], YearGroup: 9 }));
    expect((await raw.get(created.id))?.fields).toMatchObject({ Title: "LNCIP-2026-0301", Status: "Received", FundingSources: ["AWPU"], YearGroup: 9 });
    expect((await cases.get(created.id))?.row).toMatchObject({ CaseRef: "LNCIP-2026-0301", Status: "received", FundingSources: ["awpu"], YearGroup: 9 });
  });

  it("update some columns: a value sets, null clears, a column left out stays", async () => {
    const created = await cases.create(row("LNCIP-2026-0302", { MeetingId: "CG-2026-12-03", DecidedBy: "chair@oakfield.example" }));
    const updated = await cases.update(created, { Status: "triage", MeetingId: null, DecidedBy: undefined }, { ifUnchanged: true });
    expect(updated.row).toMatchObject({ Status: "triage", DecidedBy: "chair@oakfield.example" });
    expect(updated.row.MeetingId).toBeUndefined();
    expect((await cases.get(created.id))?.row).toMatchObject({ Status: "triage", DecidedBy: "chair@oakfield.example" });
    expect((await raw.get(created.id))?.fields.MeetingId ?? null).toBeNull();
  });

  it("leave out and report an item a person edited into nonsense, and hand it over as unreadable where asked", async () => {
    const created = await cases.create(row("LNCIP-2026-0303", { WorkflowTransition: "x:000002:abc" }));
    await raw.update(created.id, { Upn: "not a UPN" }); // a text column SharePoint takes anything in
    unreadable.length = 0;
    expect(await cases.get(created.id)).toBeUndefined();
    expect(unreadable.map((u) => [u.id, u.problems.length > 0])).toEqual([[created.id, true]]);
    const read = await cases.read(created.id);
    expect(read && !isReadable(read) ? read.readable : undefined).toMatchObject({ CaseRef: "LNCIP-2026-0303", WorkflowTransition: "x:000002:abc" });
    expect((await cases.all({ filter: "fields/Title eq 'LNCIP-2026-0303'" }))).toEqual([]);
    expect((await cases.readAll({ filter: "fields/Title eq 'LNCIP-2026-0303'" })).map((i) => i.id)).toEqual([created.id]);
    // Only the columns asked for are read and checked: the broken UPN does not hide the case's reference.
    expect((await cases.columns(["CaseRef", "WaitingSince"], { filter: "fields/Title eq 'LNCIP-2026-0303'" })).map((i) => i.row)).toEqual([{ CaseRef: "LNCIP-2026-0303" }]);
  });

  it("snapshot the watched columns the same from the app's own write as from the item Graph sends back", async () => {
    const created = await cases.create(row("LNCIP-2026-0304", { PurchaseOrderNumber: "PO-1", FundingSources: ["awpu", "pupilPremium"], CoreGroupOutcome: "inSchoolSupport" }));
    const { changes } = await cases.changesSince(undefined, casesWatches);
    const fromGraph = changes.find((c) => c.kind === "changed" && c.item.id === created.id);
    expect(fromGraph?.kind === "changed" ? fromGraph.watched : undefined).toEqual(cases.watched(created, casesWatches));
    expect(cases.watched(created, casesWatches)).toMatchObject({ Status: "Received", FundingSources: "AWPU|Pupil premium", WorkflowVersion: 1 });
  });
});

describe("the Cases row's referral columns", () => {
  it("are every Referral Form field with a column, typed from the form schema", () => {
    const fromForm = fieldLeaves(referralFormSchema).map((leaf) => leaf.meta.column).filter((c): c is string => !!c);
    for (const column of fromForm) expect(Object.keys(casesRow.shape), column).toContain(column);
    // The same columns in the row's type: a field added to the form without a column type fails to compile here.
    const typed: Record<keyof FormColumns<typeof referralFormSchema>, true> = {
      RequestType: true, SchoolUrn: true, ReferrerName: true, ReferrerRole: true, ReferrerEmail: true, ParentalConsent: true, PupilFirstName: true, PupilLastName: true,
      PupilDateOfBirth: true, Upn: true, YearGroup: true, SendStatus: true, PrimaryNeed: true, PupilPremium: true, LookedAfter: true, AttendancePercent: true,
      SuspensionsThisYear: true, Concerns: true, ActionsTaken: true, PreviousIfCase: true, SupportRequested: true, ExitStrategy: true, PurchaseOrderNumber: true,
      FundingSources: true, DslName: true, DslEmail: true, DslPhone: true, RiskAssessmentCompleted: true, ForumRequest: true, PoValue: true, PoSendTopUp: true, PoValidFrom: true, PoValidTo: true,
    };
    expect(Object.keys(typed).sort()).toEqual([...fromForm].sort());
    expectTypeOf<CasesRow["SchoolUrn"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<CasesRow["YearGroup"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<CasesRow["FundingSources"]>().toEqualTypeOf<("awpu" | "pupilPremium" | "ehcpTopUp")[] | undefined>();
  });
});
