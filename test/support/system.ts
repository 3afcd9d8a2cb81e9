import { join } from "node:path";
import { readFileSync } from "node:fs";
import { startAzurite, type AzuriteProcess } from "../../sandbox/azurite";
import { freePort } from "../../sandbox/processes";
import { startGraphSandbox, type GraphSandbox } from "../../sandbox/graph/server";
import { defaultAreas, type MailArea, type SitesArea } from "../../sandbox/graph/areas";
import { defaultApp } from "../../sandbox/graph/auth";
import { demoSite, seedDemoTenant } from "../../sandbox/demo/demoTenant";
import { startFunctionsHost, type FunctionsHostProcess } from "../../sandbox/host/startFunctionsHost";

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

export async function startTestSystem(extraEnv: Record<string, string> = {}): Promise<TestSystem> {
  const azurite = await startAzurite({ blob: await freePort(), queue: await freePort(), table: await freePort() });
  const graph = await startGraphSandbox({ port: 0, areas: defaultAreas({ subscriptionTimings: { batchWindowMs: 50, retryDelayMs: 200, giveUpAfterMs: 60_000, timeoutMs: 3_000, validationTimeoutMs: 10_000 } }), seed: seedDemoTenant });
  const appPort = await freePort();
  const example = (JSON.parse(readFileSync(join(root, "local.settings.example.json"), "utf8")) as { Values: Record<string, string> }).Values;
  const host = await startFunctionsHost({
    appRoot: root,
    port: appPort,
    quiet: !process.env.SHOW_HOST_OUTPUT,
    env: {
      ...example,
      AzureWebJobsStorage: azurite.connectionString,
      GRAPH_BASE_URL: graph.graphUrl,
      AZURE_AUTHORITY_HOST: graph.authorityHost,
      AZURE_TENANT_ID: defaultApp.tenantId,
      AZURE_CLIENT_ID: defaultApp.clientId,
      AZURE_CLIENT_SECRET: defaultApp.clientSecret,
      NOTIFICATION_URL: `http://127.0.0.1:${appPort}/api/notifications`,
      NODE_EXTRA_CA_CERTS: join(root, "sandbox", "tls", "cert.pem"),
      ...extraEnv,
    },
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
