import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGraphSandbox, type GraphSandbox } from "../../../sandbox/graph/server";
import { defaultAreas, type MailArea } from "../../../sandbox/graph/areas";
import { defaultApp } from "../../../sandbox/graph/auth";
import { demoStaff, seedDemoTenant } from "../../../sandbox/demo/demoTenant";
import { graphClient } from "../../../src/m365/graph/graphClient";
import { MailRefusedError, pacedMailSender, scaledClock, sentWithSubject } from "../../../src/m365/outlook/pacedMailSender";
import type { Client } from "@microsoft/microsoft-graph-client";

/** The paced, batched sender against the Graph sandbox's mail area and $batch (a 40× clock shared by both). */
const clock = scaledClock(40);
let graph: GraphSandbox;
let client: Client;
let mail: MailArea;

beforeAll(async () => {
  graph = await startGraphSandbox({ port: 0, areas: defaultAreas(), seed: seedDemoTenant, clock: () => clock.date() });
  client = graphClient({ GRAPH_BASE_URL: graph.graphUrl, AZURE_AUTHORITY_HOST: graph.authorityHost, AZURE_TENANT_ID: defaultApp.tenantId, AZURE_CLIENT_ID: defaultApp.clientId, AZURE_CLIENT_SECRET: defaultApp.clientSecret });
  mail = graph.area<MailArea>("mail");
});
afterAll(async () => graph?.close());

const message = (i: number, to = `lead${i}@school.example`) => ({ to: [to], subject: `Test ${i}`, html: `<p>${i}</p>` });

describe("the paced mail sender", () => {
  it("sends 45 messages in batches within 30 a minute, retrying 503s inside batches, and refuses a bad address alone", async () => {
    graph.faults.add({ route: "POST /users/", kind: "503", count: 3, retryAfterSeconds: 1 });
    const sender = pacedMailSender(client, demoStaff.partnership, { clock });
    const results = await Promise.allSettled([...Array.from({ length: 45 }, (_, i) => sender.send(message(i))), sender.send(message(99, "not-an-address"))]);
    expect(results.slice(0, 45).every((r) => r.status === "fulfilled")).toBe(true);
    const refused = results[45] as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(MailRefusedError);
    expect(sender.stats()).toMatchObject({ sent: 45, failed: 1, serverErrors: 3 });
    const times = mail.sentItems(demoStaff.partnership).map((m) => Date.parse(m.sentDateTime)).sort((a, b) => a - b);
    expect(times).toHaveLength(45);
    for (let i = 30; i < times.length; i++) expect(times[i]! - times[i - 30]!).toBeGreaterThanOrEqual(60_000);
    expect(sender.stats().batches).toBeLessThanOrEqual(6);
  }, 30_000);

  it("finds a sent message by its exact subject, apostrophes and all", async () => {
    const sender = pacedMailSender(client, demoStaff.partnership, { clock });
    const subject = "Daily attendance 2026-11-23: St Anne's Catholic School (ref ATT-120349-20261123-D)";
    expect(await sentWithSubject(client, demoStaff.partnership, subject)).toBe(false);
    await sender.send({ to: ["attendance@stannescatholic.example"], subject, html: "<p>x</p>" });
    expect(await sentWithSubject(client, demoStaff.partnership, subject)).toBe(true);
    expect(await sentWithSubject(client, demoStaff.partnership, subject.replace("-D)", "-A)"))).toBe(false);
  }, 30_000);
});
