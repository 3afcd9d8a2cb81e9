import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startAzuriteOnFreePorts, type AzuriteProcess } from "../../../sandbox/azurite";
import { startGraphSandbox, type GraphSandbox } from "../../../sandbox/graph/server";
import { defaultAreas, type CalendarArea, type MailArea, type SitesArea } from "../../../sandbox/graph/areas";
import { defaultApp } from "../../../sandbox/graph/auth";
import { demoSite, seedDemoTenant } from "../../../sandbox/demo/demoTenant";
import { loadSettings } from "../../../src/settings/settings";
import { composeApp, type App } from "../../../src/app/composition";
import { graphItems } from "../../../src/m365/sharepoint/items";
import type { CaseCommandPort } from "../../../src/workflows/cases/caseCommand";
import type { PlacementPorts } from "../../../src/workflows/placements/placementPorts";

/**
 * Azurite and the seeded Graph sandbox with the app's ports and a clock the test sets: for the placement,
 * meeting and reminder workflows, called as the list handlers and the daily timer call them.
 */
export interface SandboxPorts {
  graph: GraphSandbox;
  app: App;
  work: PlacementPorts;
  apply: CaseCommandPort;
  /** A person's edit to an item, as SharePoint takes it (column values as the list shows them). */
  edit(list: keyof App["lists"], id: string, fields: Record<string, unknown>): Promise<void>;
  setClock(iso: string): void;
  items(list: string): { id: string; fields: Record<string, unknown> }[];
  events(): ReturnType<CalendarArea["events"]>;
  inbox(who: string): ReturnType<MailArea["inbox"]>;
  /** A Partnership referral ready for Core Group, written straight into the Cases list. */
  readyCase(n: number, extra?: { po?: boolean; keyStage?: "KS3" | "KS4"; year?: number; status?: "readyForCoreGroup" | "awaitingInclusionForum" | "triage"; receivedAt?: string }): Promise<string>;
  stop(): Promise<void>;
}

/** `tenant: "strict"` starts the sandbox as a strict tenant (sandbox/graph/strictTenant.ts). */
export async function startSandboxPorts(env: Record<string, string> = {}, options: { tenant?: "default" | "strict" } = {}): Promise<SandboxPorts> {
  const azurite: AzuriteProcess = await startAzuriteOnFreePorts();
  const graph = await startGraphSandbox({ port: 0, areas: defaultAreas(), seed: seedDemoTenant, tenant: options.tenant ?? "default" });
  const example = (JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "local.settings.example.json"), "utf8")) as { Values: Record<string, string> }).Values;
  const settings = loadSettings({
    ...example, AzureWebJobsStorage: azurite.connectionString, GRAPH_BASE_URL: graph.graphUrl, AZURE_AUTHORITY_HOST: graph.authorityHost,
    AZURE_TENANT_ID: defaultApp.tenantId, AZURE_CLIENT_ID: defaultApp.clientId, AZURE_CLIENT_SECRET: defaultApp.clientSecret,
    NOTIFICATION_URL: "http://127.0.0.1:1/api/notifications", ...env,
  });
  let clock = new Date("2026-11-20T10:00:00Z");
  const log = (m: string) => { if (process.env.SHOW_APP_LOG) console.log(m); };
  const app = composeApp(settings, { now: () => clock, log });
  const apply = app.caseCommand;
  const work = app.ports.placements;
  graph.area<MailArea>("mail").limitPerMinute = 0; // many emails in little (real) time; the limit has its own tests
  const sites = graph.area<SitesArea>("sites");
  const siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
  return {
    graph, app, work, apply,
    edit: async (list, id, fields) => void (await graphItems(app.lists[list].list).update(id, fields)),
    setClock: (iso) => { clock = new Date(iso); },
    items: (list) => sites.items(siteId, list),
    events: () => graph.area<CalendarArea>("calendar").events(settings.PARTNERSHIP_MAILBOX),
    inbox: (who) => graph.area<MailArea>("mail").inbox(who),
    async readyCase(n, extra = {}) {
      const ref = `LNCIP-2026-${String(n).padStart(4, "0")}`;
      const status = extra.status ?? "readyForCoreGroup";
      await app.lists.cases.create(
        {
          CaseRef: ref, Status: status, WorkflowStatus: status, Named: true, KeyStage: extra.keyStage ?? "KS3",
          ReceivedAt: extra.receivedAt ?? "2026-10-01T09:00:00Z", WorkflowVersion: 3, RequestType: "partnershipReferral", ParentalConsent: true, YearGroup: extra.year ?? 9,
          SendStatus: "ehcp", LookedAfter: false, SchoolUrn: "120345", ReferrerEmail: "s.oconnor@oakfield.example", PreviousIfCase: "LNCIP-2026-0001",
          ...(extra.po === false ? {} : { PurchaseOrderNumber: `PO-${n}`, FundingSources: ["awpu"] }),
        } as never,
      );
      return ref;
    },
    async stop() {
      await graph.close();
      await azurite.stop();
    },
  };
}
