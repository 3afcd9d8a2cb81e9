import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@microsoft/microsoft-graph-client";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGraphSandbox, type GraphSandbox } from "../../sandbox/graph/server";
import { defaultAreas } from "../../sandbox/graph/areas";
import { defaultApp } from "../../sandbox/graph/auth";
import { demoStaff, seedDemoTenant } from "../../sandbox/demo/demoTenant";
import { graphClient } from "../../src/m365/graph/graphClient";
import { graphMailer } from "../../src/m365/outlook/mail";
import { schoolCalendarFor, shippedCalendars } from "../../src/domain/calendar";
import { chargeLinesFromPlacements, directorsWeek } from "../../src/domain/reports";
import { directorsWeekEmail } from "../../src/reports/directorsWeekEmail";
import { cases, decisions, marks, placements, purchaseOrders, reviews, schools, today } from "../support/directorsWeekRows";

/**
 * The Director's Monday email as the sandbox stored it, opened in headless Debian chromium the way a mail client
 * shows it (each `cid:` picture replaced by its inline attachment): both charts render as images, and no pupil's
 * name appears anywhere in the message.
 */

const chromiumPath = "/usr/bin/chromium";
const haveChromium = existsSync(chromiumPath);
if (!haveChromium) console.warn(`\n*** SKIPPING the Director's email browser test: ${chromiumPath} is missing (apt-get install chromium) ***\n`);

let sandbox: GraphSandbox;
let graph: Client;
let browser: Browser;

beforeAll(async () => {
  sandbox = await startGraphSandbox({ port: 0, areas: defaultAreas(), seed: seedDemoTenant });
  graph = graphClient({ GRAPH_BASE_URL: sandbox.graphUrl, AZURE_AUTHORITY_HOST: sandbox.authorityHost, AZURE_TENANT_ID: defaultApp.tenantId, AZURE_CLIENT_ID: defaultApp.clientId, AZURE_CLIENT_SECRET: defaultApp.clientSecret });
  if (haveChromium) {
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
  }
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
});

interface StoredAttachment {
  name: string;
  contentType: string;
  contentBytes: string;
  contentId?: string;
  isInline: boolean;
}

describe.skipIf(!haveChromium)("the Director's week email in headless chromium", () => {
  it("shows both charts as images and names no pupil", async () => {
    const week = directorsWeek({ today, calendar: schoolCalendarFor(shippedCalendars.leicestershire!), places: { KS3: 2, KS4: 3 }, cases, placements, reviews, decisions, marks, schools, charges: chargeLinesFromPlacements(placements), purchaseOrders });
    const mail = await directorsWeekEmail(week, { partnershipName: "Lakeside North Inclusion Partnership" });
    await graphMailer(graph, demoStaff.partnership).send({ to: [demoStaff.director], ...mail });

    // What the Director's mailbox holds: the body and its inline pictures (hasAttachments is false for inline only).
    const inbox = (await graph.api(`/users/${demoStaff.director}/messages`).filter(`subject eq '${mail.subject.replace(/'/g, "''")}'`).expand("attachments").get()) as {
      value: { subject: string; hasAttachments: boolean; body: { contentType: string; content: string }; attachments: StoredAttachment[] }[];
    };
    expect(inbox.value).toHaveLength(1);
    const stored = inbox.value[0]!;
    expect(stored.body.contentType).toBe("HTML");
    expect(stored.hasAttachments).toBe(false);
    expect(stored.attachments.map((a) => [a.name, a.contentType, a.isInline, a.contentId])).toEqual([
      ["places-over-year.png", "image/png", true, "places-over-year@inclusion-flow"],
      ["attendance-by-week.png", "image/png", true, "attendance-by-week@inclusion-flow"],
    ]);

    // As a mail client renders it: cid: references resolved to the inline attachments, nothing fetched from anywhere.
    let html = stored.body.content;
    for (const a of stored.attachments) html = html.split(`cid:${a.contentId}`).join(`data:${a.contentType};base64,${a.contentBytes}`);
    expect(html).not.toContain("cid:");
    const page = await browser.newPage();
    try {
      const requests: string[] = [];
      page.on("request", (r) => {
        if (!r.url().startsWith("data:")) requests.push(r.url());
      });
      await page.setContent(html, { waitUntil: "load" });
      const images = await page.$$eval("img", (imgs) => imgs.map((i) => ({ alt: i.alt, complete: i.complete, width: i.naturalWidth, height: i.naturalHeight, shownWidth: i.getBoundingClientRect().width })));
      expect(images).toHaveLength(2);
      for (const img of images) {
        expect(img.complete).toBe(true);
        expect(img.width).toBeGreaterThan(1000); // a decoded PNG, drawn at twice its size
        expect(img.height).toBeGreaterThan(300);
        expect(img.shownWidth).toBeGreaterThan(500);
      }
      expect(images[0]!.alt).toBe("Chart: places used each week this year; last week KS3 1 of 2, KS4 2 of 3.");
      expect(requests).toEqual([]);

      const text = await page.locator("html").innerText();
      expect(text).toContain("LNCIP-2025-0013");
      for (const c of cases) {
        expect(text).not.toContain(c.PupilFirstName);
        expect(stored.body.content).not.toContain(c.PupilFirstName); // (the data: URIs are base64, where any short word may turn up)
        expect(stored.subject).not.toContain(c.PupilFirstName);
      }
      await page.screenshot({ path: join(tmpdir(), "directors-week-email.png"), fullPage: true });
    } finally {
      await page.close();
    }
  }, 60_000);
});
