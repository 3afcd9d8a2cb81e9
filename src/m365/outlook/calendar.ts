import type { Client } from "@microsoft/microsoft-graph-client";
import { graphStatus } from "../sharepoint/graphErrors";

export interface MeetingRequest {
  subject: string;
  /** HTML; callers escape every value they put into it. */
  html: string;
  start: Date;
  end: Date;
  required: readonly string[];
  optional: readonly string[];
  /** Derived from the case and the review's number, so a retried create never makes a second event. */
  transactionId: string;
}

export interface CreatedEvent {
  id: string;
  joinUrl?: string | undefined;
  webLink?: string | undefined;
}

/**
 * Graph made the event but not its Teams meeting: it answers 201 with `isOnlineMeeting: false` and no join URL when
 * the organising mailbox has no licence that includes Teams. The event exists (a retry with the same transactionId
 * finds it again, and fails again): the workflow reports it to the Coordinator rather than keep a review without a
 * link. `eventId` lets it record or cancel the event.
 *
 * @example
 * new MeetingWithoutJoinUrlError("AAMkA…", "partnership@lncip.example").message
 * // "Outlook made the event in partnership@lncip.example's calendar but no Teams meeting (no join link): …"
 */
export class MeetingWithoutJoinUrlError extends Error {
  constructor(
    readonly eventId: string,
    readonly mailbox: string,
  ) {
    super(`Outlook made the event in ${mailbox}'s calendar but no Teams meeting (no join link): the mailbox needs a licence that includes Microsoft Teams.`);
    this.name = "MeetingWithoutJoinUrlError";
  }
}

/**
 * Reviews and meetings on the partnership mailbox's calendar, as Teams meetings (an event Graph made without its
 * Teams meeting is asked for one once more, then fails with `MeetingWithoutJoinUrlError`). Times are sent in UTC (the
 * instant is what the domain computed in UK time), attendees as required or optional.
 *
 * @example
 * await calendar.create({ subject: "Placement review: LNCIP-2026-0042", ..., transactionId: "LNCIP-2026-0042-review-1" })
 */
export interface OutlookCalendar {
  create(meeting: MeetingRequest): Promise<CreatedEvent>;
  move(eventId: string, start: Date, end: Date): Promise<void>;
  /** Cancels with a message to the attendees; an event already gone is not an error. */
  cancel(eventId: string, comment: string): Promise<void>;
  /** Adds required attendees to an event (each invited once: those already on it are left as they are). */
  addAttendees(eventId: string, required: readonly string[]): Promise<void>;
}

type MadeEvent = { id: string; webLink?: string; onlineMeeting?: { joinUrl?: string } | null };

export function outlookCalendar(graph: Client, mailbox: string): OutlookCalendar {
  const base = `/users/${encodeURIComponent(mailbox)}`;
  const when = (d: Date) => ({ dateTime: d.toISOString().replace("Z", ""), timeZone: "UTC" });
  return {
    async create(m) {
      const event = (await graph.api(`${base}/events`).post({
        subject: m.subject,
        body: { contentType: "HTML", content: m.html },
        start: when(m.start),
        end: when(m.end),
        attendees: [
          ...m.required.map((address) => ({ type: "required", emailAddress: { address } })),
          ...m.optional.map((address) => ({ type: "optional", emailAddress: { address } })),
        ],
        isOnlineMeeting: true,
        onlineMeetingProvider: "teamsForBusiness",
        transactionId: m.transactionId,
      })) as MadeEvent;
      let joinUrl = event.onlineMeeting?.joinUrl;
      if (!joinUrl) {
        // Made without its Teams meeting. A retry after the mailbox was licensed gets this same event back (the same
        // transactionId), so ask for the meeting on it: Outlook adds one to an existing event when it can.
        const updated = (await graph.api(`${base}/events/${encodeURIComponent(event.id)}`).patch({ isOnlineMeeting: true, onlineMeetingProvider: "teamsForBusiness" })) as MadeEvent | undefined;
        joinUrl = updated?.onlineMeeting?.joinUrl;
      }
      if (!joinUrl) throw new MeetingWithoutJoinUrlError(event.id, mailbox);
      return { id: event.id, joinUrl, webLink: event.webLink };
    },
    async move(eventId, start, end) {
      await graph.api(`${base}/events/${encodeURIComponent(eventId)}`).patch({ start: when(start), end: when(end) });
    },
    async cancel(eventId, comment) {
      try {
        await graph.api(`${base}/events/${encodeURIComponent(eventId)}/cancel`).post({ comment });
      } catch (e) {
        if (graphStatus(e) !== 404) throw e;
      }
    },
    async addAttendees(eventId, required) {
      const path = `${base}/events/${encodeURIComponent(eventId)}`;
      const event = (await graph.api(path).select("attendees").get()) as { attendees?: { type: string; emailAddress: { address: string; name?: string } }[] };
      const current = event.attendees ?? [];
      const known = new Set(current.map((a) => a.emailAddress.address.toLowerCase()));
      const added = [...new Set(required.map((a) => a.toLowerCase()))].filter((a) => !known.has(a));
      if (!added.length) return;
      await graph.api(path).patch({ attendees: [...current, ...added.map((address) => ({ type: "required", emailAddress: { address } }))] });
    },
  };
}
