import { randomUUID } from "node:crypto";
import { GraphError, type GraphArea, type GraphRoute, type SandboxContext, type SandboxRequest, type SandboxResponse } from "../routing";
import { evaluate, parseFilter } from "../odata";

export interface Recipient {
  emailAddress: { address: string; name?: string };
}
export interface StoredMessage {
  id: string;
  subject: string;
  body: { contentType: string; content: string };
  from: Recipient;
  sender: Recipient;
  toRecipients: Recipient[];
  ccRecipients: Recipient[];
  bccRecipients: Recipient[];
  receivedDateTime: string;
  sentDateTime: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  hasAttachments: boolean;
  internetMessageId: string;
  isRead: boolean;
  isDraft: boolean;
  importance: string;
  parentFolderId: string;
  conversationId: string;
  attachments: { "@odata.type": string; id: string; name: string; contentType: string; size: number; isInline: boolean; contentId?: string; contentBytes: string; lastModifiedDateTime: string }[];
  meetingMessageType?: string;
}

interface Mailbox {
  id: string;
  address: string;
  displayName: string;
  /** A mailbox of this tenant (it may send); others are external, created on first delivery. */
  internal: boolean;
  inbox: StoredMessage[];
  sent: StoredMessage[];
  sendTimes: number[];
}

const MAX_ATTACHMENTS_BYTES = 3 * 1024 * 1024;

/**
 * Outlook mail as Graph serves it: `sendMail` (202, no body) delivers into a mailbox for every recipient (so a
 * test can read what a school received) and keeps a copy in the sender's Sent Items; Exchange Online's
 * 30-messages-a-minute limit per sending mailbox answers 429 with Retry-After. Also the tenant's directory of
 * mailboxes, which the calendar area uses.
 */
export class MailArea implements GraphArea {
  readonly name = "mail";
  private boxes = new Map<string, Mailbox>();
  /** Exchange Online allows 30 messages a minute per mailbox; tests may lower it or switch it off (0). */
  limitPerMinute = 30;
  private ctx: SandboxContext | undefined;

  readonly routes: GraphRoute[] = [
    { method: "POST", pattern: "/users/:user/sendMail", handle: (r, ctx) => this.sendMailRoute(r, ctx) },
    { method: "GET", pattern: "/users/:user/messages", handle: (r) => this.listRoute(r, (b) => [...b.inbox, ...b.sent]) },
    { method: "GET", pattern: "/users/:user/messages/:id", handle: (r) => ok(view(this.find(r), r)) },
    { method: "GET", pattern: "/users/:user/messages/:id/attachments", handle: (r) => ok({ value: this.find(r).attachments }) },
    { method: "GET", pattern: "/users/:user/mailFolders/:folder/messages", handle: (r) => this.listRoute(r, (b) => (/^sent/i.test(r.params.folder ?? "") ? b.sent : b.inbox)) },
    { method: "GET", pattern: "/users/:user", handle: (r) => ok(userView(this.box(r.params.user ?? ""))) },
  ];

  start(ctx: SandboxContext): void {
    this.ctx = ctx;
  }
  reset(): void {
    this.boxes.clear();
    this.limitPerMinute = 30;
  }
  dump(): unknown {
    return [...this.boxes.values()].map((b) => ({ address: b.address, inbox: b.inbox.map(summary), sent: b.sent.map(summary) }));
  }

  addMailbox(address: string, displayName: string): string {
    const key = address.toLowerCase();
    const existing = this.boxes.get(key);
    if (existing) {
      existing.internal = true;
      return existing.id;
    }
    const id = randomUUID();
    this.boxes.set(key, { id, address: key, displayName, internal: true, inbox: [], sent: [], sendTimes: [] });
    return id;
  }

  /** What a mailbox received (inbox), for tests and the state page. */
  inbox(address: string): StoredMessage[] {
    return this.boxes.get(address.toLowerCase())?.inbox ?? [];
  }
  sentItems(address: string): StoredMessage[] {
    return this.boxes.get(address.toLowerCase())?.sent ?? [];
  }
  mailboxes(): { address: string; displayName: string; internal: boolean }[] {
    return [...this.boxes.values()].map((b) => ({ address: b.address, displayName: b.displayName, internal: b.internal }));
  }

  /** A tenant mailbox by id or address; 404 as Graph answers for an unknown user. */
  box(user: string): Mailbox {
    const key = user.toLowerCase();
    const box = this.boxes.get(key) ?? [...this.boxes.values()].find((b) => b.id === user);
    if (!box || !box.internal) throw new GraphError(404, "ErrorInvalidUser", `The requested user '${user}' is invalid.`);
    return box;
  }

  /** Delivers a message into each recipient's mailbox (used by sendMail and by the calendar's invitations). */
  deliver(from: Mailbox, message: Omit<StoredMessage, "id" | "parentFolderId" | "isRead" | "receivedDateTime">, saveToSent: boolean): void {
    const recipients = [...message.toRecipients, ...message.ccRecipients, ...message.bccRecipients].map((r) => r.emailAddress.address.toLowerCase());
    for (const address of new Set(recipients)) {
      let box = this.boxes.get(address);
      if (!box) this.boxes.set(address, (box = { id: randomUUID(), address, displayName: address, internal: false, inbox: [], sent: [], sendTimes: [] }));
      box.inbox.push({ ...message, bccRecipients: [], id: randomUUID(), parentFolderId: "inbox", isRead: false, receivedDateTime: message.sentDateTime });
    }
    if (saveToSent) from.sent.push({ ...message, id: randomUUID(), parentFolderId: "sentitems", isRead: true, receivedDateTime: message.sentDateTime });
  }

  private sendMailRoute(r: SandboxRequest, ctx: SandboxContext): SandboxResponse {
    const from = this.box(r.params.user ?? "");
    const body = r.body as
      | { message?: Partial<StoredMessage> & { attachments?: { "@odata.type"?: string; name?: string; contentType?: string; contentBytes?: string; contentId?: string; isInline?: boolean }[] }; saveToSentItems?: boolean }
      | undefined;
    const m = body?.message;
    if (!m) throw new GraphError(400, "ErrorInvalidRequest", "The message is missing.");
    const to = m.toRecipients ?? [];
    const cc = m.ccRecipients ?? [];
    const bcc = m.bccRecipients ?? [];
    if (to.length + cc.length + bcc.length === 0) throw new GraphError(400, "ErrorInvalidRecipients", "At least one recipient is not valid., A message can't be sent because it contains no recipients.");
    for (const rcp of [...to, ...cc, ...bcc]) {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(rcp?.emailAddress?.address ?? "")) throw new GraphError(400, "ErrorInvalidRecipients", "At least one recipient is not valid.");
    }
    let total = 0;
    const attachments = (m.attachments ?? []).map((a) => {
      if (a["@odata.type"] !== "#microsoft.graph.fileAttachment" || !a.name || typeof a.contentBytes !== "string") throw new GraphError(400, "ErrorInvalidAttachment", "Attachments must be file attachments with a name and base64 contentBytes.");
      const size = Buffer.from(a.contentBytes, "base64").length;
      total += size;
      // An inline picture (isInline, referenced from the body as cid:contentId) is kept as sent.
      return {
        "@odata.type": "#microsoft.graph.fileAttachment",
        id: randomUUID(),
        name: a.name,
        contentType: a.contentType ?? "application/octet-stream",
        size,
        isInline: a.isInline === true,
        ...(typeof a.contentId === "string" ? { contentId: a.contentId } : {}),
        contentBytes: a.contentBytes,
        lastModifiedDateTime: ctx.now().toISOString(),
      };
    });
    if (total > MAX_ATTACHMENTS_BYTES) throw new GraphError(413, "RequestEntityTooLarge", "Attachments sent inline must total less than 3 MB; use an upload session for larger files.");

    const now = ctx.now().getTime();
    if (this.limitPerMinute > 0) {
      from.sendTimes = from.sendTimes.filter((t) => t > now - 60_000);
      if (from.sendTimes.length >= this.limitPerMinute) {
        const retryAfter = Math.max(1, Math.ceil(((from.sendTimes[0] as number) + 60_000 - now) / 1000));
        throw new GraphError(429, "ErrorExceededMessageLimit", "Message rate limit exceeded: 30 messages a minute per mailbox.", { "retry-after": String(retryAfter) });
      }
      from.sendTimes.push(now);
    }
    const sentAt = ctx.now().toISOString();
    const sender = { emailAddress: { address: from.address, name: from.displayName } };
    this.deliver(
      from,
      {
        subject: m.subject ?? "",
        body: { contentType: m.body?.contentType ?? "Text", content: m.body?.content ?? "" },
        from: sender,
        sender,
        toRecipients: to,
        ccRecipients: cc,
        bccRecipients: bcc,
        sentDateTime: sentAt,
        createdDateTime: sentAt,
        lastModifiedDateTime: sentAt,
        // As Graph documents it: inline attachments alone do not make hasAttachments true.
        hasAttachments: attachments.some((a) => !a.isInline),
        internetMessageId: `<${randomUUID()}@sandbox.local>`,
        isDraft: false,
        importance: "normal",
        conversationId: randomUUID(),
        attachments,
      },
      body?.saveToSentItems !== false,
    );
    return { status: 202 };
  }

  private listRoute(r: SandboxRequest, pick: (b: Mailbox) => StoredMessage[]): SandboxResponse {
    let messages = [...pick(this.box(r.params.user ?? ""))];
    const filter = r.query.get("$filter");
    if (filter) {
      const f = parseFilter(filter);
      messages = messages.filter((m) => evaluate(f, (p) => readPath(m, p)));
    }
    messages.sort((a, b) => b.receivedDateTime.localeCompare(a.receivedDateTime));
    const top = Number(r.query.get("$top") ?? 10) || 10;
    const skip = Number(r.query.get("$skip") ?? 0) || 0;
    const page = messages.slice(skip, skip + top);
    const out: Record<string, unknown> = { value: page.map((m) => view(m, r)) };
    if (skip + top < messages.length) {
      const q = new URLSearchParams(r.query);
      q.set("$skip", String(skip + top));
      out["@odata.nextLink"] = `${this.ctx?.baseUrl ?? ""}/v1.0${r.path}?${q.toString()}`;
    }
    return ok(out);
  }

  private find(r: SandboxRequest): StoredMessage {
    const box = this.box(r.params.user ?? "");
    const m = [...box.inbox, ...box.sent].find((x) => x.id === r.params.id);
    if (!m) throw new GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
    return m;
  }
}

function readPath(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const k of path.split("/")) v = v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

function view(m: StoredMessage, r: SandboxRequest): Record<string, unknown> {
  const { attachments, meetingMessageType: _meeting, ...rest } = m;
  const expand = /attachments/.test(r.query.get("$expand") ?? "");
  const select = r.query.get("$select")?.split(",").map((s) => s.trim());
  const full: Record<string, unknown> = { "@odata.etag": `W/"${m.id.slice(0, 8)}"`, ...rest, ...(expand ? { attachments } : {}) };
  if (!select) return full;
  return Object.fromEntries(Object.entries(full).filter(([k]) => k === "id" || k === "@odata.etag" || select.includes(k)));
}

function summary(m: StoredMessage) {
  return { subject: m.subject, from: m.from.emailAddress.address, to: m.toRecipients.map((r) => r.emailAddress.address), sent: m.sentDateTime, attachments: m.attachments.map((a) => a.name) };
}

function userView(b: Mailbox) {
  return { id: b.id, displayName: b.displayName, mail: b.address, userPrincipalName: b.address };
}

function ok(body: unknown): SandboxResponse {
  return { status: 200, body };
}
