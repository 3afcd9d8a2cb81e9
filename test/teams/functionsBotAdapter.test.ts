import { HttpRequest } from "@azure/functions";
import { CloudAdapter } from "@microsoft/agents-hosting";
import { describe, expect, it } from "vitest";
import { anonymousRefusal, botAuthConfiguration, handleBotRequest as handle, type AnonymousModeSettings } from "../../src/teams/bot/functionsBotAdapter";
import { BODY_LIMITS, readBoundedBody } from "../../src/m365/http/boundedBody";
import { forgedToken, forgerKey, jwksServer } from "../support/botTokens";

const tenant = "6f1c2b0e-5a4d-4c55-9a57-000000000001";
const botId = "9a1b2c3d-0000-4000-8000-00000000b071";
const activity = { type: "message", text: "hello", channelId: "msteams", conversation: { id: "c1" }, from: { id: "user-id-0" }, recipient: { id: "bot" } };

function request(url: string, headers: Record<string, string> = {}, body: unknown = activity): HttpRequest {
  return new HttpRequest({ method: "POST", url, headers: { "content-type": "application/json", ...headers }, body: { string: typeof body === "string" ? body : JSON.stringify(body) } });
}

/** Where the local sandbox runs (loopback Graph and authority), and where a tenant's app runs. */
const sandbox = { GRAPH_BASE_URL: "https://127.0.0.1:7080/v1.0", AZURE_AUTHORITY_HOST: "https://127.0.0.1:7080" };
const tenantGraph = { GRAPH_BASE_URL: "https://graph.microsoft.com/v1.0", AZURE_AUTHORITY_HOST: "https://login.microsoftonline.com" };

/** The endpoint as the app wires it: the body read within the bot's limit, and only when the adapter asks. */
const handleBotRequest = (adapter: CloudAdapter, settings: Partial<AnonymousModeSettings>, env: Record<string, string>, req: HttpRequest, logic: Parameters<typeof handle>[4], reads?: string[]) =>
  handle(adapter, { ...sandbox, ...settings }, env, req, logic, () => (reads?.push("body"), readBoundedBody(req, BODY_LIMITS.bot)));

describe("the Functions bot adapter", () => {
  const devEnv = { NODE_ENV: "development" };

  it("allows anonymous development mode only without a client id, outside Azure, for an app running against the local sandbox", () => {
    expect(anonymousRefusal(sandbox, devEnv)).toBeUndefined();
    expect(anonymousRefusal({ GRAPH_BASE_URL: "https://localhost:7080/v1.0", AZURE_AUTHORITY_HOST: "https://[::1]:7080" }, devEnv)).toBeUndefined();
    expect(anonymousRefusal({ ...sandbox, BOT_CLIENT_ID: botId }, devEnv)).toMatch(/client id/);
    expect(anonymousRefusal(sandbox, { WEBSITE_SITE_NAME: "inclusion-flow" })).toMatch(/deployed/);
    expect(anonymousRefusal(sandbox, { WEBSITE_INSTANCE_ID: "abc" })).toMatch(/deployed/);
    expect(anonymousRefusal(sandbox, { NODE_ENV: "production" })).toMatch(/deployed/);
    // An app against a tenant (outside App Service, say a container or a VM) without BOT_CLIENT_ID: never anonymous.
    expect(anonymousRefusal(tenantGraph, devEnv)).toMatch(/local sandbox: set BOT_CLIENT_ID/);
    expect(anonymousRefusal({ ...sandbox, GRAPH_BASE_URL: tenantGraph.GRAPH_BASE_URL }, devEnv)).toMatch(/local sandbox/);
  });

  it("never lets a Host header turn anonymous mode on: a tenant's app without a client id refuses a request addressed to localhost", async () => {
    const adapter = new CloudAdapter(botAuthConfiguration({ AZURE_TENANT_ID: tenant }));
    const turns: string[] = [];
    const res = await handleBotRequest(adapter, tenantGraph, devEnv, request("http://localhost:7071/api/messages", { host: "localhost" }), async () => void turns.push("turn"));
    expect(res.status).toBe(401);
    expect(turns).toEqual([]);
  });

  it("checks the token before reading the body: a 50 MB body without a valid token is refused unread", async () => {
    const settings = { BOT_CLIENT_ID: botId, AZURE_TENANT_ID: tenant };
    const adapter = new CloudAdapter(botAuthConfiguration(settings));
    const reads: string[] = [];
    const huge = `{"type":"message","text":"${"x".repeat(50 * 1024 * 1024)}"}`;
    const forged = forgedToken({ aud: "some-other-bot", iss: "https://api.botframework.com", serviceurl: "https://smba.trafficmanager.net/uk/" });
    for (const headers of [{}, { authorization: `Bearer ${forged}` }] as Record<string, string>[]) {
      const req = request("http://127.0.0.1:7071/api/messages", headers, huge);
      const res = await handleBotRequest(adapter, settings, devEnv, req, async () => undefined, reads);
      expect(res.status).toBe(401);
      expect(req.bodyUsed).toBe(false);
    }
    expect(reads).toEqual([]);
  });

  it("refuses a body over the bot's limit with 413, by its Content-Length before reading it and by counting when it has none", async () => {
    const adapter = new CloudAdapter(botAuthConfiguration({ AZURE_TENANT_ID: tenant }));
    const turns: string[] = [];
    const big = { ...activity, text: "x".repeat(BODY_LIMITS.bot) };
    const declared = await handleBotRequest(adapter, {}, devEnv, request("http://127.0.0.1:7071/api/messages", { "content-length": String(JSON.stringify(big).length) }, big), async () => void turns.push("turn"));
    expect(declared.status).toBe(413);
    const undeclared = await handleBotRequest(adapter, {}, devEnv, request("http://127.0.0.1:7071/api/messages", {}, big), async () => void turns.push("turn"));
    expect(undeclared.status).toBe(413);
    const lying = await handleBotRequest(adapter, {}, devEnv, request("http://127.0.0.1:7071/api/messages", { "content-length": "10" }, big), async () => void turns.push("turn"));
    expect(lying.status).toBe(413);
    expect(turns).toEqual([]);
  });

  it("runs the turn logic for an anonymous loopback request in development", async () => {
    const adapter = new CloudAdapter(botAuthConfiguration({ AZURE_TENANT_ID: tenant }));
    const seen: string[] = [];
    const res = await handleBotRequest(adapter, {}, devEnv, request("http://127.0.0.1:7071/api/messages"), async (ctx) => void seen.push(ctx.activity.text ?? ""));
    expect(res.status).toBe(200);
    expect(seen).toEqual(["hello"]);
  });

  it("refuses a missing, malformed or forged token when a client id is configured, before any turn", async () => {
    const settings = { BOT_CLIENT_ID: botId, AZURE_TENANT_ID: tenant };
    const adapter = new CloudAdapter(botAuthConfiguration(settings));
    const turns: string[] = [];
    const logic = async () => void turns.push("turn");
    const url = "http://127.0.0.1:7071/api/messages";
    const none = await handleBotRequest(adapter, settings, devEnv, request(url), logic);
    expect(none.status).toBe(401);
    const malformed = await handleBotRequest(adapter, settings, devEnv, request(url, { authorization: "Basic abc" }), logic);
    expect(malformed.status).toBe(401);
    const wrongAudience = forgedToken({ aud: "some-other-bot", iss: "https://api.botframework.com", serviceurl: "https://smba.trafficmanager.net/uk/" });
    const forged = await handleBotRequest(adapter, settings, devEnv, request(url, { authorization: `Bearer ${wrongAudience}` }), logic);
    expect(forged.status).toBe(401);
    expect(JSON.stringify(forged.jsonBody)).toMatch(/audience/i);
    expect(turns).toEqual([]);
  });

  it("refuses a token with the right audience signed by a key the tenant does not publish", async () => {
    const trusted = forgerKey();
    const jwks = await jwksServer(trusted.publicKey, "tenant-key");
    try {
      const settings = { BOT_CLIENT_ID: botId, AZURE_TENANT_ID: tenant };
      // The tenant's signing keys come from a loopback stand-in instead of login.microsoftonline.com.
      const config = botAuthConfiguration(settings);
      const iss = `https://login.microsoftonline.com/${tenant}/v2.0`;
      for (const connection of config.connections?.values() ?? []) Object.assign(connection, { authority: jwks.url, issuers: [iss] });
      const adapter = new CloudAdapter(config);
      const turns: string[] = [];
      const url = "http://127.0.0.1:7071/api/messages";
      const forged = forgedToken({ aud: botId, iss, tid: tenant }, { kid: "tenant-key" });
      const res = await handleBotRequest(adapter, settings, devEnv, request(url, { authorization: `Bearer ${forged}` }), async () => void turns.push("turn"));
      expect(res.status).toBe(401);
      expect(turns).toEqual([]);
      // The same token signed with the published key passes the SDK's check: the refusal above was the signature's.
      const genuine = forgedToken({ aud: botId, iss, tid: tenant }, { kid: "tenant-key", privateKey: trusted.privateKey });
      let passed = false;
      const refusals: unknown[] = [];
      const response = { status: () => response, setHeader: () => response, send: (b: unknown) => (refusals.push(b), response), end: () => response, headersSent: false, writableEnded: false };
      await adapter.authorizeRequest({ method: "POST", headers: { authorization: `Bearer ${genuine}` }, body: activity }, response, () => void (passed = true));
      expect(refusals).toEqual([]);
      expect(passed).toBe(true);
    } finally {
      await jwks.close();
    }
  });
});
