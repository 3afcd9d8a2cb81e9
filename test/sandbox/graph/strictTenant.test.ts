import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { Client, GraphError } from "@microsoft/microsoft-graph-client";
import { startGraphSandbox, type GraphSandbox } from "../../../sandbox/graph/server";
import { defaultAreas } from "../../../sandbox/graph/areas";
import { defaultApp } from "../../../sandbox/graph/auth";
import { tenantModeFromEnv } from "../../../sandbox/graph/strictTenant";
import { seedDemoTenant, demoSite, demoStaff } from "../../../sandbox/demo/demoTenant";
import { graphClient } from "../../../src/m365/graph/graphClient";
import { graphMailer, SentItemsNotPermittedError } from "../../../src/m365/outlook/mail";
import { MeetingWithoutJoinUrlError, outlookCalendar } from "../../../src/m365/outlook/calendar";
import type { CalendarArea } from "../../../sandbox/graph/areas/calendar";
import { undefinedProperties } from "../../support/csdl";

/**
 * The sandbox playing a strict tenant (sandbox/graph/strictTenant.ts): what a real tenant with least-privilege
 * grants may refuse, with Graph's own status codes and error bodies, through the app's real Graph client. The
 * default tenant is unchanged.
 */
let sandbox: GraphSandbox;
let graph: Client;
let receiver: Server;
let receiverUrl: string;
const siteAddress = `${demoSite.hostname}:/sites/${demoSite.path}`;
const admin = (method: string, body?: unknown) =>
  fetch(`${sandbox.url}/_sandbox/tenant`, { method, ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }) }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as GraphError);

async function casesResource(): Promise<string> {
  const site = (await graph.api(`/sites/${siteAddress}`).get()) as { id: string };
  const list = (await graph.api(`/sites/${site.id}/lists/Cases`).get()) as { id: string };
  return `sites/${site.id}/lists/${list.id}`;
}
const subscription = (resource: string) => ({ changeType: "updated", resource, notificationUrl: receiverUrl, clientState: "strict-tenant-test-0001", expirationDateTime: new Date(Date.now() + 3600_000).toISOString() });
const meeting = (transactionId: string) => ({
  subject: "Placement review: LNCIP-2026-0042",
  body: { contentType: "HTML", content: "<p>Review of LNCIP-2026-0042</p>" },
  start: { dateTime: "2027-03-01T15:30:00", timeZone: "Europe/London" },
  end: { dateTime: "2027-03-01T16:30:00", timeZone: "Europe/London" },
  attendees: [{ type: "required", emailAddress: { address: demoStaff.coordinator } }],
  isOnlineMeeting: true,
  onlineMeetingProvider: "teamsForBusiness",
  transactionId,
});

beforeAll(async () => {
  // Stands in for the app's /api/notifications: answers Graph's validation handshake.
  receiver = createServer((req, res) => {
    const token = new URL(req.url ?? "/", "http://x").searchParams.get("validationToken");
    res.writeHead(token ? 200 : 202, { "content-type": "text/plain" }).end(token ?? "");
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  const address = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/api/notifications`;
  sandbox = await startGraphSandbox({ port: 0, areas: defaultAreas(), seed: seedDemoTenant, tenant: "default" });
  graph = graphClient({ GRAPH_BASE_URL: sandbox.graphUrl, AZURE_AUTHORITY_HOST: sandbox.authorityHost, AZURE_TENANT_ID: defaultApp.tenantId, AZURE_CLIENT_ID: defaultApp.clientId, AZURE_CLIENT_SECRET: defaultApp.clientSecret });
});
afterAll(async () => {
  await sandbox?.close();
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
});
beforeEach(() => sandbox.tenant.change({ mode: "default" }));

describe("the default tenant (unchanged)", () => {
  it("subscribes to a list, reads Sent Items, and makes Teams meetings on a calendar that allows them", async () => {
    const created = (await graph.api("/subscriptions").post(subscription(await casesResource()))) as { id: string };
    expect(created.id).toBeTruthy();
    await graph.api(`/subscriptions/${created.id}`).delete();
    await graphMailer(graph, demoStaff.partnership).send({ to: [demoStaff.coordinator], subject: "LNCIP-2026-0042: default tenant", html: "<p>x</p>" });
    expect(await graphMailer(graph, demoStaff.partnership).sentSince!("LNCIP-2026-0042: default tenant", new Date(Date.now() - 60_000))).toBe(true);
    const event = (await graph.api(`/users/${demoStaff.partnership}/events`).post(meeting("strict-test-default"))) as { isOnlineMeeting: boolean; onlineMeeting: { joinUrl: string } | null };
    expect(event.isOnlineMeeting).toBe(true);
    expect(event.onlineMeeting?.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\//);
    const calendar = (await graph.api(`/users/${demoStaff.partnership}/calendar`).get()) as Record<string, unknown>;
    expect(calendar).toMatchObject({ allowedOnlineMeetingProviders: ["teamsForBusiness"], defaultOnlineMeetingProvider: "teamsForBusiness", isDefaultCalendar: true });
    const { "@odata.context": _context, ...properties } = calendar;
    expect(undefinedProperties("calendar", properties)).toEqual([]);
    expect(await admin("GET")).toEqual({ status: 200, body: { mode: "default", listSubscriptions: true, mailRead: true, teamsMeetings: true } });
  });
});

describe("a strict tenant", () => {
  it("refuses a list subscription as Graph's subscription service does (403 ExtensionError), before any validation handshake", async () => {
    const resource = await casesResource();
    expect((await admin("PUT", { mode: "strict" })).body).toMatchObject({ mode: "strict", listSubscriptions: false });
    const before = sandbox.requests.length;
    const err = await failure(graph.api("/subscriptions").post(subscription(resource)));
    expect(err).toBeInstanceOf(GraphError);
    expect(err).toMatchObject({ statusCode: 403, code: "ExtensionError" });
    expect(err!.message).toBe("Operation: Create; Exception: [Status Code: Forbidden; Reason: Access denied. You do not have permission to perform this action or access this resource.]");
    expect(sandbox.requests.slice(before).map((r) => [r.method, r.path, r.status])).toEqual([["POST", "/subscriptions", 403]]);
    const live = (await graph.api("/subscriptions").get()) as { value: { resource: string }[] };
    expect(live.value.filter((s) => s.resource === resource)).toEqual([]);
  });

  it("refuses the renewal of a list subscription made before the grant went", async () => {
    const created = (await graph.api("/subscriptions").post(subscription(await casesResource()))) as { id: string };
    sandbox.tenant.change({ mode: "strict" });
    const err = await failure(graph.api(`/subscriptions/${created.id}`).patch({ expirationDateTime: new Date(Date.now() + 7200_000).toISOString() }));
    expect(err).toMatchObject({ statusCode: 403, code: "ExtensionError", message: expect.stringMatching(/^Operation: Update; Exception: \[Status Code: Forbidden/) });
    sandbox.tenant.change({ mode: "default" });
    await graph.api(`/subscriptions/${created.id}`).delete();
  });

  it("sends mail but refuses to read Sent Items (or any folder) with 403 ErrorAccessDenied in Graph's error shape", async () => {
    sandbox.tenant.change({ mode: "strict" });
    const mailer = graphMailer(graph, demoStaff.partnership);
    await mailer.send({ to: [demoStaff.coordinator], subject: "LNCIP-2026-0043: strict tenant", html: "<p>x</p>" });
    const err = await failure(graph.api(`/users/${demoStaff.partnership}/mailFolders/sentitems/messages`).get());
    expect(err).toMatchObject({ statusCode: 403, code: "ErrorAccessDenied", message: "Access is denied. Check credentials and try again." });
    for (const path of [`/users/${demoStaff.partnership}/messages`, `/users/${demoStaff.coordinator}/mailFolders/inbox/messages`]) {
      expect(await failure(graph.api(path).get()), path).toMatchObject({ statusCode: 403, code: "ErrorAccessDenied" });
    }
    const token = (await (await fetch(`${sandbox.authorityHost}/${defaultApp.tenantId}/oauth2/v2.0/token`, { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_id: defaultApp.clientId, client_secret: defaultApp.clientSecret, scope: "https://graph.microsoft.com/.default" }) })).json()) as { access_token: string };
    const raw = await fetch(`${sandbox.graphUrl}/users/${demoStaff.partnership}/mailFolders/sentitems/messages`, { headers: { authorization: `Bearer ${token.access_token}` } });
    expect(raw.status).toBe(403);
    const body = (await raw.json()) as { error: { code: string; message: string; innerError: Record<string, string> } };
    expect(body.error).toMatchObject({ code: "ErrorAccessDenied", message: "Access is denied. Check credentials and try again." });
    expect(Object.keys(body.error.innerError).sort()).toEqual(["date", "request-id"]);
  });

  it("creates the event (201) but no Teams meeting for an unlicensed mailbox: isOnlineMeeting false, no join URL, no provider on the calendar", async () => {
    sandbox.tenant.change({ mode: "strict" });
    const res = await graph.api(`/users/${demoStaff.partnership}/events`).responseType("raw" as never).post(meeting("strict-test-unlicensed"));
    expect((res as unknown as Response).status).toBe(201);
    const event = (await (res as unknown as Response).json()) as Record<string, unknown>;
    expect(event).toMatchObject({ isOnlineMeeting: false, onlineMeetingProvider: "unknown", onlineMeeting: null });
    expect(JSON.stringify(event)).not.toContain("teams.microsoft.com");
    expect(undefinedProperties("event", event)).toEqual([]);
    const calendar = (await graph.api(`/users/${demoStaff.partnership}/calendar`).get()) as Record<string, unknown>;
    expect(calendar).toMatchObject({ allowedOnlineMeetingProviders: [], defaultOnlineMeetingProvider: "unknown" });
  });

  it("refuses inside a $batch the same way, and leaves what it does not govern alone", async () => {
    sandbox.tenant.change({ mode: "strict" });
    const out = (await graph.api("/$batch").post({
      requests: [
        { id: "1", method: "GET", url: `/users/${demoStaff.partnership}/mailFolders/sentitems/messages` },
        { id: "2", method: "GET", url: `/sites/${siteAddress}` },
      ],
    })) as { responses: { id: string; status: number; body: { error?: { code: string } } }[] };
    const byId = new Map(out.responses.map((r) => [r.id, r]));
    expect(byId.get("1")).toMatchObject({ status: 403, body: { error: { code: "ErrorAccessDenied" } } });
    expect(byId.get("2")?.status).toBe(200);
  });
});

describe("setting the tenant", () => {
  it("changes one grant at a time through the admin API, and says when the mix is neither mode", async () => {
    expect(await admin("PUT", { mode: "strict", mailRead: true })).toEqual({ status: 200, body: { mode: "custom", listSubscriptions: false, mailRead: true, teamsMeetings: false } });
    await graphMailer(graph, demoStaff.partnership).sentSince!("anything", new Date()); // allowed again
    expect(await failure(graph.api("/subscriptions").post(subscription(await casesResource())))).toMatchObject({ statusCode: 403 });
    expect(await admin("PUT", { listSubscriptions: true, teamsMeetings: true })).toMatchObject({ body: { mode: "default" } });
  });

  it("refuses a change it does not understand with 400 and changes nothing", async () => {
    for (const bad of [{ mode: "lenient" }, { mailRead: "no" }, { shoeSize: 5 }, {}, "not json"]) {
      const res = await admin("PUT", bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(typeof res.body.error).toBe("string");
    }
    expect((await admin("GET")).body).toMatchObject({ mode: "default" });
  });

  it("reads GRAPH_SANDBOX_TENANT at start, and stops with a message naming it when it is not a mode", async () => {
    expect(tenantModeFromEnv({})).toBe("default");
    expect(tenantModeFromEnv({ GRAPH_SANDBOX_TENANT: "Strict" })).toBe("strict");
    expect(() => tenantModeFromEnv({ GRAPH_SANDBOX_TENANT: "lax" })).toThrow('GRAPH_SANDBOX_TENANT: expected "default" or "strict", not "lax"');
    const previous = process.env.GRAPH_SANDBOX_TENANT;
    process.env.GRAPH_SANDBOX_TENANT = "strict";
    try {
      const strict = await startGraphSandbox({ port: 0, areas: defaultAreas(), seed: seedDemoTenant });
      try {
        expect(strict.tenant.mode).toBe("strict");
      } finally {
        await strict.close();
      }
    } finally {
      if (previous === undefined) delete process.env.GRAPH_SANDBOX_TENANT;
      else process.env.GRAPH_SANDBOX_TENANT = previous;
    }
  });
});

describe("the app's Outlook adapters in a strict tenant", () => {
  it("Sent Items refused: the mailer's look-up fails once with a typed 'not permitted' error naming the role, not a retryable Graph error", async () => {
    sandbox.tenant.change({ mailRead: false });
    const before = sandbox.requests.length;
    const err = await graphMailer(graph, demoStaff.partnership).sentSince!("LNCIP-2026-0044: strict tenant", new Date()).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SentItemsNotPermittedError);
    expect((err as SentItemsNotPermittedError).mailbox).toBe(demoStaff.partnership);
    expect((err as Error).message).toContain('"Application Mail.ReadBasic"');
    expect(sandbox.requests.slice(before).map((r) => r.status)).toEqual([403]);
  });

  it("an event made without its Teams meeting is an error carrying the event, and a retry finds the same event (nothing doubled)", async () => {
    sandbox.tenant.change({ teamsMeetings: false });
    const calendar = outlookCalendar(graph, demoStaff.partnership);
    const review = { subject: "Placement review: LNCIP-2026-0045", html: "<p>Review of LNCIP-2026-0045</p>", start: new Date("2027-03-08T15:30:00Z"), end: new Date("2027-03-08T16:30:00Z"), required: [demoStaff.coordinator], optional: [], transactionId: "LNCIP-2026-0045-review-1" };
    const first = await calendar.create(review).then(() => undefined, (e: unknown) => e);
    expect(first).toBeInstanceOf(MeetingWithoutJoinUrlError);
    const again = await calendar.create(review).then(() => undefined, (e: unknown) => e);
    expect((again as MeetingWithoutJoinUrlError).eventId).toBe((first as MeetingWithoutJoinUrlError).eventId);
    const events = sandbox.area<CalendarArea>("calendar").events(demoStaff.partnership).filter((e) => e.subject === review.subject);
    expect(events.map((e) => [e.id, e.isOnlineMeeting])).toEqual([[(first as MeetingWithoutJoinUrlError).eventId, false]]);
    sandbox.tenant.change({ mode: "default" });
    const licensed = await calendar.create({ ...review, transactionId: "LNCIP-2026-0045-review-2" });
    expect(licensed.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\//);
  });
});
