import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defaultApp } from "./graph/auth";

/**
 * The app's settings for `npm start` and `npm run demo`: the environment wins, then local.settings.json (the host
 * applies it), then the example; storage, Graph and the credential always point at the sandbox started. `defaults`
 * are the runner's own choices, used only where neither the environment nor local.settings.json says otherwise.
 *
 * @example
 * appEnvironment({ root, appPort: 7071, storage: azurite.connectionString, graph }, { CORE_GROUP_QUORUM: "1" }).GRAPH_BASE_URL
 * // "https://127.0.0.1:7080/v1.0"
 */
export function appEnvironment(
  o: { root: string; appPort: number; storage: string; graph: { graphUrl: string; authorityHost: string } },
  defaults: Record<string, string> = {},
): Record<string, string> {
  const read = (file: string) => (existsSync(file) ? ((JSON.parse(readFileSync(file, "utf8")) as { Values?: Record<string, string> }).Values ?? {}) : {});
  const example = read(join(o.root, "local.settings.example.json"));
  const local = read(join(o.root, "local.settings.json"));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...example, ...defaults })) if (process.env[k] === undefined && local[k] === undefined) env[k] = v;
  const fromSandbox: Record<string, string> = {
    AzureWebJobsStorage: o.storage,
    GRAPH_BASE_URL: o.graph.graphUrl,
    AZURE_AUTHORITY_HOST: o.graph.authorityHost,
    AZURE_TENANT_ID: defaultApp.tenantId,
    AZURE_CLIENT_ID: defaultApp.clientId,
    AZURE_CLIENT_SECRET: defaultApp.clientSecret,
    NOTIFICATION_URL: `http://127.0.0.1:${o.appPort}/api/notifications`,
    NODE_EXTRA_CA_CERTS: join(o.root, "sandbox", "tls", "cert.pem"),
  };
  for (const [k, v] of Object.entries(fromSandbox)) if (process.env[k] === undefined || k === "NODE_EXTRA_CA_CERTS") env[k] = v;
  return env;
}
