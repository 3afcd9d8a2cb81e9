import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { BODY_LIMITS, readBoundedBody } from "../../m365/http/boundedBody";
import { AuthType, CloudAdapter, createOutboundHostValidator, type AuthConfiguration, type Request as AgentsRequest, type TurnContext, type WebResponse } from "@microsoft/agents-hosting";

/**
 * Runs the Microsoft 365 Agents SDK inside an Azure Functions HTTP trigger. The SDK is written for Express: its JWT
 * check (`authorizeRequest`) and `process()` take an Express-like request and response. This module translates a
 * Functions `HttpRequest` into those shapes, collects what the SDK writes into an `HttpResponseInit`, and fences
 * the SDK's anonymous development mode so it can only ever serve the local Agents Playground.
 */

/** The bot's identity settings (a subset of the app settings). */
export interface BotIdentitySettings {
  /** The Azure Bot's app id (the user-assigned managed identity's client id); unset = local development. */
  BOT_CLIENT_ID?: string | undefined;
  /** The bot's tenant; AZURE_TENANT_ID when unset. */
  BOT_TENANT_ID?: string | undefined;
  AZURE_TENANT_ID: string;
}

/**
 * The SDK's auth configuration from the app settings: a single-tenant bot authenticating with its user-assigned
 * managed identity (`AuthType.UserManagedIdentity`, SDK 1.8.1). Incoming tokens are checked against the
 * connection's `clientId` (audience) and the tenant's issuers. Without `BOT_CLIENT_ID` the configuration is
 * anonymous (development only; see `anonymousRefusal`).
 *
 * @example
 * botAuthConfiguration({ BOT_CLIENT_ID: "1111…", AZURE_TENANT_ID: "2222…" })
 * // { clientId: "1111…", tenantId: "2222…", authType: "UserManagedIdentity", connections: Map { "serviceConnection" => … } }
 */
export function botAuthConfiguration(settings: BotIdentitySettings): AuthConfiguration {
  const clientId = settings.BOT_CLIENT_ID?.trim() || undefined;
  if (!clientId) return { connections: new Map() } as AuthConfiguration;
  const connection: AuthConfiguration = {
    clientId,
    tenantId: settings.BOT_TENANT_ID?.trim() || settings.AZURE_TENANT_ID,
    authType: AuthType.UserManagedIdentity,
    validateIssuer: true,
  };
  // The JWT check only accepts audiences found in `connections`: without the map every token would be refused.
  return { ...connection, connections: new Map([["serviceConnection", connection]]), connectionsMap: [{ serviceUrl: "*", connection: "serviceConnection" }] };
}

/**
 * The process's SDK adapter. With a bot client id (Teams for real) it also refuses an activity whose `serviceUrl`
 * differs from its token's `serviceurl` claim, and only ever calls Microsoft's bot hosts back (the SDK's outbound
 * allow-list: `*.botframework.com`, `smba.trafficmanager.net`, …), so the bot's token can never be sent to a
 * `serviceUrl` someone slipped into storage. Anonymous (the local Playground on `http://127.0.0.1`): neither.
 *
 * @example
 * const adapter = botAdapter({ BOT_CLIENT_ID: settings.BOT_CLIENT_ID, AZURE_TENANT_ID: settings.AZURE_TENANT_ID });
 */
export function botAdapter(settings: BotIdentitySettings): CloudAdapter {
  const config = botAuthConfiguration(settings);
  if (!config.clientId) return new CloudAdapter(config);
  return new CloudAdapter(config, undefined, undefined, { validateServiceUrl: true }, createOutboundHostValidator({ enabled: true }));
}

const loopbackHosts = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** What decides whether anonymous development mode may serve a request: the bot's id and where the app's Graph is. */
export type AnonymousModeSettings = Pick<BotIdentitySettings, "BOT_CLIENT_ID"> & { GRAPH_BASE_URL: string; AZURE_AUTHORITY_HOST: string };

/**
 * Why an unauthenticated request must be refused before the SDK sees it, or undefined when anonymous development
 * mode is allowed. Decided from the settings, never from the request (its `Host` header is the caller's to choose):
 * no bot client id, and the app running against the local sandbox — its Graph and its token authority both on
 * loopback, which no deployed app can be — and not in Azure (`WEBSITE_SITE_NAME`, `WEBSITE_INSTANCE_ID`) nor
 * with `NODE_ENV=production`.
 *
 * @example
 * anonymousRefusal({ GRAPH_BASE_URL: "https://graph.microsoft.com/v1.0", AZURE_AUTHORITY_HOST: "https://login.microsoftonline.com" }, {})
 * // "anonymous bot requests are accepted only by an app running against the local sandbox: set BOT_CLIENT_ID"
 */
export function anonymousRefusal(settings: AnonymousModeSettings, env: Record<string, string | undefined>): string | undefined {
  if (settings.BOT_CLIENT_ID?.trim()) return "a bot client id is configured: a token is required";
  if (env.WEBSITE_SITE_NAME || env.WEBSITE_INSTANCE_ID || env.NODE_ENV === "production") return "anonymous bot requests are refused in a deployed app";
  if (!onLoopback(settings.GRAPH_BASE_URL) || !onLoopback(settings.AZURE_AUTHORITY_HOST)) {
    return "anonymous bot requests are accepted only by an app running against the local sandbox: set BOT_CLIENT_ID";
  }
  return undefined;
}

function onLoopback(url: string): boolean {
  try {
    return loopbackHosts.has(new URL(url).hostname.toLowerCase());
  } catch {
    return false;
  }
}

/** A body read within its limit, or the answer refusing it (see `readBoundedBody`). */
export type BodyRead = { ok: true; text: string } | { ok: false; response: HttpResponseInit };

/** What the SDK writes, collected for the Functions response. */
class CollectedResponse implements WebResponse {
  statusCode = 200;
  headers: Record<string, string> = {};
  body: unknown = undefined;
  headersSent = false;
  writableEnded = false;
  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  setHeader(name: string, value: string): this {
    this.headers[name.toLowerCase()] = value;
    return this;
  }
  send(body?: unknown): this {
    this.body = body;
    this.headersSent = true;
    return this;
  }
  end(): this {
    this.writableEnded = true;
    this.headersSent = true;
    return this;
  }
  toHttpResponse(): HttpResponseInit {
    const out: HttpResponseInit = { status: this.statusCode, headers: { ...this.headers } };
    if (this.body === undefined || this.body === null) return out;
    if (typeof this.body === "string") return { ...out, body: this.body };
    return { ...out, jsonBody: this.body };
  }
}

const unauthorized = (reason: string): HttpResponseInit => ({ status: 401, jsonBody: { "jwt-auth-error": reason } });

/**
 * Handles one POST /api/messages: refuses unauthenticated requests that anonymous mode does not cover (401), runs
 * the SDK's JWT validation (401 on a missing, malformed, forged or wrong-audience token) on the headers alone, and
 * only then reads the body — within its limit (413) — and parses it, then `process()` with the turn logic,
 * answering with what the SDK wrote (for an invoke, the invoke response the logic set). An unauthenticated caller
 * never gets a byte of its body read, let alone parsed.
 *
 * @example
 * const adapter = new CloudAdapter(botAuthConfiguration(settings));
 * const response = await handleBotRequest(adapter, settings, process.env, request, panelBot(...).onTurn); // the body read within 256 KB
 */
export async function handleBotRequest(
  adapter: CloudAdapter,
  settings: AnonymousModeSettings,
  env: Record<string, string | undefined>,
  request: HttpRequest,
  logic: (context: TurnContext) => Promise<void>,
  readBody: () => Promise<BodyRead> = () => readBoundedBody(request, BODY_LIMITS.bot, "an activity is never this large"),
): Promise<HttpResponseInit> {
  if (request.method !== "POST") return { status: 405, jsonBody: { error: "POST only" } };
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
  if (!headers.authorization?.trim()) {
    const refusal = anonymousRefusal(settings, env);
    if (refusal) return unauthorized(refusal);
  }

  // The JWT check reads the Authorization header only: run it before the body is read.
  const agentsRequest: AgentsRequest = { method: "POST", headers };
  const response = new CollectedResponse();
  let authorized = false;
  await adapter.authorizeRequest(agentsRequest, response, () => {
    authorized = true;
  });
  if (!authorized) return response.writableEnded || response.headersSent ? response.toHttpResponse() : unauthorized("unauthorized");

  const read = await readBody();
  if (!read.ok) return read.response;
  let body: unknown;
  try {
    body = JSON.parse(read.text);
  } catch {
    return { status: 400, jsonBody: { error: "the body is not JSON" } };
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { status: 400, jsonBody: { error: "the body is not an activity" } };
  agentsRequest.body = body as Record<string, unknown>;
  await adapter.process(agentsRequest, response, logic);
  return response.toHttpResponse();
}
