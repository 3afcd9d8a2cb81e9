import { join } from "node:path";
import { startAzuriteOnFreePorts, type AzuriteProcess } from "../../sandbox/azurite";
import { freePort } from "../../sandbox/processes";
import { startGraphSandbox, type GraphSandbox } from "../../sandbox/graph/server";
import { defaultAreas, type MailArea, type SitesArea } from "../../sandbox/graph/areas";
import { demoSite, seedDemoTenant } from "../../sandbox/demo/demoTenant";
import { startFunctionsHost, type FunctionsHostProcess } from "../../sandbox/host/startFunctionsHost";
import { localAppSettings } from "../../sandbox/localSystem";

/** The whole system on loopback, as npm start runs it, for end-to-end tests. */
export interface TestSystem {
  azurite: AzuriteProcess;
  graph: GraphSandbox;
  host: FunctionsHostProcess;
  appUrl: string;
  functionKey: string;
  mail: MailArea;
  items(list: string): { id: string; fields: Record<string, unknown> }[];
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  until<T>(what: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

const root = join(__dirname, "..", "..");

/** `tenant: "strict"` starts the sandbox as a strict tenant (sandbox/graph/strictTenant.ts) before the app subscribes. */
export async function startTestSystem(extraEnv: Record<string, string> = {}, options: { tenant?: "default" | "strict" } = {}): Promise<TestSystem> {
  const azurite = await startAzuriteOnFreePorts();
  const graph = await startGraphSandbox({ port: 0, areas: defaultAreas({ subscriptionTimings: { batchWindowMs: 50, retryDelayMs: 200, giveUpAfterMs: 60_000, timeoutMs: 3_000, validationTimeoutMs: 10_000 }, tenant: { auditStorage: azurite.connectionString } }), seed: seedDemoTenant, ...(options.tenant ? { tenant: options.tenant } : {}) });
  const appPort = await freePort();
  const host = await startFunctionsHost({
    appRoot: root,
    port: appPort,
    quiet: !process.env.SHOW_HOST_OUTPUT,
    env: { ...localAppSettings(azurite.connectionString, graph, appPort), ...extraEnv },
  });
  const sites = graph.area<SitesArea>("sites");
  const siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
  const system: TestSystem = {
    azurite,
    graph,
    host,
    appUrl: host.url,
    functionKey: "local-function-key",
    mail: graph.area<MailArea>("mail"),
    items: (list) => sites.items(siteId, list),
    post: (path, body, headers = {}) =>
      fetch(`${host.url}${path}`, { method: "POST", headers: { "content-type": "application/json", "x-functions-key": "local-function-key", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) }),
    async until(what, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = what();
        if (v !== undefined && v !== false) return v as never;
        if (Date.now() > deadline) throw new Error(`Timed out waiting.\nHost output:\n${host.output().slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      await host.stop();
      await graph.close();
      await azurite.stop();
    },
  };
  return system;
}
