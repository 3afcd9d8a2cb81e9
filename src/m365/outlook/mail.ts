import { GraphError, RetryHandlerOptions, type Client } from "@microsoft/microsoft-graph-client";
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

/** How a mailer meets Exchange's sending limit (429 with Retry-After). */
export interface GraphMailerOptions {
  /**
   * "wait" (the default): the Graph client waits out Retry-After, up to three times, inside `send`. "defer": `send`
   * throws `MailboxBusyError` at once, and refuses every send until the Retry-After has passed without asking Graph
   * again — for a caller that holds a queue slot and can come back later (the intake: its case items must not wait
   * behind its emails). Each email turned away is told its own time to come back: the first when the pause ends,
   * each next one 2 s later (Exchange's pace), so they return as the mailbox can take them.
   */
  whenBusy?: "wait" | "defer";
  /** The clock the pause is kept by (milliseconds). */
  now?: () => number;
}

/**
 * The sending mailbox is over Exchange Online's limit (30 messages a minute): nothing was sent; try again after
 * `retryAfterMs`.
 *
 * @example
 * new MailboxBusyError("partnership@lncip.example", 42_000).message
 * // "partnership@lncip.example is over Exchange's sending limit; nothing was sent. Try again in 42 s."
 */
export class MailboxBusyError extends Error {
  constructor(readonly mailbox: string, readonly retryAfterMs: number) {
    super(`${mailbox} is over Exchange's sending limit; nothing was sent. Try again in ${Math.ceil(retryAfterMs / 1000)} s.`);
    this.name = "MailboxBusyError";
  }
}

/**
 * Of two busy answers, the one that asks for the longer wait (work owing several emails comes back once, for all).
 *
 * @example
 * longerWait(undefined, busy).retryAfterMs // busy's
 */
export function longerWait<T extends MailboxBusyError>(kept: T | undefined, next: T): T {
  return kept && kept.retryAfterMs >= next.retryAfterMs ? kept : next;
}

/** Exchange Online's pace for one mailbox: 30 messages a minute. */
const EXCHANGE_PACE_MS = 2_000;

/** Exchange's answer when a 429 comes without Retry-After: its limits are per minute. */
const BUSY_WITHOUT_RETRY_AFTER_MS = 60_000;

/**
 * How long a 429 asks the caller to wait: its Retry-After in milliseconds (a minute when it gives none).
 *
 * @example
 * const busy = Object.assign(new GraphError(429), { headers: new Headers({ "retry-after": "12" }) });
 * retryAfterMs(busy) // 12000
 * retryAfterMs(new GraphError(429)) // 60000: none given, Exchange's limits are per minute
 */
export function retryAfterMs(e: unknown): number {
  const header = e instanceof GraphError ? e.headers?.get("retry-after") : undefined;
  const seconds = Number(header);
  return header && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : BUSY_WITHOUT_RETRY_AFTER_MS;
}

// The client keeps retrying 503 and 504 (a blip); only Exchange's 429 comes back to the caller at once. Made on first
// use: the Graph client's SDK is loaded when first needed, not when the functions are registered.
let retryAllButBusy: RetryHandlerOptions | undefined;
const allButBusy = () => (retryAllButBusy ??= new RetryHandlerOptions(undefined, undefined, (_delay, _attempt, _request, _options, response) => response.status !== 429));

export function graphMailer(graph: Client, fromMailbox: string, options: GraphMailerOptions = {}): Mailer {
  const defer = options.whenBusy === "defer";
  const now = options.now ?? Date.now;
  let busyUntil = 0;
  // Each email turned away is given its own turn after the pause, one per Exchange's pace (30 a minute), so the
  // work that owes them comes back spread out as the mailbox can take it, not all at once to be turned away again.
  let nextTurn = 0;
  const turnAway = () => {
    nextTurn = Math.max(nextTurn, busyUntil);
    const wait = nextTurn - now();
    nextTurn += EXCHANGE_PACE_MS;
    return new MailboxBusyError(fromMailbox, wait);
  };
  return {
    sentSince: (subject, since) => sentWithSubject(graph, fromMailbox, subject, since),
    async send(mail) {
      if (defer && now() < busyUntil) throw turnAway();
      const request = graph.api(`/users/${encodeURIComponent(fromMailbox)}/sendMail`);
      try {
        await (defer ? request.middlewareOptions([allButBusy()]) : request).post({
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
      } catch (e) {
        if (!defer || graphStatus(e) !== 429) throw e;
        busyUntil = Math.max(busyUntil, now() + retryAfterMs(e));
        throw turnAway();
      }
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
