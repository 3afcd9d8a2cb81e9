import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { startAzurite, type AzuriteProcess } from "./azurite";
import { freePort } from "./processes";
import { startGraphSandbox, type GraphSandbox } from "./graph/server";
import { defaultAreas } from "./graph/areas";
import type { SubscriptionTimings } from "./graph/areas/subscriptions";
import { defaultApp } from "./graph/auth";
import { seedDemoTenant } from "./demo/demoTenant";
import { startFunctionsHost, type FunctionsHostProcess } from "./host/startFunctionsHost";

// From the TypeScript source (tests) the repo is one folder up; from dist/sandbox, two.
const appRoot = existsSync(join(__dirname, "..", "package.json")) ? resolve(__dirname, "..") : resolve(__dirname, "..", "..");

/**
 * The whole system on loopback — Azurite, the Graph sandbox seeded with the demo partnership, the app in the
 * local Functions host — for the soak and the benchmark, which run compiled from dist/. The Graph sandbox runs in
 * this process (its state, request log and faults are read directly); the host is a child process, so it can be
 * killed and started again as a crashed worker would be.
 *
 * @example
 * const system = await startLocalSystem({ quiet: true });
 * await system.restartHost({ kill: true }); // SIGKILL midway, then a fresh host on the same port
 * await system.stop();
 */
export interface LocalSystem {
  azurite: AzuriteProcess;
  graph: GraphSandbox;
  host: FunctionsHostProcess;
  appUrl: string;
  /** The settings the app was started with (the example's, with the sandbox's addresses and credentials). */
  env: Record<string, string>;
  restartHost(options?: { kill?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalSystemOptions {
  quiet?: boolean;
  /** Settings over the example's (e.g. a different quorum). */
  env?: Record<string, string>;
  subscriptionTimings?: SubscriptionTimings;
}

/** Settings for the app against a sandbox: the example's values, then the sandbox's addresses and credentials. */
export function sandboxAppEnvironment(storage: string, graph: Pick<GraphSandbox, "graphUrl" | "authorityHost">, appPort: number): Record<string, string> {
  const example = (JSON.parse(readFileSync(join(appRoot, "local.settings.example.json"), "utf8")) as { Values: Record<string, string> }).Values;
  return {
    ...example,
    AzureWebJobsStorage: storage,
    GRAPH_BASE_URL: graph.graphUrl,
    AZURE_AUTHORITY_HOST: graph.authorityHost,
    AZURE_TENANT_ID: defaultApp.tenantId,
    AZURE_CLIENT_ID: defaultApp.clientId,
    AZURE_CLIENT_SECRET: defaultApp.clientSecret,
    NOTIFICATION_URL: `http://127.0.0.1:${appPort}/api/notifications`,
    NODE_EXTRA_CA_CERTS: join(appRoot, "sandbox", "tls", "cert.pem"),
  };
}

export async function startLocalSystem(options: LocalSystemOptions = {}): Promise<LocalSystem> {
  const azurite = await startAzurite({ blob: await freePort(), queue: await freePort(), table: await freePort() });
  const graph = await startGraphSandbox({
    port: 0,
    areas: defaultAreas({ subscriptionTimings: options.subscriptionTimings ?? { batchWindowMs: 50, retryDelayMs: 200, giveUpAfterMs: 60_000, timeoutMs: 3_000, validationTimeoutMs: 10_000 } }),
    seed: seedDemoTenant,
  });
  const appPort = await freePort();
  const env = { ...sandboxAppEnvironment(azurite.connectionString, graph, appPort), ...options.env };
  const startHost = () => startFunctionsHost({ appRoot, port: appPort, quiet: options.quiet ?? true, env });
  let host = await startHost();
  const system: LocalSystem = {
    azurite,
    graph,
    get host() {
      return host;
    },
    appUrl: host.url,
    env,
    async restartHost({ kill = false } = {}) {
      if (kill) process.kill(host.pid, "SIGKILL");
      await host.stop();
      host = await startHost();
    },
    async stop() {
      await host.stop();
      await graph.close();
      await azurite.stop();
    },
  };
  return system;
}
