import type { Client } from "@microsoft/microsoft-graph-client";
import { odataString } from "../odata";
import { graphStatus } from "../sharepoint/graphErrors";

/** An email the partnership sends. The subject carries case references only (docs/domain.md, Data protection). */
export interface OutgoingMail {
  to: readonly string[];
  cc?: readonly string[] | undefined;
  subject: string;
  /** HTML body; callers escape every value they put into it. */
  html: string;
  /** Files; an inline one (a chart) is shown where the body's `<img src="cid:{contentId}">` is. */
  attachments?: readonly { name: string; contentType: string; contentBytes: Buffer; contentId?: string | undefined; isInline?: boolean | undefined }[] | undefined;
}

/**
 * Sends mail as the partnership mailbox through Graph `sendMail` (202, no body) and keeps a copy in its Sent
 * Items, so what the partnership told a school can always be looked up.
 *
 * @example
 * await mailer.send({ to: ["senco@school.example"], subject: "Referral received: LNCIP-2026-0042", html });
 */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  /**
   * Whether a message with exactly this subject is in the sending mailbox's Sent Items, sent at or after `since`:
   * how an email claimed by a worker that died is found to have gone (or not) before it is sent again.
   */
  sentSince?(subject: string, since: Date): Promise<boolean>;
  /**
   * Where an email goes whose sending was interrupted and cannot be confirmed (Sent Items may not be read): kept for a
   * person to check, and not sent again. Without it, that email's effect fails (and is retried).
   */
  park?(mail: UnconfirmedMail): Promise<void>;
}

/** An email whose sending was interrupted, which the app cannot confirm went (its effect key, recipients, subject). */
export interface UnconfirmedMail {
  key: string;
  to: readonly string[];
  /** Case references and reference tokens only, never a pupil. */
  subject: string;
  /** When the interrupted attempt claimed it: if it went, it went after this. */
  claimedAt: Date;
}

export function graphMailer(graph: Client, fromMailbox: string): Mailer {
  return {
    sentSince: (subject, since) => sentWithSubject(graph, fromMailbox, subject, since),
    async send(mail) {
      await graph.api(`/users/${encodeURIComponent(fromMailbox)}/sendMail`).post({
        message: {
          subject: mail.subject,
          body: { contentType: "HTML", content: mail.html },
          toRecipients: mail.to.map(recipient),
          ...(mail.cc?.length ? { ccRecipients: mail.cc.map(recipient) } : {}),
          ...(mail.attachments?.length
            ? {
                attachments: mail.attachments.map((a) => ({
                  "@odata.type": "#microsoft.graph.fileAttachment",
                  name: a.name,
                  contentType: a.contentType,
                  contentBytes: a.contentBytes.toString("base64"),
                  ...(a.isInline ? { isInline: true, contentId: a.contentId } : {}),
                })),
              }
            : {}),
        },
        saveToSentItems: true,
      });
    },
  };
}

function recipient(address: string) {
  return { emailAddress: { address } };
}

export { escapeHtml } from "../../domain/text/escapeHtml";

/**
 * The app may not read the sending mailbox's Sent Items (403: no Mail.ReadBasic or Mail.Read on the mailbox), so it
 * cannot tell whether an interrupted email went. Not worth retrying: an administrator has to grant the role.
 *
 * @example
 * new SentItemsNotPermittedError("partnership@lncip.example").message
 * // "The app may not read partnership@lncip.example's Sent Items, so it cannot tell whether an interrupted email was sent: …"
 */
export class SentItemsNotPermittedError extends Error {
  constructor(readonly mailbox: string) {
    super(`The app may not read ${mailbox}'s Sent Items, so it cannot tell whether an interrupted email was sent: an Exchange administrator must assign it the "Application Mail.ReadBasic" role scoped to the mailbox.`);
    this.name = "SentItemsNotPermittedError";
  }
}

/**
 * Looks in the sending mailbox's Sent Items for a message with exactly this subject (sent at or after `since`,
 * when given): how an email whose sending was interrupted is found to have gone. Subjects carry reference tokens
 * and case references, never a pupil's identity. A 403 is `SentItemsNotPermittedError`.
 *
 * @example
 * await sentWithSubject(graph, "partnership@lncip.example", "Daily attendance 2026-11-23: Oakfield Academy (ref ATT-120345-20261123-D)") // true
 */
export async function sentWithSubject(graph: Client, fromMailbox: string, subject: string, since?: Date): Promise<boolean> {
  let page: { value?: { subject?: string; sentDateTime?: string }[] };
  try {
    page = (await graph
      .api(`/users/${encodeURIComponent(fromMailbox)}/mailFolders/sentitems/messages`)
      .filter(`subject eq ${odataString(subject)}`)
      .select("id,subject,sentDateTime")
      .top(since ? 50 : 1)
      .get()) as typeof page;
  } catch (e) {
    // A refusal does not pass with time: retrying it only hides it (the email stays unsent and nobody is told).
    if (graphStatus(e) === 403) throw new SentItemsNotPermittedError(fromMailbox);
    throw e;
  }
  // A minute's slack: the sandbox's and Exchange's clocks are not the worker's.
  return (page.value ?? []).some((m) => m.subject === subject && (!since || Date.parse(m.sentDateTime ?? "") >= since.getTime() - 60_000));
}
