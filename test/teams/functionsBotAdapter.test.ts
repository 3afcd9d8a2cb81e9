import { HttpRequest } from "@azure/functions";
import { CloudAdapter } from "@microsoft/agents-hosting";
import { describe, expect, it } from "vitest";
import { anonymousRefusal, botAuthConfiguration, handleBotRequest } from "../../src/teams/bot/functionsBotAdapter";
import { forgedToken, forgerKey, jwksServer } from "../support/botTokens";

const tenant = "6f1c2b0e-5a4d-4c55-9a57-000000000001";
const botId = "9a1b2c3d-0000-4000-8000-00000000b071";
const activity = { type: "message", text: "hello", channelId: "msteams", conversation: { id: "c1" }, from: { id: "user-id-0" }, recipient: { id: "bot" } };

function request(url: string, headers: Record<string, string> = {}, body: unknown = activity): HttpRequest {
  return new HttpRequest({ method: "POST", url, headers: { "content-type": "application/json", ...headers }, body: { string: JSON.stringify(body) } });
}

describe("the Functions bot adapter", () => {
  const devEnv = { NODE_ENV: "development" };

  it("allows anonymous development mode only without a client id, outside Azure, on loopback", () => {
    expect(anonymousRefusal({}, devEnv, "http://127.0.0.1:7071/api/messages")).toBeUndefined();
    expect(anonymousRefusal({}, devEnv, "http://localhost:7071/api/messages")).toBeUndefined();
    expect(anonymousRefusal({ BOT_CLIENT_ID: botId }, devEnv, "http://127.0.0.1:7071/api/messages")).toMatch(/client id/);
    expect(anonymousRefusal({}, { WEBSITE_SITE_NAME: "inclusion-flow" }, "http://127.0.0.1:7071/api/messages")).toMatch(/deployed/);
    expect(anonymousRefusal({}, { WEBSITE_INSTANCE_ID: "abc" }, "http://127.0.0.1:7071/api/messages")).toMatch(/deployed/);
    expect(anonymousRefusal({}, { NODE_ENV: "production" }, "http://127.0.0.1:7071/api/messages")).toMatch(/deployed/);
    expect(anonymousRefusal({}, devEnv, "http://10.0.0.4:7071/api/messages")).toMatch(/loopback/);
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
