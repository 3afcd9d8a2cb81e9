import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGraphSandbox, type GraphSandbox } from "../../../sandbox/graph/server";
import { defaultAreas } from "../../../sandbox/graph/areas";
import { defaultApp } from "../../../sandbox/graph/auth";
import { seedDemoTenant, demoSite } from "../../../sandbox/demo/demoTenant";
import type { SitesArea } from "../../../sandbox/graph/areas/sites";
import { graphClient } from "../../../src/m365/graph/graphClient";
import { ItemChangedError, listItems, sharePointList, sharePointSite, titleIs, type ListItems } from "../../../src/m365/sharepoint";
import { withReadScope } from "../../../src/m365/sharepoint/readScope";
import { casesList, type CasesRow } from "../../../src/domain/lists";
import { casesWatches } from "../../../src/workflows/cases/casesHandler";

/**
 * An invocation's read scope: what it has read or written of a list is not read from Graph again, what it writes is
 * read back as written, and a conflict or someone else's edit is never hidden from a write under the item's ETag.
 */
let sandbox: GraphSandbox;
let cases: ListItems<CasesRow>;
let sites: SitesArea;
let siteId: string;
let listPath = "";

const row = (ref: string, extra: Partial<CasesRow> = {}): CasesRow => ({
  CaseRef: ref, Status: "received", WorkflowStatus: "received", Named: false, KeyStage: "KS3", ReceivedAt: "2026-11-23T09:00:00Z", WorkflowVersion: 1, SchoolUrn: "120345", ...extra,
});
/** The Graph requests the work made to the Cases list's items. */
async function requestsOf<T>(work: () => Promise<T>): Promise<{ result: T; made: string[] }> {
  const mark = sandbox.requests.length;
  const result = await work();
  return { result, made: sandbox.requests.slice(mark).filter((r) => r.path.startsWith(`${listPath}/items`)).map((r) => `${r.method} ${decodeURIComponent(r.path.slice(listPath.length))}`) };
}

beforeAll(async () => {
  sandbox = await startGraphSandbox({ port: 0, areas: defaultAreas(), seed: seedDemoTenant });
  const graph = graphClient({ GRAPH_BASE_URL: sandbox.graphUrl, AZURE_AUTHORITY_HOST: sandbox.authorityHost, AZURE_TENANT_ID: defaultApp.tenantId, AZURE_CLIENT_ID: defaultApp.clientId, AZURE_CLIENT_SECRET: defaultApp.clientSecret });
  const list = sharePointList(sharePointSite(graph, `${demoSite.hostname}:/sites/${demoSite.path}`), "Cases");
  cases = listItems(list, casesList, { uniqueTitle: true });
  listPath = await list.path();
  sites = sandbox.area<SitesArea>("sites");
  siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
});
afterAll(async () => sandbox?.close());

describe("an invocation's read scope", () => {
  it("reads an item once, by id or by its unique Title, and reads it back as the invocation wrote it", async () => {
    const created = await cases.create(row("LNCIP-2026-0401"));
    const { result, made } = await requestsOf(() =>
      withReadScope(async () => {
        const byTitle = (await cases.readAll({ filter: titleIs("LNCIP-2026-0401") }))[0]!;
        const byId = await cases.get(created.id);
        const again = (await cases.readAll({ filter: titleIs("LNCIP-2026-0401") }))[0];
        const written = await cases.update(byId!, { Status: "triage" }, { ifUnchanged: true });
        const after = await cases.get(created.id);
        return { byTitle, again, written, after };
      }),
    );
    expect(made).toEqual([`GET /items?$expand=fields&$filter=fields/Title eq 'LNCIP-2026-0401'`, `PATCH /items/${created.id}/fields`]);
    expect(result.again?.id).toBe(created.id);
    expect(result.after?.row.Status).toBe("triage");
    expect(result.after?.etag).toBe(result.written.etag);
    expect(result.after?.etag).not.toBe(result.byTitle.etag);
  });

  it("keeps nothing between scopes, nor outside one", async () => {
    const created = await cases.create(row("LNCIP-2026-0402"));
    await withReadScope(() => cases.get(created.id));
    const { made } = await requestsOf(async () => {
      await withReadScope(() => cases.get(created.id));
      await cases.get(created.id);
      await cases.get(created.id);
    });
    expect(made).toHaveLength(3);
  });

  it("does not hide a person's edit from a write under the ETag: the 412 forgets the item, and the retry reads it fresh", async () => {
    const created = await cases.create(row("LNCIP-2026-0403"));
    const { result, made } = await requestsOf(() =>
      withReadScope(async () => {
        const read = (await cases.get(created.id))!;
        sites.patchAsPerson(siteId, "Cases", created.id, { Status: "In triage" });
        const stale = (await cases.get(created.id))!; // as this invocation read it
        const refused = await cases.update(stale, { WorkflowVersion: 2 }, { ifUnchanged: true }).catch((e: unknown) => e);
        const fresh = (await cases.get(created.id))!;
        return { read, stale, refused, fresh };
      }),
    );
    expect(result.stale.row.Status).toBe("received");
    expect(result.refused).toBeInstanceOf(ItemChangedError);
    expect(result.fresh.row.Status).toBe("triage");
    expect(made.filter((m) => m.startsWith("GET"))).toHaveLength(2);
  });

  it("takes a delta round's items as delta gave them, and always sends a query on anything but the Title", async () => {
    const created = await cases.create(row("LNCIP-2026-0404", { KeyStage: "KS4" }));
    const { link } = { link: (await cases.changesSince(undefined, casesWatches)).deltaLink };
    sites.patchAsPerson(siteId, "Cases", created.id, { Status: "In triage" });
    const { result, made } = await requestsOf(() =>
      withReadScope(async () => {
        const round = await cases.changesSince(link, casesWatches);
        const item = await cases.read(created.id);
        const ks4 = await cases.all({ filter: "fields/KeyStage eq 'KS4'" });
        const ks4Again = await cases.all({ filter: "fields/KeyStage eq 'KS4'" });
        return { round, item, ks4, ks4Again };
      }),
    );
    expect(result.round.changes.map((c) => (c.kind === "changed" ? c.item.id : c.id))).toContain(created.id);
    expect(result.item && "row" in result.item ? result.item.row.Status : undefined).toBe("triage");
    expect(made.filter((m) => m.includes("/delta"))).toHaveLength(1);
    expect(made.filter((m) => m.includes("KeyStage"))).toHaveLength(2);
    expect(made.filter((m) => m.startsWith(`GET /items/${created.id}`))).toEqual([]);
  });

  it("answers a query asked to be kept as first read, until the invocation writes to the list or a delta round finds it changed", async () => {
    const created = await cases.create(row("LNCIP-2026-0406", { KeyStage: "KS4" }));
    const link = (await cases.changesSince(undefined, casesWatches)).deltaLink;
    const ks4 = { filter: "fields/KeyStage eq 'KS4'", keep: true };
    const { result, made } = await requestsOf(() =>
      withReadScope(async () => {
        const first = await cases.readAll(ks4);
        const again = await cases.columns(["CaseRef"], ks4); // another query (some columns): read of its own
        const kept = await cases.readAll(ks4);
        await cases.create(row("LNCIP-2026-0407", { KeyStage: "KS4" }));
        const afterWrite = await cases.readAll(ks4);
        sites.patchAsPerson(siteId, "Cases", created.id, { KeyStage: "KS3" });
        await cases.changesSince(link, casesWatches);
        const afterDelta = await cases.readAll(ks4);
        return { first, again, kept, afterWrite, afterDelta };
      }),
    );
    const refs = (items: { id: string }[]) => items.map((i) => i.id);
    expect(refs(result.kept)).toEqual(refs(result.first));
    expect(result.afterWrite.map((i) => ("row" in i ? i.row.CaseRef : ""))).toContain("LNCIP-2026-0407");
    expect(refs(result.afterDelta)).not.toContain(created.id);
    expect(made.filter((m) => m.startsWith("GET /items?$expand=fields&$filter=fields/KeyStage eq 'KS4'"))).toHaveLength(3);
    expect(made.filter((m) => m.includes("$select=Title"))).toHaveLength(1);
    // Outside a scope nothing is kept.
    const outside = await requestsOf(async () => {
      await cases.readAll(ks4);
      await cases.readAll(ks4);
    });
    expect(outside.made).toHaveLength(2);
  });

  it("reads a whole list once until the invocation writes to it", async () => {
    const { made } = await requestsOf(() =>
      withReadScope(async () => {
        await cases.all();
        await cases.all();
        await cases.create(row("LNCIP-2026-0405"));
        const after = await cases.all();
        expect(after.map((i) => i.row.CaseRef)).toContain("LNCIP-2026-0405");
      }),
    );
    expect(made.filter((m) => m === "GET /items?$expand=fields")).toHaveLength(2);
  });

  it("shares a read of the whole list or a kept query with work alongside that asks the same, but not one begun before the list changed", async () => {
    const created = await cases.create(row("LNCIP-2026-0408", { KeyStage: "KS4" }));
    const ks4 = { filter: "fields/KeyStage eq 'KS4'", keep: true };
    const { result, made } = await requestsOf(() =>
      withReadScope(async () => {
        const together = await Promise.all([cases.all(), cases.all(), cases.readAll(ks4), cases.readAll(ks4), cases.readAll(ks4)]);
        // Each caller has its own copy: one changing what it was given changes nobody else's.
        const [a, b] = together;
        a![0]!.row.CaseRef = "changed by one caller";
        await cases.create(row("LNCIP-2026-0409", { KeyStage: "KS4" }));
        // A write begun while a read is under way: the read answers those who asked before the write, not those after.
        const before = cases.readAll(ks4);
        const write = cases.create(row("LNCIP-2026-0410", { KeyStage: "KS4" }));
        const after = cases.readAll(ks4);
        await write;
        const [first] = await Promise.all([before, after]);
        return { b, ks4Read: together[2]!, first };
      }),
    );
    expect(made.filter((m) => m === "GET /items?$expand=fields")).toHaveLength(1);
    expect(made.filter((m) => m.startsWith("GET /items?$expand=fields&$filter=fields/KeyStage eq 'KS4'"))).toHaveLength(3);
    expect(result.b![0]!.row.CaseRef).not.toBe("changed by one caller");
    expect(result.ks4Read.map((i) => i.id)).toContain(created.id);
    expect(result.first.map((i) => ("row" in i ? i.row.CaseRef : ""))).toContain("LNCIP-2026-0409");
  });
});
