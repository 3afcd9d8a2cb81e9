import type { Client } from "@microsoft/microsoft-graph-client";
import { graphStatus } from "../../m365/sharepoint/graphErrors";
import type { SharePointSite } from "../../m365/sharepoint/site";

/** One permission the app needs, and what this run could establish about it. */
export interface AccessCheck {
  what: string;
  result: "verified" | "refused" | "not verified";
  detail: string;
}

export interface AccessCheckOptions {
  mailbox: string;
  /** Lists provisioning wrote to in this run: a write right proven by use. */
  wroteLists: boolean;
  /** Re-save a column's display name unchanged: proves the right to manage lists without changing anything. */
  checkWrite: boolean;
  /** Send one test message from the partnership mailbox to this address (the only proof of Mail.Send). */
  sendTestMailTo?: string | undefined;
  now: Date;
}

const explain = (e: unknown) => {
  const status = graphStatus(e);
  const message = e instanceof Error ? e.message : String(e);
  return status ? `Graph answered ${status}: ${message}` : message;
};

/**
 * What the app's identity can do on the partnership's site and mailbox, checked with the cheapest call for each
 * (reads; a write only when asked). Sending mail cannot be checked without sending one, so Mail.Send is
 * "not verified" unless a test address is given; Exchange's `Test-ServicePrincipalAuthorization` checks it
 * without sending (docs/deploying-to-a-tenant.md, step 5, "Mail and calendar: the partnership mailbox only").
 *
 * @example
 * await checkAccess(graph, site, { mailbox: "partnership@lncip.example", wroteLists: false, checkWrite: false, now })
 * // [{ what: "Read the partnership site", result: "verified", ... }, ..., { what: "Send mail as ...", result: "not verified", ... }]
 */
export async function checkAccess(graph: Client, site: SharePointSite, options: AccessCheckOptions): Promise<AccessCheck[]> {
  const checks: AccessCheck[] = [];
  const attempt = async (what: string, work: () => Promise<string>) => {
    try {
      checks.push({ what, result: "verified", detail: await work() });
      return true;
    } catch (e) {
      const status = graphStatus(e);
      checks.push({ what, result: status === 401 || status === 403 ? "refused" : "not verified", detail: explain(e) });
      return false;
    }
  };

  const siteOk = await attempt("Read the partnership site (Sites.Selected: read)", async () => `${await site.webUrl()}`);
  if (!siteOk) return checks;
  const siteId = await site.id();
  let schoolsListId: string | undefined;
  await attempt("Read its lists and their items", async () => {
    const lists = (await graph.api(`/sites/${siteId}/lists`).select("id,name").get()) as { value: { id: string; name: string }[] };
    const cases = lists.value.find((l) => l.name === "Cases");
    schoolsListId = lists.value.find((l) => l.name === "Schools")?.id;
    if (cases) await graph.api(`/sites/${siteId}/lists/${cases.id}/items`).top(1).get();
    return `${lists.value.length} list(s)${cases ? "; Cases items readable" : ""}`;
  });
  if (options.checkWrite && schoolsListId) {
    const listId = schoolsListId;
    await attempt("Manage the site's lists (Sites.Selected: write or above)", async () => {
      const columns = (await graph.api(`/sites/${siteId}/lists/${listId}/columns`).get()) as { value: { id: string; name: string; displayName: string }[] };
      const title = columns.value.find((c) => c.name === "Title");
      if (!title) throw new Error("the Schools list has no Title column");
      await graph.api(`/sites/${siteId}/lists/${listId}/columns/${title.id}`).patch({ displayName: title.displayName });
      return "re-saved the Schools list's Title column unchanged";
    });
  } else {
    checks.push({
      what: "Manage the site's lists (Sites.Selected: write or above)",
      result: options.wroteLists ? "verified" : "not verified",
      detail: options.wroteLists ? "this run created or changed lists" : "nothing needed changing; --check-write re-saves a column unchanged to prove it",
    });
  }

  const mailbox = encodeURIComponent(options.mailbox);
  const start = options.now.toISOString();
  const end = new Date(options.now.getTime() + 86_400_000).toISOString();
  await attempt(`Read and write ${options.mailbox}'s calendar (Calendars.ReadWrite, scoped to the mailbox)`, async () => {
    await graph.api(`/users/${mailbox}/calendarView`).query({ startDateTime: start, endDateTime: end }).top(1).select("id").get();
    return "read the next day's calendar (reading proves the scope reaches the mailbox; writing is granted with it)";
  });
  if (options.sendTestMailTo) {
    const to = options.sendTestMailTo;
    await attempt(`Send mail as ${options.mailbox} (Mail.Send, scoped to the mailbox)`, async () => {
      await graph.api(`/users/${mailbox}/sendMail`).post({
        message: { subject: "Inclusion Flow: provisioning test", body: { contentType: "Text", content: "The partnership's app can send mail from this mailbox. No action is needed." }, toRecipients: [{ emailAddress: { address: to } }] },
        saveToSentItems: true,
      });
      return `sent one test message to ${to}`;
    });
  } else {
    checks.push({ what: `Send mail as ${options.mailbox} (Mail.Send, scoped to the mailbox)`, result: "not verified", detail: "only sending proves it: pass --send-test-mail <address>, or run Test-ServicePrincipalAuthorization in Exchange Online PowerShell" });
  }
  return checks;
}
