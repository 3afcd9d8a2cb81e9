import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Socket } from "node:net";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { defaultApp, GRAPH_RESOURCE, openIdConfiguration, TokenAuthority, type AppRegistration } from "./auth";
import { FaultBook, faultRuleSchema } from "./faults";
import { TenantPolicy, tenantModeFromEnv, type TenantMode } from "./strictTenant";
import { readBody } from "../httpBody";
import { ensureLoopbackTls } from "../tls/loopbackCertificate";
import {
  GraphError,
  type GraphArea,
  type GraphRoute,
  type HttpMethod,
  type SandboxContext,
  type SandboxEvents,
  type SandboxRequest,
  type SandboxResponse,
  type TypedEmitter,
  type WebContext,
} from "./routing";

export interface RequestLogEntry {
  at: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  appId?: string | undefined;
  requestBody?: unknown;
  /** Set for a request that arrived inside a $batch. */
  batch?: boolean;
  /** For SharePoint REST requests: the headers that shape them (Accept, Content-Type, X-HTTP-Method, IF-MATCH). */
  requestHeaders?: Record<string, string> | undefined;
}

export interface GraphSandboxOptions {
  port?: number;
  host?: string;
  areas: GraphArea[];
  seed?: (ctx: SandboxContext, areas: readonly GraphArea[]) => void | Promise<void>;
  clock?: () => Date;
  apps?: AppRegistration[];
  /** Random source for rate-based faults (tests pass a fixed one). */
  random?: () => number;
  /** Play a strict tenant (strictTenant.ts); default: GRAPH_SANDBOX_TENANT, else `default`. */
  tenant?: TenantMode;
}

export interface GraphSandbox {
  url: string;
  graphUrl: string;
  authorityHost: string;
  port: number;
  context: SandboxContext;
  faults: FaultBook;
  /** What the tenant grants the app; `tenant.change({ mode: "strict" })` makes it refuse what a real tenant may. */
  tenant: TenantPolicy;
  requests: RequestLogEntry[];
  area<T extends GraphArea>(name: string): T;
  reset(): Promise<void>;
  close(): Promise<void>;
}

const MAX_BODY = 4 * 1024 * 1024;

/**
 * Starts the Graph sandbox on one loopback HTTPS port (MSAL refuses a non-https authority and the Graph client
 * attaches tokens only to https URLs): Graph under /v1.0, the token authority at /{tenant}/..., the admin API
 * under /_sandbox and a read-only state page at /. Clients trust sandbox/tls/cert.pem via NODE_EXTRA_CA_CERTS (this
 * machine's own loopback leaf certificate, made on first use: sandbox/tls/loopbackCertificate.ts).
 *
 * @example
 * const graph = await startGraphSandbox({ port: 0, areas: defaultAreas(), seed: demoTenant });
 * graph.graphUrl // "https://127.0.0.1:41234/v1.0"
 */
export async function startGraphSandbox(options: GraphSandboxOptions): Promise<GraphSandbox> {
  const host = options.host ?? "127.0.0.1";
  const now = options.clock ?? (() => new Date());
  const apps = options.apps ?? [{ ...defaultApp, certificatePem: readFileSync(join(tlsDir(), "app-credential.pem"), "utf8") }];
  const faults = new FaultBook(options.random);
  const tenant = new TenantPolicy(options.tenant ?? tenantModeFromEnv(process.env));
  const requests: RequestLogEntry[] = [];
  const emitter = new EventEmitter();
  emitter.setMaxListeners(100);
  const events: TypedEmitter = {
    on: (e, l) => void emitter.on(e, l as (p: unknown) => void),
    emit: <K extends keyof SandboxEvents>(e: K, p: SandboxEvents[K]) => void emitter.emit(e, p),
  };
  const areas = new Map(options.areas.map((a) => [a.name, a]));
  const routes = options.areas.flatMap((a) => a.routes.map((r) => ({ route: r, segments: r.pattern.split("/").filter(Boolean) })));

  const tls = { cert: readFileSync(join(tlsDir(), "cert.pem")), key: readFileSync(join(tlsDir(), "key.pem")) };
  const handler = (req: IncomingMessage, res: ServerResponse) => void handle(req, res).catch((e: unknown) => send(res, 500, graphErrorBody("generalException", String(e))));
  const front = createHttpsServer(tls, handler);
  // Microsoft's front ends keep idle connections for minutes; Node's 5-second default makes a busy client reuse a
  // socket the server has just closed ("fetch failed"), a failure Graph itself does not have.
  front.keepAliveTimeout = 120_000;
  front.headersTimeout = 125_000;
  const sockets = new Set<Socket>();
  front.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    front.once("error", reject);
    front.listen(options.port ?? 0, host, () => resolve());
  });
  const address = front.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const origin = `https://${host}:${port}`;
  // The sandbox's origin plays the tenant's SharePoint host: SharePoint REST tokens are for it.
  const authority = new TokenAuthority(apps, now, [GRAPH_RESOURCE, origin]);
  const web: WebContext = {
    sandbox: undefined as unknown as SandboxContext,
    verifyToken(authorization, audience) {
      const v = authority.verify(authorization, audience);
      return v.ok ? { ok: true, appId: v.claims.appid, appidacr: v.claims.appidacr, roles: v.claims.roles } : v;
    },
    fault: (method, path) => faults.forRequest(method, path),
    log: (e) => void requests.push({ at: now().toISOString(), durationMs: 0, ...e }),
  };

  const context: SandboxContext = {
    now,
    baseUrl: origin,
    tenantId: apps[0]?.tenantId ?? defaultApp.tenantId,
    events,
    faults,
    tenant,
    area<T extends GraphArea>(name: string): T {
      const a = areas.get(name);
      if (!a) throw new Error(`The sandbox has no area ${name}`);
      return a as T;
    },
  };
  web.sandbox = context;
  const reseed = async () => {
    for (const a of areas.values()) a.reset();
    await options.seed?.(context, [...areas.values()]);
  };
  await reseed();
  for (const a of areas.values()) a.start?.(context);

  /** Runs one Graph request (direct or from a $batch) through faults, routing and the log. */
  async function dispatch(method: string, pathAndQuery: string, headers: Record<string, string>, body: unknown, appId: string, batch: boolean, raw?: Buffer): Promise<SandboxResponse & { reset?: boolean }> {
    const started = Date.now();
    const url = new URL(pathAndQuery, "https://graph.local");
    const path = url.pathname.replace(/^\/v1\.0/, "") || "/";
    let response: SandboxResponse & { reset?: boolean };
    const fault = faults.forRequest(method, path);
    if (fault?.kind === "slow") await delay(fault.delayMs ?? 4000);
    const refused = fault && fault.kind !== "slow" ? undefined : tenant.refusal(method, path, body, subscriptionResource);
    if (fault && fault.kind !== "slow") {
      response = faultResponse(fault.kind, fault.retryAfterSeconds);
    } else if (refused) {
      response = { status: refused.status, body: graphErrorBody(refused.code, refused.message, now()) };
    } else {
      response = await route(method, path, url.searchParams, headers, body, appId, raw);
    }
    requests.push({ at: now().toISOString(), method, path: `${path}${url.search}`, status: response.status, durationMs: Date.now() - started, appId, requestBody: raw ? { bytes: raw.length, contentType: headers["content-type"] } : body, ...(batch ? { batch } : {}) });
    return response;
  }

  /** What an existing subscription watches (a renewal of a list subscription is refused like its creation). */
  function subscriptionResource(id: string): string | undefined {
    const dump = areas.get("subscriptions")?.dump() as { subscriptions?: { id: string; resource: string }[] } | undefined;
    return dump?.subscriptions?.find((s) => s.id === id)?.resource;
  }

  async function route(method: string, path: string, query: URLSearchParams, headers: Record<string, string>, body: unknown, appId: string, raw?: Buffer): Promise<SandboxResponse> {
    const segments = path.split("/").filter(Boolean).map(safeDecode);
    let methodMismatch = false;
    for (const { route: r, segments: pattern } of routes) {
      const params = match(pattern, segments);
      if (!params) continue;
      if (r.method !== method) {
        methodMismatch = true;
        continue;
      }
      const request: SandboxRequest = { method: method as HttpMethod, path, params, query, headers, body, appId, raw };
      try {
        return await r.handle(request, context);
      } catch (e) {
        if (e instanceof GraphError) return { status: e.status, headers: e.headers, body: graphErrorBody(e.code, e.message, now()) };
        throw e;
      }
    }
    if (methodMismatch) return { status: 405, body: graphErrorBody("Request_BadRequest", `Specified HTTP method is not allowed for the request target.`, now()) };
    return { status: 400, body: graphErrorBody("BadRequest", `Resource not found for the segment '${segments[0] ?? ""}'.`, now()) };
  }

  async function batch(body: unknown, headers: Record<string, string>, appId: string): Promise<SandboxResponse> {
    const parsed = body as { requests?: { id?: string; method?: string; url?: string; headers?: Record<string, string>; body?: unknown; dependsOn?: string[] }[] };
    const list = parsed?.requests;
    if (!Array.isArray(list) || list.length === 0) return { status: 400, body: graphErrorBody("BadRequest", "Invalid batch payload format.", now()) };
    if (list.length > 20) return { status: 400, body: graphErrorBody("BadRequest", "Number of requests in the batch exceeds the maximum limit of 20.", now()) };
    const ids = list.map((r) => r.id);
    if (ids.some((id) => !id) || new Set(ids).size !== ids.length) return { status: 400, body: graphErrorBody("BadRequest", "Batch request ids must be unique and present.", now()) };
    const results = new Map<string, { id: string; status: number; headers: Record<string, string>; body?: unknown }>();
    for (const r of list) {
      const id = r.id as string;
      const failedDependency = (r.dependsOn ?? []).find((d) => { const s = results.get(d)?.status; return s === undefined || s >= 400; });
      if (failedDependency !== undefined) {
        results.set(id, { id, status: 424, headers: { "content-type": "application/json" }, body: graphErrorBody("FailedDependency", `Request ${id} depends on request ${failedDependency}, which failed.`, now()) });
        continue;
      }
      const itemHeaders = lowerKeys({ ...headers, ...(r.headers ?? {}) });
      const relative = (r.url ?? "").startsWith("/") ? r.url ?? "" : `/${r.url ?? ""}`;
      const res = await dispatch((r.method ?? "GET").toUpperCase(), `/v1.0${relative}`, itemHeaders, r.body, appId, true);
      results.set(id, { id, status: res.reset ? 503 : res.status, headers: { "content-type": "application/json", ...(res.headers ?? {}) }, ...(res.body !== undefined ? { body: res.body } : {}) });
    }
    return { status: 200, body: { responses: [...results.values()] } };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", origin);
    const method = (req.method ?? "GET").toUpperCase();
    const bytes = await readBody(req, MAX_BODY);
    const raw = bytes?.toString("utf8");
    if (raw === undefined) return send(res, 413, graphErrorBody("RequestEntityTooLarge", "The request is too large.", now()));
    const headers = lowerKeys(req.headers as Record<string, string>);
    const requestId = randomUUID();
    res.setHeader("request-id", requestId);
    res.setHeader("client-request-id", headers["client-request-id"] ?? requestId);

    // The token authority (MSAL's requests).
    const oidc = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
    if (oidc && method === "GET") return send(res, 200, openIdConfiguration(origin, oidc[1] as string));
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (token && method === "POST") {
      const issued = authority.issue(token[1] as string, new URLSearchParams(raw), `https://sts.windows.net/${token[1]}/`, `${origin}${url.pathname}`);
      return send(res, issued.ok ? 200 : issued.status, issued.body);
    }

    if (url.pathname.startsWith("/_sandbox")) return admin(method, url, raw, res);
    if (!url.pathname.startsWith("/v1.0/")) {
      // SharePoint's REST API and the local tenant's pages (areas with handleWeb), else Graph's 404.
      for (const a of areas.values()) if (a.handleWeb && (await a.handleWeb({ method, url, headers, raw }, res, web))) return;
      return send(res, 404, graphErrorBody("NotFound", "Not found", now()));
    }

    const verified = authority.verify(headers.authorization);
    if (!verified.ok) return send(res, 401, graphErrorBody("InvalidAuthenticationToken", verified.message, now()));
    let body: unknown;
    // A file's content (a drive upload) is bytes, not JSON: areas read it as `raw`. Anything else must be JSON.
    const fileContent = method === "PUT" && /\/content$/.test(url.pathname);
    if (raw && !fileContent) {
      try {
        body = JSON.parse(raw);
      } catch {
        return send(res, 400, graphErrorBody("BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.", now()));
      }
    }
    const appId = verified.claims.appid;
    if (url.pathname === "/v1.0/$batch" && method === "POST") {
      const out = await batch(body, headers, appId);
      requests.push({ at: now().toISOString(), method, path: "/$batch", status: out.status, durationMs: 0, appId });
      return send(res, out.status, out.body, out.headers);
    }
    const out = await dispatch(method, `${url.pathname}${url.search}`, headers, body, appId, false, fileContent ? bytes : undefined);
    if (out.reset) {
      req.socket.destroy();
      return;
    }
    send(res, out.status, out.body, out.headers);
  }

  function admin(method: string, url: URL, raw: string, res: ServerResponse): void {
    const path = url.pathname.replace(/^\/_sandbox/, "") || "/";
    if (path === "/requests" && method === "GET") {
      const prefix = url.searchParams.get("path") ?? "";
      return send(res, 200, { value: requests.filter((r) => r.path.startsWith(prefix)) });
    }
    if (path === "/requests" && method === "DELETE") {
      requests.length = 0;
      return send(res, 204, undefined);
    }
    if (path === "/state" && method === "GET") return send(res, 200, Object.fromEntries([...areas.values()].map((a) => [a.name, a.dump()])));
    if (path === "/reset" && method === "POST") {
      void reseed().then(() => send(res, 204, undefined));
      return;
    }
    if (path === "/tenant") {
      const out = tenant.admin(method, raw);
      return send(res, out.status, out.body);
    }
    if (path === "/faults" && method === "GET") return send(res, 200, { value: faults.list() });
    if (path === "/faults" && method === "DELETE") {
      faults.clear();
      return send(res, 204, undefined);
    }
    if (path === "/faults" && method === "POST") {
      const rule = faultRuleSchema.safeParse(safeJson(raw));
      if (!rule.success) return send(res, 400, { error: rule.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
      return send(res, 201, { id: faults.add(rule.data) });
    }
    const lifecycle = /^\/subscriptions\/([^/]+)\/lifecycle$/.exec(path);
    if (lifecycle && method === "POST") {
      const area = areas.get("subscriptions") as (GraphArea & { triggerLifecycleEvent?: (id: string, e: string) => boolean }) | undefined;
      const ok = area?.triggerLifecycleEvent?.(lifecycle[1] as string, String((safeJson(raw) as { event?: string })?.event ?? "reauthorizationRequired"));
      return send(res, ok ? 202 : 404, ok ? undefined : { error: "no such subscription" });
    }
    send(res, 404, { error: `no admin route ${method} ${path}` });
  }

  return {
    url: origin,
    graphUrl: `${origin}/v1.0`,
    authorityHost: origin,
    port,
    context,
    faults,
    tenant,
    requests,
    area: context.area,
    reset: reseed,
    async close() {
      for (const a of areas.values()) await a.stop?.();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    },
  };
}

function match(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    const s = segments[i] as string;
    if (p.startsWith(":") && p.endsWith(":") && p.length > 2) {
      if (!s.endsWith(":")) return undefined;
      params[p.slice(1, -1)] = s.slice(0, -1);
    } else if (p.startsWith(":")) params[p.slice(1)] = s;
    else if (p.toLowerCase() !== s.toLowerCase()) return undefined;
  }
  return params;
}

function faultResponse(kind: string, retryAfter = 1): SandboxResponse & { reset?: boolean } {
  const now = new Date();
  switch (kind) {
    case "429":
      return { status: 429, headers: { "retry-after": String(retryAfter) }, body: graphErrorBody("TooManyRequests", "Too many requests.", now) };
    case "503":
      return { status: 503, headers: { "retry-after": String(retryAfter) }, body: graphErrorBody("serviceNotAvailable", "The service is temporarily unavailable.", now) };
    case "412":
      return { status: 412, body: graphErrorBody("resourceModified", "The resource has changed since the caller last read it; usually an eTag mismatch", now) };
    case "reset":
      return { status: 0, reset: true };
    default:
      return { status: Number(kind), body: graphErrorBody(kind === "500" ? "generalException" : "UnknownError", `Injected ${kind}.`, now) };
  }
}

export function graphErrorBody(code: string, message: string, now = new Date()) {
  return { error: { code, message, innerError: { "request-id": randomUUID(), date: now.toISOString().slice(0, 19) } } };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (body === undefined || status === 204 || status === 202 && body === undefined) {
    res.writeHead(status);
    res.end();
  } else if (typeof body === "string") {
    res.writeHead(status, { "content-type": res.getHeader("content-type") ?? "text/plain; charset=utf-8" });
    res.end(body);
  } else {
    res.writeHead(status, { "content-type": "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8" });
    res.end(JSON.stringify(body));
  }
}

function lowerKeys(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** sandbox/tls, with this machine's loopback certificate and app credential made there if they are not yet. */
export function tlsDir(): string {
  return ensureLoopbackTls().dir;
}

export type { GraphRoute };
