import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { startAzurite, type AzuriteProcess } from "../../sandbox/azurite";
import { freePort } from "../../sandbox/processes";
import { startGraphSandbox, type GraphSandbox } from "../../sandbox/graph/server";
import { defaultAreas, type DrivesArea, type MailArea, type SitesArea } from "../../sandbox/graph/areas";
import type { StoredMessage } from "../../sandbox/graph/areas/mail";
import { defaultApp } from "../../sandbox/graph/auth";
import { demoSite, seedDemoTenant } from "../../sandbox/demo/demoTenant";
import { toListFields, type ListDefinition } from "../../src/domain/lists";
import { composeApp, type App } from "../../src/app/composition";
import { loadSettings } from "../../src/settings/settings";

/**
 * Azurite and the seeded Graph sandbox with the whole app composed over them and a clock the test sets: for the
 * reports, run as their timers, the Schools list's round and the bot's command run them, end to end through Graph.
 */
export interface ReportsSandbox {
  graph: GraphSandbox;
  app: App;
  /** The settings the app was composed with (local.settings.example.json pointed at this sandbox, plus `env`). */
  env: Record<string, string>;
  siteId: string;
  setClock(iso: string): void;
  /** Writes rows straight into a list, as a person's earlier work would have left them (no change handler runs). */
  fill<S extends z.ZodObject>(list: ListDefinition<S>, rows: readonly z.output<S>[]): void;
  /** Writes items' `fields` (as Graph returns them, or the item itself) straight into a list. */
  fillFields(list: string, items: readonly Record<string, unknown>[]): void;
  items(list: string): { id: string; fields: Record<string, unknown> }[];
  inbox(address: string): StoredMessage[];
  sent(): StoredMessage[];
  library(name?: string): ReturnType<DrivesArea["files"]>;
  stop(): Promise<void>;
}

export async function startReportsSandbox(env: Record<string, string> = {}, start = "2026-03-02T08:05:00Z"): Promise<ReportsSandbox> {
  const azurite: AzuriteProcess = await startAzurite({ blob: await freePort(), queue: await freePort(), table: await freePort() });
  let clock = new Date(start);
  // The sandbox keeps real time (its tokens expire in real time); the app's clock is the test's.
  const graph = await startGraphSandbox({ port: 0, areas: defaultAreas(), seed: seedDemoTenant });
  const example = (JSON.parse(readFileSync(join(__dirname, "..", "..", "local.settings.example.json"), "utf8")) as { Values: Record<string, string> }).Values;
  const all: Record<string, string> = {
    ...example,
    AzureWebJobsStorage: azurite.connectionString,
    GRAPH_BASE_URL: graph.graphUrl,
    AZURE_AUTHORITY_HOST: graph.authorityHost,
    AZURE_TENANT_ID: defaultApp.tenantId,
    AZURE_CLIENT_ID: defaultApp.clientId,
    AZURE_CLIENT_SECRET: defaultApp.clientSecret,
    NOTIFICATION_URL: "http://127.0.0.1:1/api/notifications",
    ...env,
  };
  const app = composeApp(loadSettings(all), { now: () => clock, log: (m) => (process.env.SHOW_APP_LOG ? console.log(m) : undefined) });
  const mail = graph.area<MailArea>("mail");
  mail.limitPerMinute = 0;
  const sites = graph.area<SitesArea>("sites");
  const siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
  return {
    graph,
    app,
    env: all,
    siteId,
    setClock: (iso) => void (clock = new Date(iso)),
    fill: (list, rows) => {
      for (const row of rows) sites.addItem(siteId, list.name, toListFields(list, row), "coordinator@lncip.example", clock);
    },
    fillFields: (list, items) => {
      for (const item of items) sites.addItem(siteId, list, (item.fields ?? item) as Record<string, unknown>, "coordinator@lncip.example", clock);
    },
    items: (list) => sites.items(siteId, list),
    inbox: (address) => mail.inbox(address),
    sent: () => mail.sentItems(all.PARTNERSHIP_MAILBOX ?? ""),
    library: (name = "Reports") => graph.area<DrivesArea>("drives").files(siteId, name),
    async stop() {
      await graph.close();
      await azurite.stop();
    },
  };
}
