import { createServer, type Server } from "node:http";
import { CoreState, installCoreModule } from "./coreModule";
import { loadApp, loadLocalSettings, readHostJson } from "./appLoader";
import { httpRoutes, serveHttp, type Keys } from "./httpTriggers";
import { invoke } from "./invoke";
import { queueOptions, startQueueTrigger, writeQueueOutputs } from "./queueTriggers";
import { startTimerTrigger, timerInput, nextOccurrence } from "./timerTriggers";

/** Local defaults for the keys (the real host generates them); overridable by environment variables. */
export const defaultKeys: Keys = { functionKey: "local-function-key", masterKey: "local-master-key" };

export interface RunningHost {
  port: number;
  stop(): Promise<void>;
}

/**
 * Hosts the app in this process, as the Azure Functions host and Node worker do together: serve
 * @azure/functions-core, load the app from package.json `main`, lock registration, run appStart hooks, then
 * serve HTTP triggers under the route prefix, fire timers and drain queues. Knows nothing of the app.
 */
export async function runHost(appRoot: string, port: number): Promise<RunningHost> {
  const core = new CoreState();
  installCoreModule(core);
  loadLocalSettings(appRoot);
  const hostJson = readHostJson(appRoot);
  const keys: Keys = { functionKey: process.env.FUNCTIONS_FUNCTION_KEY ?? defaultKeys.functionKey, masterKey: process.env.FUNCTIONS_MASTER_KEY ?? defaultKeys.masterKey };
  const files = loadApp(appRoot);
  core.locked = true;
  await core.model?.getCapabilities?.({});
  core.log("information", "host", `Loaded ${files.length} file(s); functions: ${[...core.functions.keys()].join(", ") || "(none)"}`);
  await core.runHooks("appStart", { hookData: {}, appHookData: core.appHookData });

  const queue = queueOptions(hostJson);
  const routes = httpRoutes(core);
  const routePrefix = hostJson.extensions?.http?.routePrefix ?? "api";
  const stops: (() => void | Promise<void>)[] = [];
  let ready = false;

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/admin/host/status") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ state: ready ? "Running" : "Initialized", version: core.module.hostVersion }));
    }
    if (url.pathname.startsWith("/admin/")) {
      if (req.headers["x-functions-key"] !== keys.masterKey) {
        res.writeHead(401);
        return res.end();
      }
      if (url.pathname === "/admin/functions" && req.method === "GET") {
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(JSON.stringify([...core.functions.values()].map((f) => ({ name: f.metadata.name, bindings: f.metadata.bindings }))));
      }
      const fnMatch = /^\/admin\/functions\/([^/]+)$/.exec(url.pathname);
      if (fnMatch && req.method === "POST") return void runOnDemand(decodeURIComponent(fnMatch[1] as string), req, res);
    }
    void serveHttp(core, routes, keys, routePrefix, queue, req, res, port);
  });

  /** POST /admin/functions/{name} with {"input": "..."}: runs a non-HTTP function now (202, as the real host). */
  async function runOnDemand(name: string, req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) {
    const fn = core.functions.get(name);
    if (!fn) {
      res.writeHead(404);
      return res.end();
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const input = (JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as { input?: string }).input ?? "";
    const [triggerName, trigger] = Object.entries(fn.metadata.bindings).find(([, b]) => b.direction === "in" && /trigger$/i.test(b.type)) ?? [];
    if (!triggerName || !trigger || /^httpTrigger$/i.test(trigger.type)) {
      res.writeHead(400);
      return res.end("Use the function's HTTP route");
    }
    res.writeHead(202);
    res.end();
    const data = /^timerTrigger$/i.test(trigger.type) ? { json: timerInput(undefined, nextOccurrence(trigger.schedule ?? "0 0 * * * *", new Date())) } : { string: input };
    try {
      await invoke(core, fn, [{ name: triggerName, data }], /^queueTrigger$/i.test(trigger.type) ? { DequeueCount: { json: "1" } } : {}, undefined, (outcome) => writeQueueOutputs(fn, outcome, queue));
    } catch (e) {
      core.log("error", name, `On-demand run failed: ${(e as Error).message}`);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // As Azure's front end does: idle connections are kept long enough that a busy client never reuses a closed one.
    server.keepAliveTimeout = 120_000;
    server.headersTimeout = 125_000;
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;

  for (const fn of core.functions.values()) {
    // A function disabled by its app setting (as Azure's AzureWebJobs.<name>.Disabled) is not triggered; the admin
    // API still runs it on demand with the master key, as Azure's does.
    if (/^(true|1)$/i.test(process.env[`AzureWebJobs.${fn.metadata.name}.Disabled`] ?? "")) {
      core.log("information", "host", `${fn.metadata.name} is disabled (AzureWebJobs.${fn.metadata.name}.Disabled): it runs only when asked through the admin API`);
      continue;
    }
    for (const [name, b] of Object.entries(fn.metadata.bindings)) {
      if (/^timerTrigger$/i.test(b.type)) stops.push(startTimerTrigger(core, fn, name, queue));
      if (/^queueTrigger$/i.test(b.type)) stops.push(startQueueTrigger(core, fn, name, queue));
    }
  }
  ready = true;
  core.log("information", "host", `Listening on http://127.0.0.1:${actualPort}/${routePrefix}`);

  return {
    port: actualPort,
    async stop() {
      await core.runHooks("appTerminate", { hookData: {}, appHookData: core.appHookData });
      for (const s of stops) await s();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections(); // kept-alive connections would otherwise hold the close for two minutes
      });
    },
  };
}
