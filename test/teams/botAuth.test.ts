import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "../support/system";
import { forgedToken } from "../support/botTokens";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * POST /api/messages on the running app (local Functions host): the bot refuses activities without a valid token,
 * and its anonymous development mode cannot be reached in a deployed app. Three apps: one with a bot client id,
 * one that believes it runs in Azure (WEBSITE_SITE_NAME), one plain local development app.
 */

const botId = "9a1b2c3d-0000-4000-8000-00000000b071";
/** The partnership's tenant as the local app knows it (BOT_TENANT_ID: the Agents Playground's mock tenant); the bot answers no other. */
const tenantId = (JSON.parse(readFileSync(join(__dirname, "..", "..", "local.settings.example.json"), "utf8")) as { Values: Record<string, string> }).Values.BOT_TENANT_ID!;
const activity = { type: "message", text: "hello", channelId: "msteams", conversation: { id: "c1" }, from: { id: "user-id-0" }, recipient: { id: "bot" }, channelData: { tenant: { id: tenantId } } };

let withClientId: TestSystem;
let deployed: TestSystem;
let development: TestSystem;

beforeAll(async () => {
  [withClientId, deployed, development] = await Promise.all([
    startTestSystem({ BOT_CLIENT_ID: botId }),
    startTestSystem({ WEBSITE_SITE_NAME: "inclusion-flow-test" }),
    startTestSystem(),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([withClientId?.stop(), deployed?.stop(), development?.stop()]);
});

/** Posts like the Bot Service does: no function key (the endpoint is anonymous at the Functions level). */
const postActivity = (system: TestSystem, headers: Record<string, string> = {}, body: unknown = activity) =>
  fetch(`${system.appUrl}/api/messages`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

describe("POST /api/messages authentication", () => {
  it("refuses an activity without a token when a bot client id is configured", async () => {
    const res = await postActivity(withClientId);
    expect(res.status).toBe(401);
    expect(await res.text()).toMatch(/token is required/);
  });

  it("refuses a malformed Authorization header", async () => {
    for (const authorization of ["Basic dXNlcjpwYXNz", "Bearer", "Bearer a b", "Bearer not-a-jwt"]) {
      const res = await postActivity(withClientId, { authorization });
      expect(res.status, authorization).toBe(401);
    }
  });

  it("refuses a self-signed token for another audience without fetching any keys", async () => {
    const token = forgedToken({ aud: "someone-elses-bot", iss: "https://api.botframework.com", serviceurl: "https://smba.trafficmanager.net/uk/" });
    const res = await postActivity(withClientId, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(401);
    expect(await res.text()).toMatch(/audience/i);
  });

  it("refuses anonymous activities in a deployed app, even on loopback without a client id", async () => {
    const res = await postActivity(deployed);
    expect(res.status).toBe(401);
    expect(await res.text()).toMatch(/deployed app/);
  });

  it("serves anonymous activities on loopback in local development (the Agents Playground)", async () => {
    const installed = { ...activity, type: "conversationUpdate", text: undefined, serviceUrl: "http://127.0.0.1:9/_connector", membersAdded: [{ id: "bot" }] };
    const res = await postActivity(development, {}, installed);
    expect(res.status).toBe(200);
  });

  it("answers an invoke with the invoke response in the HTTP body", async () => {
    const invoke = { ...activity, type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb: "bot.ping", data: {} }, trigger: "manual" } };
    const res = await postActivity(development, {}, invoke);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { statusCode: number; type: string; value: unknown };
    expect(body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    expect(JSON.stringify(body.value)).toContain("pong for user-id-0");

    const unknown = await postActivity(development, {}, { ...invoke, value: { action: { type: "Action.Execute", verb: "somebody.else", data: {} } } });
    expect(await unknown.json()).toMatchObject({ statusCode: 400, type: "application/vnd.microsoft.error" });

    const unreadable = await postActivity(development, {}, { ...invoke, value: { action: { type: "Action.Execute" } } });
    expect(await unreadable.json()).toMatchObject({ statusCode: 400, type: "application/vnd.microsoft.error" });

    // The same press without the partnership's tenant is refused, even in development.
    const { channelData: _tenant, ...noTenant } = invoke;
    const elsewhere = await postActivity(development, {}, noTenant);
    const refused = (await elsewhere.json()) as { statusCode: number; value: unknown };
    expect(refused).toMatchObject({ statusCode: 400, type: "application/vnd.microsoft.error" });
    expect(JSON.stringify(refused.value)).not.toContain("pong");
  });

  it("refuses a body that is not an activity", async () => {
    const res = await fetch(`${development.appUrl}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(res.status).toBe(400);
  });
});
