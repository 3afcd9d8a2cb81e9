import type { IncomingMessage, ServerResponse } from "node:http";
import type { CoreState, RegisteredFunction } from "./coreModule";
import { invoke } from "./invoke";
import { readBody } from "../httpBody";
import { writeQueueOutputs, type QueueOptions } from "./queueTriggers";

interface HttpRoute {
  fn: RegisteredFunction;
  triggerName: string;
  methods: string[];
  authLevel: "anonymous" | "function" | "admin";
  regex: RegExp;
  paramNames: { name: string; int: boolean }[];
}

export interface Keys {
  functionKey: string;
  masterKey: string;
}

const MAX_BODY = 100 * 1024 * 1024;

/** Compiles an ASP.NET-style route template ({id}, {id?}, {id:int}, {*rest}) into a matcher. */
export function compileRoute(template: string): { regex: RegExp; paramNames: { name: string; int: boolean }[] } {
  const paramNames: { name: string; int: boolean }[] = [];
  const parts = template.replace(/^\/+|\/+$/g, "").split("/");
  let source = "";
  for (const part of parts) {
    const m = /^\{(\*)?([A-Za-z_][A-Za-z0-9_]*)(?::(int|alpha|guid))?(\?)?\}$/.exec(part);
    if (m) {
      paramNames.push({ name: m[2] as string, int: m[3] === "int" });
      const body = m[1] ? "(.*)" : m[3] === "int" ? "(-?\\d+)" : "([^/]+)";
      source += m[4] || m[1] ? `(?:/${body})?` : `/${body}`;
    } else {
      source += `/${part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`;
    }
  }
  return { regex: new RegExp(`^${source}/?$`, "i"), paramNames };
}

export function httpRoutes(core: CoreState): HttpRoute[] {
  const routes: HttpRoute[] = [];
  for (const fn of core.functions.values()) {
    const entry = Object.entries(fn.metadata.bindings).find(([, b]) => b.type.toLowerCase() === "httptrigger");
    if (!entry) continue;
    const [triggerName, binding] = entry;
    routes.push({
      fn,
      triggerName,
      methods: (binding.methods ?? ["GET", "POST"]).map((m) => m.toUpperCase()),
      authLevel: ((binding.authLevel as string | undefined)?.toLowerCase() ?? "anonymous") as HttpRoute["authLevel"],
      ...compileRoute(binding.route ?? fn.metadata.name),
    });
  }
  return routes;
}

/**
 * Serves one request under the route prefix: finds the function, checks its auth level (`x-functions-key` header
 * or `?code=`; the master key satisfies every level), invokes it and writes the library's RPC response back.
 */
export async function serveHttp(core: CoreState, routes: HttpRoute[], keys: Keys, routePrefix: string, queue: QueueOptions, req: IncomingMessage, res: ServerResponse, port: number): Promise<void> {
  const url = new URL(req.url ?? "/", `http://127.0.0.1:${port}`);
  const prefix = routePrefix ? `/${routePrefix.replace(/^\/+|\/+$/g, "")}` : "";
  if (!url.pathname.toLowerCase().startsWith(prefix.toLowerCase())) return text(res, 404, "Not found");
  const path = url.pathname.slice(prefix.length) || "/";
  const method = (req.method ?? "GET").toUpperCase();
  const candidates = routes.filter((r) => r.regex.test(path));
  const route = candidates.find((r) => r.methods.includes(method));
  if (!route) return text(res, candidates.length ? 405 : 404, candidates.length ? "Method not allowed" : "Not found");

  const key = (req.headers["x-functions-key"] as string | undefined) ?? url.searchParams.get("code") ?? "";
  const allowed = route.authLevel === "anonymous" || key === keys.masterKey || (route.authLevel === "function" && key === keys.functionKey);
  if (!allowed) return text(res, 401, "");

  const body = await readBody(req, MAX_BODY);
  if (body === undefined) return text(res, 413, "Request body too large");
  const match = route.regex.exec(path) as RegExpExecArray;
  const params: Record<string, string> = {};
  route.paramNames.forEach((p, i) => {
    const v = match[i + 1];
    if (v !== undefined) params[p.name] = decodeURIComponent(v);
  });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;

  try {
    // Output bindings are written before the response goes back, as the host does.
    const outcome = await invoke(
      core,
      route.fn,
      [{ name: route.triggerName, data: { http: { method, url: url.toString(), headers, query, params, body: { bytes: body }, identities: [] } } }],
      {},
      `This function was programmatically called via the host APIs.`,
      (o) => writeQueueOutputs(route.fn, o, queue),
    );
    const http = outcome.returnValue?.http;
    if (!http) return text(res, 204, "");
    res.statusCode = Number(http.statusCode ?? 200);
    for (const [k, v] of Object.entries(http.headers ?? {})) res.setHeader(k, v);
    const out = http.body?.bytes ? Buffer.from(http.body.bytes) : Buffer.from(http.body?.string ?? "");
    res.end([204, 205, 304].includes(res.statusCode) ? undefined : out);
  } catch (e) {
    core.log("error", route.fn.metadata.name, `Invocation failed: ${(e as Error).message}`);
    text(res, 500, "");
  }
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(body);
}
