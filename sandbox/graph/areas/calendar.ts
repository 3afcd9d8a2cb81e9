import { randomUUID } from "node:crypto";
import { TZDate } from "@date-fns/tz";
import { GraphError, type GraphArea, type GraphRoute, type SandboxContext, type SandboxRequest, type SandboxResponse } from "../routing";
import type { MailArea } from "./mail";

interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}
export interface Attendee {
  type: "required" | "optional" | "resource";
  emailAddress: { address: string; name?: string };
  status?: { response: string; time: string };
}
export interface StoredEvent {
  id: string;
  iCalUId: string;
  changeKey: string;
  transactionId?: string;
  subject: string;
  body: { contentType: string; content: string };
  start: Date;
  end: Date;
  attendees: Attendee[];
  organizer: { emailAddress: { address: string; name: string } };
  isOnlineMeeting: boolean;
  onlineMeetingProvider: string;
  onlineMeeting: { joinUrl: string } | null;
  isCancelled: boolean;
  createdDateTime: string;
  lastModifiedDateTime: string;
  location: { displayName: string };
}

/** Windows and IANA names the sandbox understands for `dateTimeTimeZone` and `Prefer: outlook.timezone`. */
const ZONES: Record<string, string> = { UTC: "UTC", "Europe/London": "Europe/London", "GMT Standard Time": "Europe/London", "Greenwich Standard Time": "UTC" };

/**
 * Outlook calendars as Graph serves them: events with attendees and Teams meeting links, `transactionId` so a
 * retried create never makes a second event (Graph does not document what the repeat receives: the sandbox
 * answers 201 with the event already made), calendarView, update, delete, and `cancel` by the organizer, which
 * sends each attendee a cancellation. Invitations and cancellations arrive in the attendees' mailboxes.
 */
export class CalendarArea implements GraphArea {
  readonly name = "calendar";
  private calendars = new Map<string, StoredEvent[]>();

  readonly routes: GraphRoute[] = [
    { method: "POST", pattern: "/users/:user/events", handle: (r, ctx) => this.create(r, ctx) },
    { method: "POST", pattern: "/users/:user/calendar/events", handle: (r, ctx) => this.create(r, ctx) },
    { method: "GET", pattern: "/users/:user/events", handle: (r) => this.list(r, () => true) },
    { method: "GET", pattern: "/users/:user/calendar/events", handle: (r) => this.list(r, () => true) },
    { method: "GET", pattern: "/users/:user/calendarView", handle: (r) => this.calendarView(r) },
    { method: "GET", pattern: "/users/:user/calendar", handle: (r, ctx) => this.calendarResource(r, ctx) },
    { method: "GET", pattern: "/users/:user/events/:id", handle: (r) => this.one(r) },
    { method: "PATCH", pattern: "/users/:user/events/:id", handle: (r, ctx) => this.update(r, ctx) },
    { method: "DELETE", pattern: "/users/:user/events/:id", handle: (r) => this.remove(r) },
    { method: "POST", pattern: "/users/:user/events/:id/cancel", handle: (r, ctx) => this.cancel(r, ctx) },
  ];

  reset(): void {
    this.calendars.clear();
  }
  dump(): unknown {
    return Object.fromEntries([...this.calendars].map(([owner, events]) => [owner, events.map((e) => ({ subject: e.subject, start: e.start.toISOString(), end: e.end.toISOString(), cancelled: e.isCancelled, attendees: e.attendees.map((a) => a.emailAddress.address) }))]));
  }

  /** The mailboxes that have a calendar with events. */
  owners(): string[] {
    return [...this.calendars.keys()];
  }

  /** A mailbox's events (cancelled ones included), for tests. */
  events(owner: string): StoredEvent[] {
    return this.calendars.get(owner.toLowerCase()) ?? [];
  }

  private owner(r: SandboxRequest, ctx: SandboxContext): { address: string; displayName: string } {
    const box = ctx.area<MailArea>("mail").box(r.params.user ?? "");
    return { address: box.address, displayName: box.displayName };
  }

  private create(r: SandboxRequest, ctx: SandboxContext): SandboxResponse {
    const owner = this.owner(r, ctx);
    const b = (r.body ?? {}) as Partial<{ subject: string; body: { contentType: string; content: string }; start: DateTimeTimeZone; end: DateTimeTimeZone; attendees: Attendee[]; isOnlineMeeting: boolean; onlineMeetingProvider: string; transactionId: string; location: { displayName: string } }>;
    const events = this.calendars.get(owner.address) ?? [];
    this.calendars.set(owner.address, events);
    if (b.transactionId) {
      const existing = events.find((e) => e.transactionId === b.transactionId);
      if (existing) return { status: 201, body: this.view(existing, r) };
    }
    if (!b.start || !b.end) throw new GraphError(400, "ErrorInvalidRequest", "An event needs a start and an end.");
    const start = instant(b.start);
    const end = instant(b.end);
    if (end.getTime() < start.getTime()) throw new GraphError(400, "ErrorInvalidRequest", "The event's end is before its start.");
    const now = ctx.now().toISOString();
    // A mailbox whose licence does not include Teams gets the event, not the meeting (strictTenant.ts).
    const online = b.isOnlineMeeting === true && ctx.tenant.grants.teamsMeetings;
    const event: StoredEvent = {
      id: `AAMkA${randomUUID().replace(/-/g, "")}`,
      iCalUId: `040000008200E00074C5B7101A82E008${randomUUID().replace(/-/g, "").toUpperCase()}`,
      changeKey: randomUUID().slice(0, 12),
      ...(b.transactionId ? { transactionId: b.transactionId } : {}),
      subject: b.subject ?? "",
      body: b.body ?? { contentType: "html", content: "" },
      start,
      end,
      attendees: (b.attendees ?? []).map((a) => ({ type: a.type ?? "required", emailAddress: a.emailAddress, status: { response: "none", time: "0001-01-01T00:00:00Z" } })),
      organizer: { emailAddress: { address: owner.address, name: owner.displayName } },
      isOnlineMeeting: online,
      onlineMeetingProvider: online ? (b.onlineMeetingProvider ?? "teamsForBusiness") : "unknown",
      onlineMeeting: online ? { joinUrl: `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${randomUUID().replace(/-/g, "")}%40thread.v2/0` } : null,
      isCancelled: false,
      createdDateTime: now,
      lastModifiedDateTime: now,
      location: b.location ?? { displayName: "" },
    };
    events.push(event);
    this.notifyAttendees(ctx, owner, event, event.subject);
    return { status: 201, body: this.view(event, r) };
  }

  private update(r: SandboxRequest, ctx: SandboxContext): SandboxResponse {
    const event = this.find(r);
    const b = (r.body ?? {}) as Partial<{ subject: string; body: { contentType: string; content: string }; start: DateTimeTimeZone; end: DateTimeTimeZone; attendees: Attendee[]; transactionId: string; isOnlineMeeting: boolean; onlineMeetingProvider: string }>;
    if (b.transactionId !== undefined && b.transactionId !== event.transactionId) throw new GraphError(400, "ErrorInvalidRequest", "transactionId cannot be changed.");
    // Outlook makes an existing event a Teams meeting when asked (isOnlineMeeting: true), if the organiser's licence
    // includes Teams; attendees get the update with the join link. Unlicensed, the event stays as it was.
    const madeOnline = b.isOnlineMeeting === true && !event.onlineMeeting && ctx.tenant.grants.teamsMeetings;
    if (madeOnline) {
      event.isOnlineMeeting = true;
      event.onlineMeetingProvider = b.onlineMeetingProvider ?? "teamsForBusiness";
      event.onlineMeeting = { joinUrl: `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${randomUUID().replace(/-/g, "")}%40thread.v2/0` };
    }
    if (b.subject !== undefined) event.subject = b.subject;
    if (b.body !== undefined) event.body = b.body;
    if (b.start) event.start = instant(b.start);
    if (b.end) event.end = instant(b.end);
    if (b.attendees) event.attendees = b.attendees.map((a) => ({ type: a.type ?? "required", emailAddress: a.emailAddress, status: { response: "none", time: "0001-01-01T00:00:00Z" } }));
    event.lastModifiedDateTime = ctx.now().toISOString();
    event.changeKey = randomUUID().slice(0, 12);
    if (b.start || b.end || b.attendees || madeOnline) this.notifyAttendees(ctx, this.owner(r, ctx), event, `Updated: ${event.subject}`);
    return { status: 200, body: this.view(event, r) };
  }

  private remove(r: SandboxRequest): SandboxResponse {
    const event = this.find(r);
    const events = this.calendars.get(event.organizer.emailAddress.address) ?? [];
    events.splice(events.indexOf(event), 1);
    return { status: 204 };
  }

  private cancel(r: SandboxRequest, ctx: SandboxContext): SandboxResponse {
    const event = this.find(r);
    const owner = this.owner(r, ctx);
    if (event.organizer.emailAddress.address !== owner.address) throw new GraphError(400, "ErrorAccessDenied", "You need to be an organizer to cancel a meeting.");
    const comment = ((r.body ?? {}) as { comment?: string }).comment ?? "";
    event.isCancelled = true;
    event.lastModifiedDateTime = ctx.now().toISOString();
    this.notifyAttendees(ctx, owner, { ...event, body: { contentType: "text", content: comment } }, `Canceled: ${event.subject}`);
    return { status: 202 };
  }

  /** The mailbox's default calendar: which online meeting providers it allows depends on the mailbox's licence. */
  private calendarResource(r: SandboxRequest, ctx: SandboxContext): SandboxResponse {
    const owner = this.owner(r, ctx);
    const teams = ctx.tenant.grants.teamsMeetings;
    return {
      status: 200,
      body: {
        id: `AAMkAGI2${Buffer.from(owner.address).toString("base64url")}`,
        name: "Calendar",
        color: "auto",
        hexColor: "",
        isDefaultCalendar: true,
        changeKey: "nfZyf7VcrEKLNoU37KWlkQAAA0x0+w==",
        canShare: true,
        canViewPrivateItems: true,
        canEdit: true,
        isRemovable: false,
        isTallyingResponses: true,
        allowedOnlineMeetingProviders: teams ? ["teamsForBusiness"] : [],
        defaultOnlineMeetingProvider: teams ? "teamsForBusiness" : "unknown",
        owner: { name: owner.displayName, address: owner.address },
      },
    };
  }

  private list(r: SandboxRequest, keep: (e: StoredEvent) => boolean): SandboxResponse {
    const owner = (r.params.user ?? "").toLowerCase();
    const events = (this.calendars.get(owner) ?? this.byId(r.params.user ?? "")).filter((e) => !e.isCancelled && keep(e));
    events.sort((a, b) => a.start.getTime() - b.start.getTime());
    const top = Number(r.query.get("$top") ?? 10) || 10;
    const skip = Number(r.query.get("$skip") ?? 0) || 0;
    const out: Record<string, unknown> = { value: events.slice(skip, skip + top).map((e) => this.view(e, r)) };
    if (skip + top < events.length) {
      const q = new URLSearchParams(r.query);
      q.set("$skip", String(skip + top));
      out["@odata.nextLink"] = `https://graph.local/v1.0${r.path}?${q.toString()}`;
    }
    const zone = preferredZone(r);
    return { status: 200, body: out, ...(zone ? { headers: { "preference-applied": `outlook.timezone="${zone}"` } } : {}) };
  }

  private calendarView(r: SandboxRequest): SandboxResponse {
    const from = Date.parse(r.query.get("startDateTime") ?? "");
    const to = Date.parse(r.query.get("endDateTime") ?? "");
    if (Number.isNaN(from) || Number.isNaN(to)) throw new GraphError(400, "ErrorInvalidParameter", "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.");
    return this.list(r, (e) => e.end.getTime() > from && e.start.getTime() < to);
  }

  private one(r: SandboxRequest): SandboxResponse {
    const event = this.find(r);
    const zone = preferredZone(r);
    return { status: 200, body: this.view(event, r), ...(zone ? { headers: { "preference-applied": `outlook.timezone="${zone}"` } } : {}) };
  }

  private byId(user: string): StoredEvent[] {
    return [...this.calendars.values()].find((events) => events.some((e) => e.organizer.emailAddress.address === user.toLowerCase())) ?? [];
  }

  private find(r: SandboxRequest): StoredEvent {
    const events = this.calendars.get((r.params.user ?? "").toLowerCase()) ?? [];
    const event = events.find((e) => e.id === r.params.id && !e.isCancelled);
    if (!event) throw new GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
    return event;
  }

  /** Exchange sends attendees an eventMessage: a request for a new or changed meeting, a cancellation when cancelled. */
  private notifyAttendees(ctx: SandboxContext, owner: { address: string; displayName: string }, event: StoredEvent, subject: string): void {
    const meetingMessageType = subject.startsWith("Canceled: ") ? "meetingCancelled" : "meetingRequest";
    if (event.attendees.length === 0) return;
    const mail = ctx.area<MailArea>("mail");
    const sender = { emailAddress: { address: owner.address, name: owner.displayName } };
    const at = ctx.now().toISOString();
    mail.deliver(
      mail.box(owner.address),
      {
        subject,
        body: event.body,
        from: sender,
        sender,
        toRecipients: event.attendees.filter((a) => a.type === "required").map((a) => ({ emailAddress: a.emailAddress })),
        ccRecipients: event.attendees.filter((a) => a.type !== "required").map((a) => ({ emailAddress: a.emailAddress })),
        bccRecipients: [],
        sentDateTime: at,
        createdDateTime: at,
        lastModifiedDateTime: at,
        hasAttachments: false,
        internetMessageId: `<${randomUUID()}@sandbox.local>`,
        isDraft: false,
        importance: "normal",
        conversationId: randomUUID(),
        attachments: [],
        meetingMessageType,
      },
      false,
    );
  }

  private view(e: StoredEvent, r: SandboxRequest): Record<string, unknown> {
    const zone = preferredZone(r) ?? "UTC";
    const { start, end, transactionId, ...rest } = e;
    return { "@odata.etag": `W/"${e.changeKey}"`, ...rest, ...(transactionId ? { transactionId } : {}), start: render(start, zone), end: render(end, zone), webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(e.id)}&exvsurl=1&path=/calendar/item` };
  }
}

function instant(d: DateTimeTimeZone): Date {
  const zone = ZONES[d.timeZone];
  if (!zone) throw new GraphError(400, "TimeZoneNotSupportedException", `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${d.timeZone}'.`);
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(d.dateTime);
  if (!m) throw new GraphError(400, "ErrorInvalidRequest", `Cannot convert the literal '${d.dateTime}' to the expected type 'Edm.DateTime'.`);
  const [y, mo, day, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  return new Date(new TZDate(y, mo - 1, day, h, mi, s, zone).getTime());
}

function render(at: Date, zone: string): DateTimeTimeZone {
  const t = new TZDate(at.getTime(), ZONES[zone] ?? "UTC");
  const p = (n: number) => String(n).padStart(2, "0");
  return { dateTime: `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())}T${p(t.getHours())}:${p(t.getMinutes())}:${p(t.getSeconds())}.0000000`, timeZone: zone };
}

function preferredZone(r: SandboxRequest): string | undefined {
  const m = /outlook\.timezone="([^"]+)"/.exec(r.headers.prefer ?? "");
  return m && ZONES[m[1] as string] ? m[1] : undefined;
}
