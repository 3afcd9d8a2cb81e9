import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Client, GraphError, RetryHandlerOptions } from "@microsoft/microsoft-graph-client";
import { startGraphSandbox, type GraphSandbox } from "../../../sandbox/graph/server";
import { defaultAreas, type MailArea } from "../../../sandbox/graph/areas";
import { defaultApp } from "../../../sandbox/graph/auth";
import { seedDemoTenant, demoSite, demoStaff } from "../../../sandbox/demo/demoTenant";
import { graphClient } from "../../../src/m365/graph/graphClient";
import { sharePointSite, sharePointList, graphItems, changesSince, ItemChangedError, DeltaExpiredError } from "../../../src/m365/sharepoint";
import { graphMailer, MailboxBusyError } from "../../../src/m365/outlook/mail";
import { outlookCalendar } from "../../../src/m365/outlook/calendar";
import { undefinedProperties } from "../../support/csdl";

let sandbox: GraphSandbox;
let graph: Client;
const settingsFor = (s: GraphSandbox, secret = defaultApp.clientSecret) => ({
  GRAPH_BASE_URL: s.graphUrl,
  AZURE_AUTHORITY_HOST: s.authorityHost,
  AZURE_TENANT_ID: defaultApp.tenantId,
  AZURE_CLIENT_ID: defaultApp.clientId,
  AZURE_CLIENT_SECRET: secret,
});
const siteAddress = `${demoSite.hostname}:/sites/${demoSite.path}`;

beforeAll(async () => {
  sandbox = await startGraphSandbox({ port: 0, areas: defaultAreas(), seed: seedDemoTenant });
  graph = graphClient(settingsFor(sandbox));
});
afterAll(async () => sandbox?.close());
beforeEach(async () => {
  sandbox.faults.clear();
});

describe("tokens", () => {
  it("lets the real ClientSecretCredential get a token and the real client use it", async () => {
    const site = (await graph.api(`/sites/${siteAddress}`).get()) as { id: string };
    expect(site.id).toMatch(/^contoso\.sharepoint\.com,[0-9a-f-]{36},[0-9a-f-]{36}$/);
  });
  it("refuses a wrong client secret at the token endpoint", async () => {
    const bad = graphClient(settingsFor(sandbox, "wrong-secret"));
    await expect(bad.api(`/sites/${siteAddress}`).get()).rejects.toThrow(/AADSTS7000215|Invalid client secret/);
  });
  it("answers 401 InvalidAuthenticationToken without a bearer token", async () => {
    const res = await fetch(`${sandbox.graphUrl}/sites/${siteAddress}`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("InvalidAuthenticationToken");
  });
});

describe("lists and items", () => {
  const cases = () => graphItems(sharePointList(sharePointSite(graph, siteAddress), "Cases"));
  const fields = (ref: string) => ({ Title: ref, Status: "Received", WorkflowStatus: "Received", Named: false, KeyStage: "KS3", ReceivedAt: "2026-11-23T09:00:00Z", WorkflowVersion: 1, SchoolUrn: "120345" });

  it("creates (201), reads, updates with an ETag and refuses a stale ETag with 412", async () => {
    const created = await cases().create(fields("LNCIP-2026-0001"));
    expect(created.fields.Status).toBe("Received");
    const updated = await cases().update(created.id, { Status: "In triage" }, created.etag);
    expect(updated.fields.Status).toBe("In triage");
    await expect(cases().update(created.id, { Status: "Ready for Core Group" }, created.etag)).rejects.toBeInstanceOf(ItemChangedError);
    expect((await cases().get(created.id))?.fields.Status).toBe("In triage");
  });

  it("refuses an unknown column and a choice outside the list", async () => {
    await expect(cases().create({ ...fields("LNCIP-2026-0002"), ShoeSize: 5 })).rejects.toMatchObject({ statusCode: 400 });
    await expect(cases().create({ ...fields("LNCIP-2026-0003"), Status: "Lost" })).rejects.toMatchObject({ statusCode: 400 });
  });

  it("filters on indexed columns, refuses a non-indexed one without the Prefer header, and pages", async () => {
    for (let i = 10; i < 16; i++) await cases().create(fields(`LNCIP-2026-00${i}`));
    const found = await cases().all({ filter: "fields/Title eq 'LNCIP-2026-0012'" });
    expect(found.map((i) => i.fields.Title)).toEqual(["LNCIP-2026-0012"]);
    await expect(cases().all({ filter: "fields/Concerns eq 'x'" })).rejects.toMatchObject({ statusCode: 400, code: "invalidRequest" });
    const paged = await cases().all({ top: 2 });
    expect(paged.length).toBeGreaterThanOrEqual(7);
    const pages = sandbox.requests.filter((r) => r.path.includes("skiptoken"));
    expect(pages.length).toBeGreaterThanOrEqual(3);
  });

  it("returns list items and columns with only the properties Microsoft's CSDL defines", async () => {
    const site = (await graph.api(`/sites/${siteAddress}`).get()) as { id: string };
    const list = (await graph.api(`/sites/${site.id}/lists/Cases`).expand("columns").get()) as Record<string, unknown> & { columns: Record<string, unknown>[] };
    const { columns, ...rest } = list;
    expect(undefinedProperties("list", rest)).toEqual([]);
    for (const c of columns) expect(undefinedProperties("columnDefinition", c)).toEqual([]);
    const items = (await graph.api(`/sites/${site.id}/lists/Cases/items`).expand("fields").top(1).get()) as { value: Record<string, unknown>[] };
    const { fields: _fields, ...item } = items.value[0]!;
    expect(undefinedProperties("listItem", item)).toEqual([]);
  });
});

describe("delta", () => {
  it("gives each changed item once with its latest state, deleted items as deleted, and 410 for an expired token", async () => {
    const site = sharePointSite(graph, siteAddress);
    const meetings = sharePointList(site, "Meetings");
    const items = graphItems(meetings);
    const first = await changesSince(meetings);
    const a = await items.create({ Title: "M1", Kind: "Core Group", Date: "2026-12-03", StartTime: "15:30", AgendaSize: 6 });
    const b = await items.create({ Title: "M2", Kind: "Inclusion Forum", Date: "2026-12-10", StartTime: "09:30", AgendaSize: 8 });
    await items.update(a.id, { AgendaSize: 7 });
    await items.delete(b.id);
    const second = await changesSince(meetings, first.deltaLink);
    expect(second.changes).toEqual([
      { kind: "changed", item: expect.objectContaining({ id: a.id, fields: expect.objectContaining({ AgendaSize: 7 }) }) },
      { kind: "deleted", id: b.id },
    ]);
    expect((await changesSince(meetings, second.deltaLink)).changes).toEqual([]);
    sandbox.faults.add({ kind: "expiredDelta", count: 1 });
    await expect(changesSince(meetings, second.deltaLink)).rejects.toBeInstanceOf(DeltaExpiredError);
  });
});

describe("throttling and faults", () => {
  it("rides out a 429 storm with the client's retry middleware honouring Retry-After", async () => {
    sandbox.faults.add({ route: "GET /sites/", kind: "429", count: 2, retryAfterSeconds: 0 });
    const site = (await graph.api(`/sites/${siteAddress}`).get()) as { id: string };
    expect(site.id).toContain("contoso");
    expect(sandbox.requests.slice(-3).map((r) => r.status)).toEqual([429, 429, 200]);
  });
  it("answers 503 with Retry-After and resets connections on demand", async () => {
    sandbox.faults.add({ route: "GET /sites/", kind: "503", count: 4, retryAfterSeconds: 0 });
    await expect(graph.api(`/sites/${siteAddress}`).get()).rejects.toMatchObject({ statusCode: 503 });
    sandbox.faults.add({ route: "GET /sites/", kind: "reset", count: 1 });
    await expect(graph.api(`/sites/${siteAddress}`).get()).rejects.toThrow();
  });
});

describe("$batch", () => {
  it("runs requests with dependsOn, fails dependents of a failure with 424, and puts a throttled item inside a 200", async () => {
    const site = (await graph.api(`/sites/${siteAddress}`).get()) as { id: string };
    sandbox.faults.add({ route: "GET /sites/", kind: "429", count: 1, retryAfterSeconds: 7 });
    const res = (await graph.api("/$batch").post({
      requests: [
        { id: "1", method: "GET", url: `/sites/${site.id}/lists/Schools` },
        { id: "2", method: "GET", url: `/sites/${site.id}/lists/NoSuchList`, dependsOn: ["1"] },
        { id: "3", method: "GET", url: `/sites/${site.id}/lists/Cases`, dependsOn: ["2"] },
      ],
    })) as { responses: { id: string; status: number; headers: Record<string, string> }[] };
    const byId = Object.fromEntries(res.responses.map((r) => [r.id, r]));
    expect(byId["1"]).toMatchObject({ status: 429, headers: { "retry-after": "7" } });
    expect(byId["2"]?.status).toBe(424);
    expect(byId["3"]?.status).toBe(424);
  });
  it("refuses more than 20 requests", async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: "GET", url: "/sites/x" }));
    await expect(graph.api("/$batch").post({ requests })).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe("mail", () => {
  it("delivers sendMail (202) to every recipient's mailbox and the sender's Sent Items", async () => {
    const mail = sandbox.area<MailArea>("mail");
    await graphMailer(graph, demoStaff.partnership).send({ to: ["senco@oakfieldacade.example"], cc: ["someone@elsewhere.example"], subject: "Referral received: LNCIP-2026-0042", html: "<p>Thank you</p>", attachments: [{ name: "a.csv", contentType: "text/csv", contentBytes: Buffer.from("a,b\n1,2") }] });
    const got = mail.inbox("senco@oakfieldacade.example");
    expect(got.at(-1)).toMatchObject({ subject: "Referral received: LNCIP-2026-0042", hasAttachments: true });
    expect(mail.inbox("someone@elsewhere.example")).toHaveLength(1);
    expect(mail.sentItems(demoStaff.partnership).at(-1)?.subject).toBe("Referral received: LNCIP-2026-0042");
    const listed = (await graph.api(`/users/${demoStaff.partnership}/mailFolders/sentitems/messages`).get()) as { value: Record<string, unknown>[] };
    expect(undefinedProperties("message", listed.value[0]!)).toEqual([]);
  });
  it("finds an email in Sent Items by its exact subject, only when it was sent since the time asked about", async () => {
    const mailer = graphMailer(graph, demoStaff.partnership);
    const before = new Date(Date.now() - 1_000);
    await mailer.send({ to: ["senco@oakfieldacade.example"], subject: "LNCIP-2026-0099: the Core Group has decided", html: "<p>x</p>" });
    expect(await mailer.sentSince!("LNCIP-2026-0099: the Core Group has decided", before)).toBe(true);
    expect(await mailer.sentSince!("LNCIP-2026-0099: the Core Group has decided", new Date(Date.now() + 5 * 60_000))).toBe(false);
    expect(await mailer.sentSince!("LNCIP-2026-0098: the Core Group has decided", before)).toBe(false);
  });
  it("answers 429 with Retry-After past 30 messages a minute from one mailbox", async () => {
    const mail = sandbox.area<MailArea>("mail");
    mail.limitPerMinute = 3;
    const send = () => graph.api(`/users/${demoStaff.coordinator}/sendMail`).middlewareOptions([new RetryHandlerOptions(0, 0)]).post({ message: { subject: "x", body: { contentType: "Text", content: "x" }, toRecipients: [{ emailAddress: { address: "a@b.example" } }] } });
    await send(); await send(); await send();
    const err = (await send().catch((e: unknown) => e)) as GraphError;
    expect(err.statusCode).toBe(429);
    expect(Number(err.headers?.get("retry-after"))).toBeGreaterThan(0);
    mail.limitPerMinute = 30;
  });
  it("a mailer that defers: turns a 429 away at once, then gives each email turned away its own turn, 2 s apart, without asking Graph", async () => {
    const mail = sandbox.area<MailArea>("mail");
    mail.limitPerMinute = 1;
    const t0 = Date.now();
    const mailer = graphMailer(graph, demoStaff.director, { whenBusy: "defer", now: () => t0 });
    const sends = () => sandbox.requests.filter((r) => r.path.endsWith("/sendMail")).length;
    const one = (n: number) => mailer.send({ to: ["a@b.example"], subject: `LNCIP-2026-00${n}: x`, html: "x" }).then(() => "sent", (e: unknown) => e);
    const before = sends();
    expect(await one(1)).toBe("sent");
    const first = (await one(2)) as MailboxBusyError; // over the limit: 429, not retried inside the call
    expect(first).toBeInstanceOf(MailboxBusyError);
    expect(first.retryAfterMs).toBeGreaterThan(0);
    expect(sends() - before).toBe(2);
    expect(((await one(3)) as MailboxBusyError).retryAfterMs).toBe(first.retryAfterMs + 2_000);
    expect(((await one(4)) as MailboxBusyError).retryAfterMs).toBe(first.retryAfterMs + 4_000);
    expect(sends() - before).toBe(2); // the mailbox's pause kept: Graph not asked again
    mail.limitPerMinute = 30;
  });
  it("refuses a sender that is not a mailbox of the tenant", async () => {
    await expect(graphMailer(graph, "nobody@lncip.example").send({ to: ["a@b.example"], subject: "x", html: "x" })).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe("calendar", () => {
  const review = (transactionId: string, day: string) => ({
    subject: "Placement review: LNCIP-2026-0042",
    body: { contentType: "HTML", content: "<p>Review of LNCIP-2026-0042</p>" },
    start: { dateTime: `${day}T15:30:00`, timeZone: "Europe/London" },
    end: { dateTime: `${day}T16:30:00`, timeZone: "Europe/London" },
    attendees: [
      { type: "required", emailAddress: { address: "senco@oakfieldacad.example" } },
      { type: "optional", emailAddress: { address: demoStaff.coordinator } },
    ],
    isOnlineMeeting: true,
    onlineMeetingProvider: "teamsForBusiness",
    transactionId,
  });

  it("creates a Teams meeting (201) once per transactionId, at the right instant either side of BST", async () => {
    const first = (await graph.api(`/users/${demoStaff.partnership}/events`).post(review("LNCIP-2026-0042:review:1", "2026-10-23"))) as Record<string, unknown> & { id: string; start: { dateTime: string; timeZone: string }; onlineMeeting: { joinUrl: string } };
    const again = (await graph.api(`/users/${demoStaff.partnership}/events`).post(review("LNCIP-2026-0042:review:1", "2026-10-23"))) as { id: string };
    expect(again.id).toBe(first.id);
    expect(first.start).toEqual({ dateTime: "2026-10-23T14:30:00.0000000", timeZone: "UTC" }); // 15:30 BST
    expect(first.onlineMeeting.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\//);
    expect(undefinedProperties("event", first)).toEqual([]);
    const winter = (await graph.api(`/users/${demoStaff.partnership}/events`).post(review("LNCIP-2026-0042:review:2", "2026-11-30"))) as { id: string; start: { dateTime: string } };
    expect(winter.start.dateTime).toBe("2026-11-30T15:30:00.0000000"); // 15:30 GMT
    const london = (await graph.api(`/users/${demoStaff.partnership}/events/${first.id}`).header("Prefer", 'outlook.timezone="Europe/London"').get()) as { start: { dateTime: string; timeZone: string } };
    expect(london.start).toEqual({ dateTime: "2026-10-23T15:30:00.0000000", timeZone: "Europe/London" });
    const view = (await graph.api(`/users/${demoStaff.partnership}/calendarView?startDateTime=2026-10-01T00:00:00Z&endDateTime=2026-12-31T00:00:00Z`).get()) as { value: { id: string }[] };
    expect(view.value.map((e) => e.id)).toEqual([first.id, winter.id]);
    const mail = sandbox.area<MailArea>("mail");
    expect(mail.inbox("senco@oakfieldacad.example").filter((m) => m.subject === "Placement review: LNCIP-2026-0042")).toHaveLength(2);
  });

  it("lets only the organizer cancel (202), tells the attendees, and drops the event from the calendar", async () => {
    const event = (await graph.api(`/users/${demoStaff.partnership}/events`).post(review("LNCIP-2026-0042:review:3", "2027-01-11"))) as { id: string };
    await graph.api(`/users/${demoStaff.partnership}/events/${event.id}/cancel`).post({ comment: "Placement ended" });
    await expect(graph.api(`/users/${demoStaff.partnership}/events/${event.id}`).get()).rejects.toMatchObject({ statusCode: 404 });
    expect(sandbox.area<MailArea>("mail").inbox("senco@oakfieldacad.example").some((m) => m.subject === "Canceled: Placement review: LNCIP-2026-0042")).toBe(true);
  });

  it("refuses an unknown time zone and an unknown mailbox", async () => {
    await expect(graph.api(`/users/${demoStaff.partnership}/events`).post({ ...review("x", "2027-01-12"), start: { dateTime: "2027-01-12T15:30:00", timeZone: "Mars/Olympus" } })).rejects.toMatchObject({ statusCode: 400 });
    await expect(graph.api(`/users/nobody@lncip.example/events`).post(review("y", "2027-01-12"))).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe("subscriptions", () => {
  it("carry only the properties Microsoft's CSDL defines, and lists accept only 'updated'", async () => {
    const subs = (await graph.api("/subscriptions").get()) as { value: Record<string, unknown>[] };
    for (const s of subs.value) {
      const { "@odata.context": _c, ...rest } = s;
      expect(undefinedProperties("subscription", rest)).toEqual([]);
    }
    const site = (await graph.api(`/sites/${siteAddress}`).get()) as { id: string };
    const list = (await graph.api(`/sites/${site.id}/lists/Cases`).get()) as { id: string };
    await expect(graph.api("/subscriptions").post({ changeType: "created", resource: `sites/${site.id}/lists/${list.id}`, notificationUrl: "https://127.0.0.1:1/x", expirationDateTime: new Date(Date.now() + 3600_000).toISOString() })).rejects.toMatchObject({ statusCode: 400 });
    await expect(graph.api("/subscriptions").post({ changeType: "updated", resource: `sites/${site.id}/lists/${list.id}`, notificationUrl: "https://127.0.0.1:1/x", expirationDateTime: new Date(Date.now() + 43_000 * 60_000).toISOString() })).rejects.toMatchObject({ statusCode: 400 });
    // No receiver answers the validation handshake at that URL: refused.
    await expect(graph.api("/subscriptions").post({ changeType: "updated", resource: `sites/${site.id}/lists/${list.id}`, notificationUrl: "http://127.0.0.1:1/x", expirationDateTime: new Date(Date.now() + 3600_000).toISOString() })).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe("the app's Outlook calendar adapter", () => {
  it("creates a review once per transactionId, moves it, and cancels it (twice is fine)", async () => {
    const calendar = outlookCalendar(graph, demoStaff.partnership);
    const meeting = {
      subject: "Placement review: LNCIP-2026-0077",
      html: "<p>Review of LNCIP-2026-0077</p>",
      start: new Date("2027-02-08T15:30:00Z"),
      end: new Date("2027-02-08T16:30:00Z"),
      required: ["senco@brooksidescho.example"],
      optional: [demoStaff.coordinator],
      transactionId: "LNCIP-2026-0077-review-1",
    };
    const first = await calendar.create(meeting);
    const again = await calendar.create(meeting);
    expect(again.id).toBe(first.id);
    expect(first.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\//);
    await calendar.move(first.id, new Date("2027-02-09T15:30:00Z"), new Date("2027-02-09T16:30:00Z"));
    const moved = (await graph.api(`/users/${demoStaff.partnership}/events/${first.id}`).get()) as { start: { dateTime: string } };
    expect(moved.start.dateTime).toBe("2027-02-09T15:30:00.0000000");
    await calendar.cancel(first.id, "Placement ended");
    await calendar.cancel(first.id, "Placement ended");
    expect(sandbox.area<MailArea>("mail").inbox("senco@brooksidescho.example").map((m) => m.subject)).toEqual([
      "Placement review: LNCIP-2026-0077",
      "Updated: Placement review: LNCIP-2026-0077",
      "Canceled: Placement review: LNCIP-2026-0077",
    ]);
  });
});
