import type { Client } from "@microsoft/microsoft-graph-client";

/** An email the partnership sends. The subject carries case references only (DOMAIN.md, data protection). */
export interface OutgoingMail {
  to: readonly string[];
  cc?: readonly string[] | undefined;
  subject: string;
  /** HTML body; callers escape every value they put into it. */
  html: string;
  attachments?: readonly { name: string; contentType: string; contentBytes: Buffer }[] | undefined;
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
}

export function graphMailer(graph: Client, fromMailbox: string): Mailer {
  return {
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

/** Escapes text for an HTML email body: free text from a form is shown as written, never as markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
