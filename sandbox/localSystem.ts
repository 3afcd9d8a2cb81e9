import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startAzuriteOnFreePorts, type AzuriteProcess } from "./azurite";
import { freePort } from "./processes";
import { startGraphSandbox, type GraphSandbox, type GraphSandboxOptions } from "./graph/server";
import { defaultAreas } from "./graph/areas";
import type { SubscriptionTimings } from "./graph/areas/subscriptions";
import { defaultApp } from "./graph/auth";
import { seedDemoTenant } from "./demo/demoTenant";
import { startFunctionsHost, type FunctionsHostProcess } from "./host/startFunctionsHost";

/** Azurite, the Graph sandbox and the app in the local host, on free loopback ports: for the bench and tests. */
export interface LocalSystem {
  azurite: AzuriteProcess;
  graph: GraphSandbox;
  host: FunctionsHostProcess;
  appUrl: string;
  /** The settings the app was started with (the example settings pointed at this system). */
  env: Record<string, string>;
  /** Stops the host (with SIGKILL, as a crashed worker, when `kill`) and starts a fresh one on the same port. */
  restartHost(options?: { kill?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

/** Notifications batched and retried in milliseconds rather than Graph's seconds, so runs finish sooner. */
const fastNotifications: SubscriptionTimings = { batchWindowMs: 50, retryDelayMs: 200, giveUpAfterMs: 60_000, timeoutMs: 3_000, validationTimeoutMs: 10_000 };

/** The repository root, whether this runs from TypeScript (tests) or from dist/ (the bench). */
export const repoRoot = [join(__dirname, ".."), join(__dirname, "..", "..")].find((p) => {
  try {
    return (JSON.parse(readFileSync(join(p, "package.json"), "utf8")) as { name?: string }).name === "inclusion-flow";
  } catch {
    return false;
  }
}) ?? join(__dirname, "..", "..");

/**
 * The app's settings for a local system: local.settings.example.json with storage, Graph and the credential
 * pointed at the given sandbox.
 *
 * @example
 * localAppSettings(azurite.connectionString, graph, 7071).GRAPH_BASE_URL // "https://127.0.0.1:41234/v1.0"
 */
export function localAppSettings(storage: string, graph: Pick<GraphSandbox, "graphUrl" | "authorityHost">, appPort: number): Record<string, string> {
  const example = (JSON.parse(readFileSync(join(repoRoot, "local.settings.example.json"), "utf8")) as { Values: Record<string, string> }).Values;
  return {
    ...example,
    AzureWebJobsStorage: storage,
    GRAPH_BASE_URL: graph.graphUrl,
    AZURE_AUTHORITY_HOST: graph.authorityHost,
    AZURE_TENANT_ID: defaultApp.tenantId,
    AZURE_CLIENT_ID: defaultApp.clientId,
    AZURE_CLIENT_SECRET: defaultApp.clientSecret,
    NOTIFICATION_URL: `http://127.0.0.1:${appPort}/api/notifications`,
    NODE_EXTRA_CA_CERTS: join(repoRoot, "sandbox", "tls", "cert.pem"),
  };
}

/**
 * Starts the whole system on loopback. `appRoot` picks which build the host loads: the repository (dist/ from
 * tsc, package.json main) or the bundled deploy folder (dist/deploy). Every process is stopped by `stop()`.
 *
 * @example
 * const system = await startLocalSystem({ appRoot: join(repoRoot, "dist", "deploy") });
 * await fetch(`${system.appUrl}/api/health`);
 * await system.stop();
 */
export async function startLocalSystem(
  options: { appRoot?: string; seed?: GraphSandboxOptions["seed"]; env?: Record<string, string>; quiet?: boolean; areas?: GraphSandboxOptions["areas"]; subscriptionTimings?: SubscriptionTimings; tenant?: GraphSandboxOptions["tenant"] } = {},
): Promise<LocalSystem> {
  const azurite = await startAzuriteOnFreePorts();
  let graph: GraphSandbox | undefined;
  try {
    graph = await startGraphSandbox({ port: 0, areas: options.areas ?? defaultAreas({ subscriptionTimings: options.subscriptionTimings ?? fastNotifications, tenant: { auditStorage: azurite.connectionString } }), seed: options.seed ?? seedDemoTenant, ...(options.tenant ? { tenant: options.tenant } : {}) });
    const appPort = await freePort();
    const env = { ...localAppSettings(azurite.connectionString, graph, appPort), ...options.env };
    const startHost = () => startFunctionsHost({ appRoot: options.appRoot ?? repoRoot, port: appPort, quiet: options.quiet ?? true, env });
    let host = await startHost();
    const g = graph;
    return {
      azurite,
      graph: g,
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
        await g.close();
        await azurite.stop();
      },
    };
  } catch (e) {
    await graph?.close();
    await azurite.stop();
    throw e;
  }
}
