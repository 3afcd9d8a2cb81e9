import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestSystem, type TestSystem } from "../../support/system";
import { startTestPlayground, type TestPlayground } from "../../support/playground";
import { defaultApp } from "../../../sandbox/graph/auth";
import { demoSite, demoStaff } from "../../../sandbox/demo/demoTenant";
import type { CalendarArea } from "../../../sandbox/graph/areas/calendar";

/**
 * `npm run provision -- --check` as an administrator runs it (the compiled CLI in its own process, the app's real
 * Graph client, the bot's real Teams channel), against the whole local system: the sandbox as a tenant that grants
 * everything, then as a strict tenant. Every line of the report is asserted, and nothing the check made is left.
 */
const root = join(__dirname, "..", "..", "..");
const cli = join(root, "dist", "scripts", "provision.js");
const mailbox = demoStaff.partnership;
let system: TestSystem;
let playground: TestPlayground | undefined;
let work: string;

function check(...args: string[]): Promise<{ code: number; out: string; lines: string[] }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, "--check", ...args],
      {
        cwd: work,
        env: {
          PATH: process.env.PATH ?? "",
          NODE_EXTRA_CA_CERTS: join(root, "sandbox", "tls", "cert.pem"),
          GRAPH_BASE_URL: system.graph.graphUrl,
          AZURE_AUTHORITY_HOST: system.graph.authorityHost,
          AZURE_TENANT_ID: defaultApp.tenantId,
          AZURE_CLIENT_ID: defaultApp.clientId,
          AZURE_CLIENT_SECRET: defaultApp.clientSecret,
          PARTNERSHIP_MAILBOX: mailbox,
          SHAREPOINT_SITE: `${demoSite.hostname}:/sites/${demoSite.path}`,
          NOTIFICATION_URL: `${system.appUrl}/api/notifications`,
          AzureWebJobsStorage: system.azurite.connectionString,
        },
      },
      (error, stdout, stderr) => {
        const out = `${stdout}${stderr}`;
        resolve({ code: error ? Number(error.code ?? 1) : 0, out, lines: out.split("\n") });
      },
    );
  });
}

/** The report's line for one grant (the line that starts with its mark), and the remedy lines under it. */
function grantLine(lines: string[], grant: string): { line: string; remedy: string[] } {
  const i = lines.findIndex((l) => /^ {2}[✓✗?] /.test(l) && l.includes(grant));
  if (i < 0) throw new Error(`No line for "${grant}" in:\n${lines.join("\n")}`);
  const remedy: string[] = [];
  for (let j = i + 1; j < lines.length && lines[j]!.startsWith("      "); j++) remedy.push(lines[j]!.trim());
  return { line: lines[i]!, remedy };
}

const GRANTS = {
  site: "Sites.Selected with write on the partnership site",
  lists: "Read and write the partnership's lists (the same grant)",
  inbox: "Read and remove the Referral inbox's items (the locked-down list the standard-licence flow writes to)",
  subscriptions: "Change notifications on the lists (list subscriptions: Sites.ReadWrite.All)",
  sentItems: `Read ${mailbox}'s Sent Items (Application Mail.ReadBasic, scoped to the mailbox)`,
  calendar: `Organise events in ${mailbox}'s calendar (Application Calendars.ReadWrite, scoped to the mailbox)`,
  meeting: `Teams meetings organised by ${mailbox} (a licence that includes Teams)`,
  provider: `Teams as ${mailbox}'s online meeting provider`,
  send: `Send mail as ${mailbox} (Application Mail.Send, scoped to the mailbox)`,
  bot: "The bot in the partnership's team, posting into the Core Group's channel",
};

/** Nothing the check made is left: no test event in the mailbox's calendar, no subscription but the app's own. */
function leftBehind() {
  const events = system.graph.area<CalendarArea>("calendar").events(mailbox).filter((e) => e.subject.startsWith("Inclusion Flow permission check") && !e.isCancelled);
  const subs = (system.graph.context.area("subscriptions").dump() as { subscriptions: { clientState?: string }[] }).subscriptions.filter((s) => s.clientState !== "local-client-state-change-me-0001");
  return { events: events.length, subscriptions: subs.length };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "permission-check-"));
  system = await startTestSystem();
}, 60_000);
afterAll(async () => {
  await playground?.stop();
  await system?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("npm run provision -- --check against a tenant that grants everything", () => {
  it("proves each grant by doing and undoing what the app does, and says the bot is not yet installed in a channel", async () => {
    const before = system.graph.requests.length;
    const { code, lines, out } = await check();
    expect(lines[0]).toBe(`Permission check of the app ${defaultApp.clientId} on ${demoSite.hostname}:/sites/${demoSite.path} and ${mailbox} (Graph: ${system.graph.graphUrl})`);
    expect(grantLine(lines, GRANTS.site).line).toMatch(/^ {2}✓ .*: granted — read the site \(https:\/\//);
    expect(grantLine(lines, GRANTS.lists).line).toMatch(/✓ .*: granted — read the Cases list and its items$/);
    expect(grantLine(lines, GRANTS.inbox).line).toBe(`  ✓ ${GRANTS.inbox}: granted — read the ReferralInbox list and its items`);
    expect(grantLine(lines, GRANTS.subscriptions).line).toContain(`✓ ${GRANTS.subscriptions}: granted — created a test subscription on Cases (Graph validated ${system.appUrl}/api/notifications) and deleted it`);
    expect(grantLine(lines, GRANTS.sentItems).line).toMatch(/✓ .*: granted — looked for a message by subject in Sent Items/);
    expect(grantLine(lines, GRANTS.calendar).line).toMatch(/✓ .*: granted — created a test event with no attendees$/);
    expect(grantLine(lines, GRANTS.meeting).line).toMatch(/✓ .*: granted — the test event is a Teams meeting with a join link \(teams\.microsoft\.com\)$/);
    expect(grantLine(lines, GRANTS.provider).line).toMatch(/✓ .*: granted — allowedOnlineMeetingProviders: teamsForBusiness; default: teamsForBusiness$/);
    expect(grantLine(lines, GRANTS.send).line).toMatch(/\? .*: not checked — only sending proves it: add --send-test-mail/);
    const bot = grantLine(lines, GRANTS.bot);
    expect(bot.line).toContain(`✗ ${GRANTS.bot}: missing — not yet installed in a channel`);
    expect(bot.remedy.join("\n")).toContain("Set-CsTeamsSettingsCustomApp -isSideloadedAppsInteractionEnabled $true");
    expect(bot.remedy.join("\n")).toContain("use this channel for Core Group");
    expect(out).toContain("8 granted, 1 missing, 1 not checked.");
    expect(code).toBe(1);
    // It did what the app does: one subscription created and deleted, one event created and deleted.
    // (The app, started just before, makes its own subscriptions meanwhile: those carry its clientState.)
    const ours = (r: { method: string; path: string; requestBody?: unknown }) => !(r.method === "POST" && r.path === "/subscriptions" && (r.requestBody as { clientState?: string }).clientState === "local-client-state-change-me-0001");
    const made = system.graph.requests.slice(before).filter((r) => r.method !== "GET" && ours(r) && !r.path.includes("/sendMail")).map((r) => `${r.method} ${decodeURIComponent(r.path).replace(/^(\/[a-z]+(?:\/[^/]+\/events)?)\/[^/]+$/, "$1/…")} ${r.status}`);
    expect(made).toEqual(["POST /subscriptions 201", "DELETE /subscriptions/… 204", `POST /users/${mailbox}/events 201`, `DELETE /users/${mailbox}/events/… 204`]);
    expect(leftBehind()).toEqual({ events: 0, subscriptions: 0 });
  });

  it("with the bot's channel chosen, posts a check card there as the bot, and every grant it can prove is granted", async () => {
    playground = await startTestPlayground(`${system.appUrl}/api/messages`);
    await playground.chooseChannel("Core Group");
    const seen = playground.events.length;
    const { code, lines, out } = await check("--send-test-mail", demoStaff.coordinator);
    expect(grantLine(lines, GRANTS.bot).line).toBe(`  ✓ ${GRANTS.bot}: granted — posted a check card into the Core Group's channel as the bot`);
    expect(grantLine(lines, GRANTS.send).line).toBe(`  ✓ ${GRANTS.send}: granted — sent one test message to ${demoStaff.coordinator}`);
    expect(system.mail.inbox(demoStaff.coordinator).some((m) => m.subject === "Inclusion Flow: permission check")).toBe(true);
    await playground.until(() => playground!.events.slice(seen).some((e) => JSON.stringify(e).includes("Inclusion Flow permission check: the app can post in this channel")));
    expect(out).toContain("10 granted, 0 missing, 0 not checked.");
    expect(lines.filter((l) => /^ {2}✗ /.test(l))).toEqual([]);
    expect(code).toBe(0);
  }, 60_000);
});

describe("npm run provision -- --check against a strict tenant", () => {
  it("names each refused grant in an admin's words with the command that grants it, and still leaves nothing behind", async () => {
    system.graph.tenant.change({ mode: "strict" });
    try {
      const { code, lines, out } = await check();
      expect(grantLine(lines, GRANTS.site).line).toMatch(/✓ .*: granted/);
      expect(grantLine(lines, GRANTS.lists).line).toMatch(/✓ .*: granted/);
      // The strict tenant refuses subscriptions, Sent Items and Teams meetings, not the site grant: the inbox is read.
      expect(grantLine(lines, GRANTS.inbox).line).toBe(`  ✓ ${GRANTS.inbox}: granted — read the ReferralInbox list and its items`);

      const subscriptions = grantLine(lines, GRANTS.subscriptions);
      expect(subscriptions.line).toBe(`  ✗ ${GRANTS.subscriptions}: missing — Graph answered 403 ExtensionError: Operation: Create; Exception: [Status Code: Forbidden; Reason: Access denied. You do not have permission to perform this action or access this resource.]`);
      expect(subscriptions.remedy.join("\n")).toContain('-AppRoleId "9492366f-7969-46a4-8d15-ed1a20078fff"   # Sites.ReadWrite.All');
      expect(subscriptions.remedy.join("\n")).toContain("polling the lists");

      const sentItems = grantLine(lines, GRANTS.sentItems);
      expect(sentItems.line).toBe(`  ✗ ${GRANTS.sentItems}: missing — Exchange refused (403 ErrorAccessDenied): an interrupted email could not be told apart from an unsent one`);
      expect(sentItems.remedy).toContain('New-ManagementRoleAssignment -App "<identityPrincipalId>" -Role "Application Mail.ReadBasic" -CustomResourceScope "Inclusion Flow mailbox"');
      expect(sentItems.remedy).toContain(`New-ManagementScope -Name "Inclusion Flow mailbox" -RecipientRestrictionFilter "PrimarySmtpAddress -eq '${mailbox}'"`);

      expect(grantLine(lines, GRANTS.calendar).line).toMatch(/✓ .*: granted — created a test event with no attendees$/);
      const meeting = grantLine(lines, GRANTS.meeting);
      expect(meeting.line).toBe(`  ✗ ${GRANTS.meeting}: missing — Outlook made the event but no Teams meeting (isOnlineMeeting false, no join link): reviews and meetings would have no link`);
      expect(meeting.remedy.join("\n")).toContain(`Set-MgUserLicense -UserId "${mailbox}"`);
      const provider = grantLine(lines, GRANTS.provider);
      expect(provider.line).toBe(`  ✗ ${GRANTS.provider}: missing — allowedOnlineMeetingProviders: none; default: unknown`);
      expect(provider.remedy).toEqual(["The same licence as above grants it."]);

      expect(grantLine(lines, GRANTS.send).line).toMatch(/\? .*: not checked/);
      expect(grantLine(lines, GRANTS.bot).line).toMatch(/✓ .*: granted — posted a check card/);
      expect(out).toContain("5 granted, 4 missing, 1 not checked.");
      expect(out).toContain("Grant what is missing with the commands under it, then run npm run provision -- --check again.");
      expect(code).toBe(1);
      expect(leftBehind()).toEqual({ events: 0, subscriptions: 0 });
    } finally {
      system.graph.tenant.change({ mode: "default" });
    }
  }, 60_000);

  it("refuses options it does not know with the usage, before calling anything", async () => {
    const before = system.graph.requests.length;
    const { code, out } = await check("--schools", "x.csv");
    expect(code).toBe(1);
    expect(out).toContain("--schools cannot be used with --check.");
    expect(out).toContain("Usage: npm run provision -- --check");
    expect(system.graph.requests.length).toBe(before);
  });
});
