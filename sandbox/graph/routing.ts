/**
 * The contract between the Graph sandbox's server (request parsing, auth, request log, fault injection,
 * `$batch`) and its areas (sites/lists/items, delta, subscriptions, calendar, mail). Each area is a
 * `GraphArea`: a set of routes plus its own state, so areas can be written and tested independently and the
 * server treats them alike (a `$batch` item is dispatched through the same routes as a direct request).
 *
 * Development only: production code never imports anything under `sandbox/`.
 */
import type { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** A request as an area sees it: already authenticated, path relative to `/v1.0`, body parsed as JSON if any. */
export interface SandboxRequest {
  method: HttpMethod;
  /** Path under `/v1.0`, e.g. `/users/senco@lncip.example/events/AAMk...`, percent-decoded per segment. */
  path: string;
  /** Values of `:name` segments of the matched route pattern. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined when there was none or it is not JSON (a file's content: see `raw`). */
  body: unknown;
  /** The body's bytes as sent, when its Content-Type is not JSON (a file uploaded to a drive). */
  raw?: Buffer | undefined;
  /** The app id (client id) from the bearer token, for per-app behaviour such as throttling and ownership. */
  appId: string;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON-serialised unless it is a string (sent as text/plain) or undefined (no body). */
  body?: unknown;
}

/** Graph-shaped error body: `{"error":{"code","message","innerError":{"request-id","date"}}}`. */
export interface GraphErrorBody {
  error: { code: string; message: string; innerError: { "request-id": string; date: string } };
}

/** Thrown by an area to answer with a Graph error; the server turns it into the Graph error shape. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "GraphError";
  }
}

/** Events areas publish for each other (e.g. items → subscriptions). */
export interface SandboxEvents {
  /** A list item was created, updated or deleted: subscriptions on that list notify. */
  listChanged: { siteId: string; listId: string; itemId: string; changeType: "created" | "updated" | "deleted" };
}

export interface SandboxContext {
  /** The sandbox clock; tests may replace it. Always use this, never `new Date()`. */
  now(): Date;
  /** Base URL the sandbox is reachable at, e.g. `http://127.0.0.1:7080` (no trailing slash). */
  baseUrl: string;
  /** Tenant id used in tokens and notifications. */
  tenantId: string;
  events: TypedEmitter;
  /** Fault hooks an area consults for behaviour only it can fake (e.g. duplicate or lost notifications). */
  faults: AreaFaults;
  /** Look up another area's state by name (e.g. the calendar needs the directory of mailboxes). */
  area<T extends GraphArea>(name: string): T;
  /** What the tenant grants the app (all of it unless the sandbox plays a strict tenant: strictTenant.ts). */
  tenant: { readonly grants: TenantGrants };
}

/** What a tenant grants the app, where a real tenant may refuse (strictTenant.ts). */
export interface TenantGrants {
  listSubscriptions: boolean;
  mailRead: boolean;
  teamsMeetings: boolean;
}

export interface AreaFaults {
  /** True when the next notification delivery should be dropped (consumes one count). */
  takeLostNotification(): boolean;
  /** True when the next notification delivery should be sent twice (consumes one count). */
  takeDuplicateNotification(): boolean;
  /** True when the next delta request with a token should answer 410 (consumes one count). */
  takeExpiredDeltaToken(): boolean;
  /** True when the next PATCH of an item should answer 412 as if someone else edited it (consumes one count). */
  takeForcedPreconditionFailure(): boolean;
}

export interface TypedEmitter {
  on<K extends keyof SandboxEvents>(event: K, listener: (payload: SandboxEvents[K]) => void): void;
  emit<K extends keyof SandboxEvents>(event: K, payload: SandboxEvents[K]): void;
}

export interface GraphRoute {
  method: HttpMethod;
  /**
   * Path pattern under `/v1.0`. Segments starting with `:` capture (e.g. `/users/:user/events/:id`).
   * A segment may also be a Graph key-as-segment like `/sites/:hostname::/sites/:path` — the server's matcher
   * documents exactly what it supports.
   */
  pattern: string;
  handle(req: SandboxRequest, ctx: SandboxContext): SandboxResponse | Promise<SandboxResponse>;
}

/** One area of the sandbox: its routes and its state. */
export interface GraphArea {
  readonly name: string;
  readonly routes: readonly GraphRoute[];
  /** Back to the empty state (the server then re-applies the seed). */
  reset(): void;
  /** A JSON-serialisable dump of the area's state for `GET /_sandbox/state`. */
  dump(): unknown;
  /** Optional: start background work (e.g. notification delivery loop) and stop it on close. */
  start?(ctx: SandboxContext): void;
  stop?(): Promise<void> | void;
  /**
   * Optional: serve requests outside Graph's `/v1.0` on the sandbox's origin — SharePoint's REST API under a
   * site's `/_api`, the local tenant's pages. True when the area answered the request.
   */
  handleWeb?(request: WebRequest, response: ServerResponse, web: WebContext): Promise<boolean>;
}

/** A request to the sandbox's origin outside Graph, as a web area sees it. */
export interface WebRequest {
  method: string;
  url: URL;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** The body as text ("" when none). */
  raw: string;
}

/** What the server lends web areas: token checks, faults and the request log, as Graph requests have them. */
export interface WebContext {
  sandbox: SandboxContext;
  /** The claims of a valid token for `audience`, or why it is not one. */
  verifyToken(authorization: string | undefined, audience: string): { ok: true; appId: string; appidacr: string; roles: readonly string[] } | { ok: false; message: string };
  /** A fault rule matching this request, if any (the same rules as Graph's, by path). */
  fault(method: string, path: string): { kind: string; retryAfterSeconds?: number | undefined; delayMs?: number | undefined } | undefined;
  /** Adds an entry to the request log (`GET /_sandbox/requests`). */
  log(entry: { method: string; path: string; status: number; appId?: string; requestBody?: unknown; requestHeaders?: Record<string, string> }): void;
}

export type { EventEmitter };
