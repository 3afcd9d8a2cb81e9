import { randomBytes } from "node:crypto";
import type { Client } from "@microsoft/microsoft-graph-client";
import { graphSubscriptions } from "../../m365/graph/subscriptions";
import { MeetingWithoutJoinUrlError, outlookCalendar } from "../../m365/outlook/calendar";
import { sentWithSubject, SentItemsNotPermittedError } from "../../m365/outlook/mail";
import { graphStatus } from "../../m365/sharepoint/graphErrors";
import { sharePointList } from "../../m365/sharepoint/list";
import type { SharePointSite } from "../../m365/sharepoint/site";
import { grantRemedy, type GrantId, type GrantTarget } from "./grantRemedies";

/**
 * `npm run provision -- --check`: proves, in the target tenant, each permission the app uses, by doing what the app
 * does (with the app's own adapters) and undoing it — the Referral inbox read, a test list subscription created and deleted, Sent Items
 * read, a test Teams meeting created (its join link checked) and deleted, the calendar's online meeting providers
 * read, a card posted into the Core Group's channel as the bot. Each grant's state is said in an administrator's
 * words, with the commands that grant what is missing (grantRemedies.ts).
 */

export type GrantState = "granted" | "missing" | "not checked";

/** One grant and what the check established about it. */
export interface GrantCheck {
  id: GrantId;
  /** The grant in an administrator's words. */
  grant: string;
  state: GrantState;
  /** What the check did and saw. */
  detail: string;
  /** Commands that grant it, when it is missing. */
  remedy: string[];
}

/** Where the bot can post, from its stored conversation references. */
export type BotPresence = { kind: "channel"; panel: "coreGroup" | "inclusionForum" } | { kind: "installedWithoutChannel" } | { kind: "notInstalled" };

/** The bot as the check sees it (the app's own conversation store and Teams channel behind it). */
export interface BotCheckPort {
  presence(): Promise<BotPresence>;
  /** Posts a short card into the panel's channel, as the app posts the Core Group card. */
  post(panel: "coreGroup" | "inclusionForum", text: string): Promise<void>;
}

export interface PermissionCheckPorts {
  graph: Client;
  site: SharePointSite;
  mailbox: string;
  /** The identity the check runs as (its grants are the ones proven). */
  clientId: string;
  /** The app's public /api/notifications: Graph validates the test subscription there. Unset: not checked. */
  notificationUrl?: string | undefined;
  /** Unset: the app's storage is not reachable from here, so the bot is not checked. */
  bot?: BotCheckPort | undefined;
  /** Send one message to this address: the only proof of Mail.Send. */
  sendTestMailTo?: string | undefined;
  now: () => Date;
}

const SUBJECT = "Inclusion Flow permission check (deleted at once)";

const explain = (e: unknown) => {
  const status = graphStatus(e);
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  return status ? `Graph answered ${status}${typeof code === "string" && code ? ` ${code}` : ""}: ${message}` : message;
};
const refused = (e: unknown) => graphStatus(e) === 401 || graphStatus(e) === 403;

/**
 * Checks every grant the app needs, in order, never stopping at the first missing one (a missing site grant skips
 * only what needs the site). Leaves nothing behind: the test subscription and the test meeting are deleted.
 *
 * @example
 * const checks = await checkPermissions({ graph, site, mailbox: "partnership@lncip.example", clientId, notificationUrl, bot, now: () => new Date() });
 * checks.map((c) => `${c.id}: ${c.state}`) // ["site: granted", "lists: granted", "listSubscriptions: missing", ...]
 */
export async function checkPermissions(ports: PermissionCheckPorts): Promise<GrantCheck[]> {
  const target: GrantTarget = { clientId: ports.clientId, mailbox: ports.mailbox, site: ports.site.address };
  const checks: GrantCheck[] = [];
  const record = (id: GrantId, grant: string, state: GrantState, detail: string) => checks.push({ id, grant, state, detail, remedy: state === "missing" ? grantRemedy(id, target) : [] });
  const mailbox = ports.mailbox;

  // SharePoint: the site, its lists, and change notifications on them.
  let casesResource: string | undefined;
  const siteGrant = "Sites.Selected with write on the partnership site";
  let siteOk = false;
  try {
    const url = await ports.site.webUrl();
    siteOk = true;
    record("site", siteGrant, "granted", `read the site (${url})`);
  } catch (e) {
    record("site", siteGrant, refused(e) || graphStatus(e) === 404 ? "missing" : "not checked", explain(e));
  }
  if (siteOk) {
    try {
      const cases = sharePointList(ports.site, "Cases");
      casesResource = (await cases.path()).replace(/^\//, "");
      await ports.graph.api(`/${casesResource}/items`).top(1).get();
      record("lists", "Read and write the partnership's lists (the same grant)", "granted", "read the Cases list and its items");
    } catch (e) {
      record("lists", "Read and write the partnership's lists (the same grant)", refused(e) ? "missing" : "not checked", graphStatus(e) === 404 ? "the Cases list is not there yet: run npm run provision first" : explain(e));
    }
  }
  // The Referral inbox is locked down (its own permissions: the flow's account and the app only); the app must still
  // read and remove what the flow leaves there.
  const inboxGrant = "Read and remove the Referral inbox's items (the locked-down list the standard-licence flow writes to)";
  if (!siteOk) record("referralInbox", inboxGrant, "not checked", "needs the site (above)");
  else {
    try {
      const inbox = sharePointList(ports.site, "ReferralInbox");
      await ports.graph.api(`${await inbox.path()}/items`).top(1).get();
      record("referralInbox", inboxGrant, "granted", "read the ReferralInbox list and its items");
    } catch (e) {
      record("referralInbox", inboxGrant, refused(e) ? "missing" : "not checked", graphStatus(e) === 404 ? "the ReferralInbox list is not there yet: run npm run provision first" : explain(e));
    }
  }

  const subscriptionsGrant = "Change notifications on the lists (list subscriptions: Sites.ReadWrite.All)";
  if (!casesResource) record("listSubscriptions", subscriptionsGrant, "not checked", "needs the Cases list (above)");
  else if (!ports.notificationUrl) record("listSubscriptions", subscriptionsGrant, "not checked", "needs NOTIFICATION_URL (the app's public /api/notifications) to receive Graph's validation");
  else {
    const subscriptions = graphSubscriptions(ports.graph);
    try {
      const created = await subscriptions.create({
        resource: casesResource,
        notificationUrl: ports.notificationUrl,
        lifecycleNotificationUrl: ports.notificationUrl,
        // Not the app's secret: a notification for this subscription, if any, is refused by the app and changes nothing.
        clientState: randomBytes(24).toString("hex"),
        expirationDateTime: new Date(ports.now().getTime() + 15 * 60_000),
      });
      await subscriptions.delete(created.id);
      record("listSubscriptions", subscriptionsGrant, "granted", `created a test subscription on Cases (Graph validated ${ports.notificationUrl}) and deleted it`);
    } catch (e) {
      const status = graphStatus(e);
      const detail = status === 400 ? `${explain(e)} — is the app published and ${ports.notificationUrl} reachable from the internet?` : explain(e);
      record("listSubscriptions", subscriptionsGrant, refused(e) ? "missing" : "not checked", detail);
    }
  }

  // Exchange: Sent Items, the calendar and its Teams meetings, sending.
  const sentItemsGrant = `Read ${mailbox}'s Sent Items (Application Mail.ReadBasic, scoped to the mailbox)`;
  try {
    await sentWithSubject(ports.graph, mailbox, SUBJECT);
    record("sentItems", sentItemsGrant, "granted", "looked for a message by subject in Sent Items, as the app does after an interrupted send");
  } catch (e) {
    record("sentItems", sentItemsGrant, e instanceof SentItemsNotPermittedError ? "missing" : "not checked", e instanceof SentItemsNotPermittedError ? "Exchange refused (403 ErrorAccessDenied): an interrupted email could not be told apart from an unsent one" : explain(e));
  }

  const calendarGrant = `Organise events in ${mailbox}'s calendar (Application Calendars.ReadWrite, scoped to the mailbox)`;
  const meetingGrant = `Teams meetings organised by ${mailbox} (a licence that includes Teams)`;
  const start = new Date(ports.now().getTime() + 7 * 86_400_000);
  let eventId: string | undefined;
  try {
    const created = await outlookCalendar(ports.graph, mailbox).create({
      subject: SUBJECT,
      html: "<p>A permission check of the Inclusion Flow app. It is deleted at once; no one is invited.</p>",
      start,
      end: new Date(start.getTime() + 15 * 60_000),
      required: [],
      optional: [],
      transactionId: `permission-check-${ports.now().getTime()}`,
    });
    eventId = created.id;
    record("calendar", calendarGrant, "granted", "created a test event with no attendees");
    record("teamsMeeting", meetingGrant, "granted", `the test event is a Teams meeting with a join link (${new URL(created.joinUrl ?? "https://invalid").host})`);
  } catch (e) {
    if (e instanceof MeetingWithoutJoinUrlError) {
      eventId = e.eventId;
      record("calendar", calendarGrant, "granted", "created a test event with no attendees");
      record("teamsMeeting", meetingGrant, "missing", "Outlook made the event but no Teams meeting (isOnlineMeeting false, no join link): reviews and meetings would have no link");
    } else {
      record("calendar", calendarGrant, refused(e) ? "missing" : "not checked", explain(e));
      record("teamsMeeting", meetingGrant, "not checked", "needs the calendar grant (above)");
    }
  }
  if (eventId) {
    try {
      await ports.graph.api(`/users/${encodeURIComponent(mailbox)}/events/${encodeURIComponent(eventId)}`).delete();
    } catch (e) {
      const last = checks[checks.length - 1] as GrantCheck;
      last.detail += `; deleting the test event failed (${explain(e)}): delete "${SUBJECT}" from the mailbox's calendar by hand`;
    }
  }

  const providerGrant = `Teams as ${mailbox}'s online meeting provider`;
  try {
    const calendar = (await ports.graph.api(`/users/${encodeURIComponent(mailbox)}/calendar`).select("allowedOnlineMeetingProviders,defaultOnlineMeetingProvider").get()) as { allowedOnlineMeetingProviders?: string[]; defaultOnlineMeetingProvider?: string };
    const allowed = calendar.allowedOnlineMeetingProviders ?? [];
    const teams = allowed.includes("teamsForBusiness");
    record("meetingProvider", providerGrant, teams ? "granted" : "missing", `allowedOnlineMeetingProviders: ${allowed.length ? allowed.join(", ") : "none"}; default: ${calendar.defaultOnlineMeetingProvider ?? "unknown"}`);
    const provider = checks[checks.length - 1] as GrantCheck;
    // One licence grants both: say the commands once.
    if (!teams && checks.some((c) => c.id === "teamsMeeting" && c.state === "missing")) provider.remedy = ["The same licence as above grants it."];
  } catch (e) {
    record("meetingProvider", providerGrant, refused(e) ? "missing" : "not checked", explain(e));
  }

  const sendGrant = `Send mail as ${mailbox} (Application Mail.Send, scoped to the mailbox)`;
  if (ports.sendTestMailTo) {
    try {
      await ports.graph.api(`/users/${encodeURIComponent(mailbox)}/sendMail`).post({
        message: { subject: "Inclusion Flow: permission check", body: { contentType: "Text", content: "The partnership's app can send mail from this mailbox. No action is needed." }, toRecipients: [{ emailAddress: { address: ports.sendTestMailTo } }] },
        saveToSentItems: true,
      });
      record("mailSend", sendGrant, "granted", `sent one test message to ${ports.sendTestMailTo}`);
    } catch (e) {
      record("mailSend", sendGrant, refused(e) ? "missing" : "not checked", explain(e));
    }
  } else {
    record("mailSend", sendGrant, "not checked", "only sending proves it: add --send-test-mail <your address>, or run Test-ServicePrincipalAuthorization in Exchange Online PowerShell");
  }

  // Teams: the bot, posting where the app posts.
  const botGrant = "The bot in the partnership's team, posting into the Core Group's channel";
  if (!ports.bot) record("bot", botGrant, "not checked", "needs AzureWebJobsStorage (the app's storage, where the bot keeps its conversations)");
  else {
    try {
      const presence = await ports.bot.presence();
      if (presence.kind === "notInstalled") record("bot", botGrant, "missing", "not yet installed in a channel: Teams has never told the app about the team");
      else if (presence.kind === "installedWithoutChannel") record("bot", botGrant, "missing", "installed, but no channel chosen for the Core Group or the Inclusion Forum yet");
      else {
        await ports.bot.post(presence.panel, "Inclusion Flow permission check: the app can post in this channel. No action is needed.");
        record("bot", botGrant, "granted", `posted a check card into the ${presence.panel === "coreGroup" ? "Core Group" : "Inclusion Forum"}'s channel as the bot`);
      }
    } catch (e) {
      record("bot", botGrant, "not checked", `the bot could not post: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return checks;
}

/**
 * The check's report, one line per grant (✓ granted, ✗ missing, ? not checked), each missing one followed by the
 * commands that grant it.
 *
 * @example
 * formatGrantChecks([{ id: "sentItems", grant: "Read partnership@…'s Sent Items (…)", state: "missing", detail: "Exchange refused (403 ErrorAccessDenied): …", remedy: ["…"] }])
 * // ["  ✗ Read partnership@…'s Sent Items (…): missing — Exchange refused (403 ErrorAccessDenied): …", "      …"]
 */
export function formatGrantChecks(checks: readonly GrantCheck[]): string[] {
  const mark = { granted: "✓", missing: "✗", "not checked": "?" } as const;
  return checks.flatMap((c) => [`  ${mark[c.state]} ${c.grant}: ${c.state} — ${c.detail}`, ...c.remedy.map((r) => `      ${r}`)]);
}
