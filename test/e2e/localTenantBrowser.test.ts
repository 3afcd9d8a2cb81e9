import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "../support/system";
import { primeCoreGroupDemo } from "../../sandbox/demo/coreGroupDemo";
import { demoSchools, demoStaffIds } from "../../sandbox/demo/demoTenant";
import { defaultApp } from "../../sandbox/graph/auth";
import { startTestPlayground, type TestPlayground } from "../support/playground";
import { namedReferral } from "../fixtures/referralAnswers";
import { upnCheckLetter } from "../../src/domain/referral/upn";

/**
 * A coordinator steers the app from the local tenant in a real browser (headless Debian chromium), with no token,
 * curl or id typed by hand: opens Cases' "Ready for Core Group" view, opens the demo case, edits its status in the
 * item's form as the Partnership Coordinator, and sees the app act — the first try without a reason refused and put back (the
 * page follows by itself) with the Coordinator told why in their mailbox, then the transition the app records on
 * the item, the audit entry naming the coordinator, and the email in the school's mailbox, in a sandboxed frame.
 */
const chromiumPath = "/usr/bin/chromium";
const haveChromium = existsSync(chromiumPath);
if (!haveChromium) {
  if (process.env.CI) throw new Error(`${chromiumPath} is missing: apt-get install chromium`);
  console.warn(`\n*** SKIPPING the local tenant browser test: ${chromiumPath} is missing (apt-get install chromium) ***\n`);
}

let system: TestSystem;
let browser: BrowserContext;
let caseRef: string;
const profile = mkdtempSync(join(tmpdir(), "chromium-tenant-"));
const school = demoSchools.find((s) => s.Urn === "120345")!;

beforeAll(async () => {
  if (!haveChromium) return;
  system = await startTestSystem();
  caseRef = await primeCoreGroupDemo({ appUrl: system.appUrl, functionKey: system.functionKey, graph: system.graph });
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    ignoreHTTPSErrors: true, // the sandbox's loopback certificate is self-signed
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
  rmSync(profile, { recursive: true, force: true });
});

/** The text of the value beside a label on an item's page. */
const fieldText = (page: Page, label: string) => page.locator("dl.fields dt", { hasText: new RegExp(`^${label}$`) }).locator("xpath=following-sibling::dd[1]").innerText();

describe.skipIf(!haveChromium)("the local tenant in headless chromium", () => {
  it("lets a coordinator withdraw a case from the Ready for Core Group view, and shows what the app did", async () => {
    const page = await browser.newPage();
    const blocked: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(system.graph.url)) blocked.push(r.url());
    });
    try {
      await page.goto(`${system.graph.url}/`, { waitUntil: "domcontentloaded" });
      await page.getByRole("link", { name: "Cases", exact: true }).click();
      await page.getByRole("navigation", { name: "Views of Cases" }).getByRole("link", { name: "Ready for Core Group" }).click();
      await expect(page.getByRole("heading", { level: 2, name: "Ready for Core Group" }).isVisible()).resolves.toBe(true);
      const table = page.getByRole("table");
      await expect(table.getByRole("columnheader", { name: "Case reference" }).isVisible()).resolves.toBe(true);
      // The status reads at a glance: SharePoint's column formatting, as provisioned, renders it as a coloured pill.
      const row = table.getByRole("row").filter({ hasText: caseRef });
      await expect(row.locator(".sp-field-severity--low", { hasText: "Ready for Core Group" }).count()).resolves.toBe(1);
      await row.getByRole("link", { name: caseRef }).click();
      const casePage = page.url(); // where the browser is: the case item's page (DispForm.aspx)

      // First without a reason: the app refuses the withdrawal, puts the status back (the page follows by itself)
      // and tells the Coordinator why, in their mailbox.
      const edit = async (reason: string) => {
        await page.getByRole("link", { name: "Edit this item" }).click();
        await page.getByLabel("Save as").selectOption({ label: "Partnership Coordinator (Coordinator, coordinator@lncip.example)" });
        await page.getByLabel("Status", { exact: true }).selectOption("Withdrawn");
        await page.getByLabel("Reason for reopening").fill(reason);
        await page.getByRole("button", { name: "Save" }).click();
        await expect(page.getByRole("status").filter({ hasText: "Saved as Partnership Coordinator" }).isVisible()).resolves.toBe(true);
      };
      await edit("");
      expect(await fieldText(page, "Status")).toBe("Withdrawn");
      await expect.poll(() => fieldText(page, "Status"), { timeout: 30_000 }).toBe("Ready for Core Group");
      await page.getByRole("link", { name: "Mailboxes" }).click();
      await page.getByRole("link", { name: "in the inbox of coordinator@lncip.example" }).click();
      await expect.poll(() => page.getByRole("link", { name: `${caseRef}: your change was not applied` }).count(), { timeout: 15_000 }).toBe(1);
      await page.getByRole("link", { name: `${caseRef}: your change was not applied` }).click();
      await expect.poll(() => page.frameLocator("iframe.mail-body").locator("body").innerText(), { timeout: 10_000 }).toContain(`Please give the reason for withdrawing ${caseRef}.`);

      // Then with the reason: the app records the transition on the item, and the page shows it as it lands.
      await page.goto(casePage);
      await edit("The family has moved out of the area.");
      await expect.poll(() => fieldText(page, "Status recorded by the workflow"), { timeout: 30_000 }).toBe("Withdrawn");
      expect(await fieldText(page, "Status")).toBe("Withdrawn");

      // Its audit trail names the coordinator the form saved as, as the People list has them: name and Entra object id.
      await page.getByRole("link", { name: `Audit trail of ${caseRef}` }).click();
      const withdraw = page.getByRole("row").filter({ hasText: "withdrawn" }).filter({ hasText: `Partnership Coordinator (${demoStaffIds.coordinator})` });
      await expect.poll(() => withdraw.count(), { timeout: 15_000 }).toBeGreaterThan(0);
      expect(await withdraw.first().innerText()).toContain("sharepoint");

      // The school hears of it: the email is in its SENCO's inbox, its body in a frame that runs nothing.
      await page.getByRole("link", { name: "Mailboxes" }).click();
      await page.getByRole("link", { name: `in the inbox of ${school.SencoEmail}` }).click();
      const subject = `${caseRef}: the case has been withdrawn`;
      await expect.poll(() => page.getByRole("link", { name: subject }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
      await page.getByRole("link", { name: subject }).first().click();
      const frame = page.locator("iframe.mail-body");
      expect(await frame.getAttribute("sandbox")).toBe("");
      const body = page.frameLocator("iframe.mail-body").locator("body");
      await expect.poll(() => body.innerText(), { timeout: 10_000 }).toContain("The partnership Coordinator will be in touch.");
      expect(blocked).toEqual([]);
    } catch (e) {
      await page.screenshot({ path: join(tmpdir(), "local-tenant-failure.png"), fullPage: true }).catch(() => undefined);
      throw e;
    }
  }, 90_000);

  it("moves a new referral to Core Group through its form; its card arrives in the Agents Playground, linking back here", async () => {
    const playground: TestPlayground = await startTestPlayground(`${system.appUrl}/api/messages`);
    const page = await browser.newPage();
    try {
      await playground.chooseChannel("Core Group");
      const digits = "801200109123";
      const res = await system.post("/api/forms/referral", { responseId: "tenant-browser-2", submittedAt: "2026-11-24T10:00:00Z", responder: "s.oconnor@oakfield.example", answers: { ...namedReferral, "pupil.upn": upnCheckLetter(digits) + digits } });
      const { caseRef: ref } = (await res.json()) as { caseRef: string };
      await system.until(() => system.items("Cases").find((i) => i.fields.Title === ref));

      await page.goto(`${system.graph.url}/`, { waitUntil: "domcontentloaded" });
      await page.getByRole("link", { name: "Cases", exact: true }).click();
      await page.getByRole("navigation", { name: "Views of Cases" }).getByRole("link", { name: "New", exact: true }).click();
      await page.getByRole("table").getByRole("row").filter({ hasText: ref }).getByRole("link", { name: ref }).click();
      const casePage = page.url();
      for (const status of ["In triage", "Ready for Core Group"]) {
        await page.getByRole("link", { name: "Edit this item" }).click();
        await page.getByLabel("Status", { exact: true }).selectOption(status);
        await page.getByRole("button", { name: "Save" }).click();
        await expect.poll(() => fieldText(page, "Status recorded by the workflow"), { timeout: 30_000 }).toBe(status);
      }

      // The card the app posts in the chosen channel (what the Playground's page shows), carrying no pupil's name.
      type Post = { action?: string; message?: { attachments?: { content?: unknown }[] } };
      const card = await playground.until(() => (playground.events as Post[]).map((e) => JSON.stringify(e.message?.attachments?.[0]?.content ?? null)).find((c) => c.includes(`Core Group: ${ref}`)), 30_000);
      expect(card).not.toContain(namedReferral["pupil.lastName"]!);
      // Its "Open the case in SharePoint" link is the local tenant's page of that case.
      const link = /\[Open the case in SharePoint\]\(([^)]+)\)/.exec(card)?.[1];
      expect(link).toBe(casePage);
      await page.goto(link!);
      await expect(page.getByRole("heading", { level: 1, name: ref }).isVisible()).resolves.toBe(true);
    } catch (e) {
      await page.screenshot({ path: join(tmpdir(), "local-tenant-playground-failure.png"), fullPage: true }).catch(() => undefined);
      throw e;
    } finally {
      await playground.stop();
    }
  }, 120_000);

  it("shows an email's markup as an email, not as part of the page: no script runs and nothing is fetched", async () => {
    const page = await browser.newPage();
    const fetched: string[] = [];
    const blockedByPolicy: string[] = [];
    page.on("requestfinished", (r) => void fetched.push(r.url()));
    page.on("requestfailed", (r) => {
      if (/^csp$|ERR_BLOCKED_BY_CSP/i.test(r.failure()?.errorText ?? "")) blockedByPolicy.push(r.url());
      else fetched.push(`${r.url()} (${r.failure()?.errorText ?? ""})`);
    });
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    // A message whose body tries everything: a script, an inline handler, a remote image and stylesheet.
    const hostile = `<p>Hello</p><script>alert("script")</script><img src="https://tracker.example/pixel.png" onerror="alert('img')"><link rel="stylesheet" href="https://evil.example/x.css"><a href="javascript:alert('link')">link</a>`;
    const res = await fetch(`${system.graph.graphUrl}/users/partnership@lncip.example/sendMail`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await token()}` },
      body: JSON.stringify({ message: { subject: `<b>Subject</b> "quoted" & <script>`, body: { contentType: "HTML", content: hostile }, toRecipients: [{ emailAddress: { address: "coordinator@lncip.example" } }] } }),
    });
    expect(res.status).toBe(202);
    await page.goto(`${system.graph.url}/_tenant/mail/coordinator%40lncip.example?folder=inbox`, { waitUntil: "domcontentloaded" });
    const link = page.getByRole("link", { name: `<b>Subject</b> "quoted" & <script>` });
    expect(await link.count()).toBe(1); // the subject is text
    await link.click();
    await expect.poll(() => page.frameLocator("iframe.mail-body").locator("body").innerText(), { timeout: 10_000 }).toContain("Hello");
    await page.waitForTimeout(500);
    expect(dialogs).toEqual([]);
    // Nothing outside the tenant was fetched: the body's own policy refused the remote image (the frame has no
    // network of its own to fall back on: this machine has no internet, so only the policy's refusal counts).
    expect(fetched.filter((u) => !u.startsWith(system.graph.url))).toEqual([]);
    expect(blockedByPolicy.sort()).toEqual(["https://evil.example/x.css", "https://tracker.example/pixel.png"]);
    expect(await page.locator("b", { hasText: "Subject" }).count()).toBe(0);
  }, 60_000);
});

async function token(): Promise<string> {
  const res = await fetch(`${system.graph.authorityHost}/${defaultApp.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: defaultApp.clientId, client_secret: defaultApp.clientSecret, scope: "https://graph.microsoft.com/.default" }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}
