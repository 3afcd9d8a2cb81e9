import { londonDay, londonTime } from "../../domain/calendar";
import { odataString } from "../../m365/odata";
import { agendaDue, needsMeeting, nextMeetingWithRoom, type MeetingKind, type MeetingSlot } from "../../domain/meetings";
import { caseStatusLabels } from "../../domain/case/caseStatus";
import type { MeetingsRow } from "../../domain/lists";
import type { ListItem } from "../../m365/sharepoint/items";
import { noMeetingWithRoom } from "../messages/coordinatorMessages";
import { forumAgenda } from "../messages/inclusionForumMessages";
import { meetingInvitation } from "../messages/invitationMessages";
import { mailOnce, readCase, type PlacementPorts } from "../placements/placementPorts";
import { waitForTeams } from "./awaitingTeams";

const MEETING_MINUTES = 120;
const kindLabel: Record<MeetingKind, string> = { coreGroup: "Core Group", inclusionForum: "Inclusion Forum" };
/** The case status whose cases go on each kind of meeting's agenda. */
const statusFor: Record<MeetingKind, string> = { coreGroup: caseStatusLabels.readyForCoreGroup, inclusionForum: caseStatusLabels.awaitingInclusionForum };

/**
 * The Meetings list, typed.
 *
 * @example
 * (await meetingsOf(ports))[0]?.slot // { key: "CG-2026-12-03", kind: "coreGroup", date: "2026-12-03", startTime: "16:00", agendaSize: 6 }
 */
export async function meetingsOf(ports: Pick<PlacementPorts, "meetings">): Promise<{ item: ListItem<MeetingsRow>; row: MeetingsRow; slot: MeetingSlot }[]> {
  return (await ports.meetings.all()).map((item) => ({ item, row: item.row, slot: { key: item.row.MeetingKey, kind: item.row.Kind, date: item.row.Date, startTime: item.row.StartTime, agendaSize: item.row.AgendaSize } }));
}

/** Cases on the agenda of each meeting of a kind (by the case's MeetingId), among the cases waiting for one. */
async function agendaCases(ports: PlacementPorts, kind: MeetingKind): Promise<{ caseRef: string; meetingId?: string; itemId: string }[]> {
  // Only the two columns the agenda needs are read: a case a person has made unreadable elsewhere keeps its meeting.
  const items = await ports.cases.columns(["CaseRef", "MeetingId"], { filter: `fields/Status eq ${odataString(statusFor[kind])}` });
  return items.map((i) => ({ caseRef: i.row.CaseRef, itemId: i.id, ...(i.row.MeetingId ? { meetingId: i.row.MeetingId } : {}) }));
}

/**
 * The meeting's Teams event on the partnership mailbox's calendar, created once (transactionId from the meeting's
 * key) and linked from its Meetings row.
 */
async function meetingEvent(ports: PlacementPorts, m: { item: ListItem<MeetingsRow>; row: MeetingsRow }): Promise<string> {
  if (m.row.EventId) return m.row.EventId;
  const start = londonTime(m.row.Date, m.row.StartTime);
  const event = await ports.calendar.create({
    ...meetingInvitation(kindLabel[m.row.Kind], m.row.Date, ports.settings.PARTNERSHIP_NAME),
    start,
    end: new Date(start.getTime() + MEETING_MINUTES * 60_000),
    required: [],
    optional: [ports.settings.COORDINATOR_EMAIL],
    transactionId: `${ports.settings.PARTNERSHIP_CODE}-meeting-${m.row.MeetingKey}`,
  });
  await ports.meetings.update(m.item, { EventId: event.id });
  return event.id;
}

/**
 * Puts a case on the next meeting of its kind with room (CORE_GROUP_AGENDA_SIZE, and the meeting's own agenda
 * size), writes the meeting's key to the case's MeetingId, and invites the presenting school (the referrer and
 * the school's SENCO) to the meeting's Teams event. A case whose meeting has passed without a decision rolls to
 * the next one with room. Idempotent: a case on a meeting still to come stays there; invitations are not repeated.
 *
 * @example
 * await assignMeeting(ports, "LNCIP-2026-0042", "coreGroup") // "CG-2026-12-03"
 */
export function assignMeeting(ports: PlacementPorts, caseRef: string, kind: MeetingKind = "coreGroup"): Promise<string | undefined> {
  return oneAtATime(ports.meetings, kind, () => assignNow(ports, caseRef, kind));
}

// In one process, one case at a time is put on a meeting of a kind: the room on an agenda is counted and then taken,
// and a meeting event's attendees are read and then written (Graph replaces the list on PATCH), so two cases at once
// could overfill an agenda or lose a school's invitation. Cases' effects run side by side once their list's round is
// over (see watchedList), so this is where they queue up.
const assigning = new WeakMap<object, Map<MeetingKind, Promise<unknown>>>();
function oneAtATime<T>(owner: object, kind: MeetingKind, work: () => Promise<T>): Promise<T> {
  let byKind = assigning.get(owner);
  if (!byKind) assigning.set(owner, (byKind = new Map()));
  const result = (byKind.get(kind) ?? Promise.resolve()).then(work);
  byKind.set(kind, result.catch(() => undefined));
  return result;
}

async function assignNow(ports: PlacementPorts, caseRef: string, kind: MeetingKind): Promise<string | undefined> {
  const found = await readCase(ports, caseRef);
  if (!found) return undefined;
  const meetings = await meetingsOf(ports);
  const today = londonDay(ports.now());
  const current = found.row.MeetingId;
  let key = current;
  if (needsMeeting(meetings.filter((m) => m.slot.kind === kind).map((m) => m.slot), current, today)) {
    const assigned = new Map<string, number>();
    for (const c of await agendaCases(ports, kind)) if (c.meetingId && c.caseRef !== caseRef) assigned.set(c.meetingId, (assigned.get(c.meetingId) ?? 0) + 1);
    const next = nextMeetingWithRoom(meetings.map((m) => m.slot), assigned, kind, today, ports.settings.CORE_GROUP_AGENDA_SIZE);
    if (!next) {
      await mailOnce(ports, `mail:noMeeting:${kind}:${caseRef}:${today}`, [ports.settings.COORDINATOR_EMAIL], noMeetingWithRoom(caseRef, kindLabel[kind]));
      return undefined;
    }
    key = next.key;
    await ports.cases.update(found.item, { MeetingId: key });
    ports.log(`${caseRef}: on the agenda of ${key}${current ? ` (rolled on from ${current})` : ""}`);
  }
  const meeting = meetings.find((m) => m.row.MeetingKey === key);
  if (!meeting) return key;
  const urn = found.row.SchoolUrn;
  const school = urn ? await ports.schools.byUrn(urn) : undefined;
  const presenters = [found.row.ReferrerEmail, school?.SencoEmail].filter((x): x is string => !!x);
  try {
    await ports.ledger.once(`invite:${key}:${caseRef}`, async () => {
      const eventId = await meetingEvent(ports, meeting);
      await ports.calendar.addAttendees(eventId, presenters);
      return eventId;
    });
  } catch (e) {
    // The meeting's event was made without its Teams meeting: the case stays on the agenda, and its invitation waits
    // for Teams (tried again each school day; the Coordinator is told once) rather than hold up the case's other effects.
    await waitForTeams(ports.degraded, e, { kind: "meeting", caseRef, meetingKind: kind });
  }
  return key;
}

/**
 * The daily meetings round: every case waiting for a Core Group (or an Inclusion Forum) without a meeting still
 * to come is put on the next one with room; each Inclusion Forum's agenda (case references and schools only)
 * goes to INCLUSION_FORUM_MEMBERS from IF_AGENDA_SCHOOL_DAYS_BEFORE school days before it, once.
 *
 * @example
 * await meetingsRound(ports) // { assigned: 2, agendas: 1 }
 */
export async function meetingsRound(ports: PlacementPorts): Promise<{ assigned: number; agendas: number }> {
  const today = londonDay(ports.now());
  const meetings = await meetingsOf(ports);
  let assigned = 0;
  for (const kind of ["coreGroup", "inclusionForum"] as const) {
    const slots = meetings.filter((m) => m.slot.kind === kind).map((m) => m.slot);
    for (const c of await agendaCases(ports, kind)) {
      if (!needsMeeting(slots, c.meetingId, today)) continue;
      if (await assignMeeting(ports, c.caseRef, kind)) assigned++;
    }
  }
  let agendas = 0;
  const { calendar } = ports.partnershipCalendar;
  const ifCases = await agendaCases(ports, "inclusionForum");
  for (const m of meetings) {
    if (!agendaDue(calendar, m.slot, today, ports.settings.IF_AGENDA_SCHOOL_DAYS_BEFORE)) continue;
    const cases: { caseRef: string; schoolName: string }[] = [];
    for (const c of ifCases.filter((x) => x.meetingId === m.row.MeetingKey)) {
      const found = await readCase(ports, c.caseRef);
      const urn = found?.row.SchoolUrn ?? "";
      const school = await ports.schools.byUrn(urn);
      cases.push({ caseRef: c.caseRef, schoolName: school?.SchoolName ?? `school ${urn}` });
    }
    const sent = await mailOnce(ports, `mail:ifAgenda:${m.row.MeetingKey}`, ports.settings.INCLUSION_FORUM_MEMBERS, forumAgenda(m.row.Date, m.row.StartTime, cases));
    if (sent) agendas++;
  }
  return { assigned, agendas };
}
