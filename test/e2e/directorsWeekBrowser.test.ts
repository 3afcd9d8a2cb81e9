import "../support/exampleSettings";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvocationContext } from "@azure/functions";
import type { Client } from "@microsoft/microsoft-graph-client";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directorsWeekHandler } from "../../functions/directorsWeek";
import { demoStaff } from "../../sandbox/demo/demoTenant";
import { attendanceList, casesList, decisionsList, placementsList, reviewsList, schoolsList, visitsList } from "../../src/domain/lists";
import { runDueDirectorsWeek } from "../../src/workflows/reports/directorsWeekRound";
import { startReportsSandbox, type ReportsSandbox } from "../support/reportsSandbox";
import { attendanceRows, caseRows, decisionRows, placeRate, placementRows, pupilNames, reviewRows, schoolRows, visitRows } from "../support/reportsWeekItems";

/**
 * The Director's Monday email as the timer sent it and the sandbox stored it — the lists filled with the week of
 * 2 March 2026, the timer's handler run at 08:05 with the app composed over the sandbox — read back through Graph
 * and opened in headless Debian chromium the way a mail client shows it (each `cid:` picture replaced by its inline
 * attachment): both charts render as images, and no pupil's name appears anywhere in the message.
 */

const chromiumPath = "/usr/bin/chromium";
const haveChromium = existsSync(chromiumPath);
if (!haveChromium) {
  // Under CI a browser test fails rather than skips: .ci/run installs Debian's chromium.
  if (process.env.CI) throw new Error(`${chromiumPath} is missing: apt-get install chromium`);
  console.warn(`\n*** SKIPPING the Director's email browser test: ${chromiumPath} is missing (apt-get install chromium) ***\n`);
}

let box: ReportsSandbox;
let graph: Client;
let browser: Browser;

beforeAll(async () => {
  box = await startReportsSandbox({ PLACES_KS3: "2", PLACES_KS4: "3", AVERAGE_PUPIL_COST_KS3_PENCE_PER_YEAR: placeRate, AVERAGE_PUPIL_COST_KS4_PENCE_PER_YEAR: placeRate }, "2026-03-02T08:05:00Z");
  box.fill(schoolsList, schoolRows);
  box.fill(casesList, caseRows);
  box.fill(placementsList, placementRows);
  box.fill(reviewsList, reviewRows);
  box.fill(decisionsList, decisionRows);
  box.fill(attendanceList, attendanceRows);
  box.fill(visitsList, visitRows);
  graph = box.app.graph;
  if (haveChromium) {
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
  }
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await box?.stop();
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
    // The timer's run at 08:05 on Monday: the handler, its workflow, the lists through Graph, the ledger, sendMail.
    const context = new InvocationContext({ functionName: "directorsWeek", invocationId: "6f1c0c6e-0000-4000-8000-000000000003", logHandler: () => undefined });
    await directorsWeekHandler({}, context, () => runDueDirectorsWeek(box.app.ports.reports, box.app.now()));
    const mail = { subject: "Director's week: w/c 2 Mar 2026" };

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
      for (const name of pupilNames) {
        expect(text).not.toContain(name);
        expect(stored.body.content).not.toContain(name); // (the data: URIs are base64, where any short word may turn up)
        expect(stored.subject).not.toContain(name);
      }
      await page.screenshot({ path: join(tmpdir(), "directors-week-email.png"), fullPage: true });
    } finally {
      await page.close();
    }
  }, 60_000);
});
