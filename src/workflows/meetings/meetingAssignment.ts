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
import { groupCommit } from "../../m365/queues/groupCommit";

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
  // Cases invited at once share the one being made (the transactionId stops a second event in any case).
  const making = eventsBeingMade(ports.calendar);
  const inFlight = making.get(m.row.MeetingKey);
  if (inFlight) return inFlight;
  const event = makeMeetingEvent(ports, m).finally(() => making.delete(m.row.MeetingKey));
  making.set(m.row.MeetingKey, event);
  return event;
}

const eventsBeingMade = perOwner<string, Promise<string>>();

async function makeMeetingEvent(ports: PlacementPorts, m: { item: ListItem<MeetingsRow>; row: MeetingsRow }): Promise<string> {
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
export async function assignMeeting(ports: PlacementPorts, caseRef: string, kind: MeetingKind = "coreGroup"): Promise<string | undefined> {
  const found = await readCase(ports, caseRef);
  if (!found) return undefined;
  const current = found.row.MeetingId;
  const place = await agendaTurn(ports, kind, caseRef, current);
  let key = current;
  try {
    if (place.room === "none") {
      place.taken();
      await mailOnce(ports, `mail:noMeeting:${kind}:${caseRef}:${londonDay(ports.now())}`, [ports.settings.COORDINATOR_EMAIL], noMeetingWithRoom(caseRef, kindLabel[kind]));
      return undefined;
    }
    if (place.room === "given") {
      key = place.key;
      // Written in this case's own invocation, so what it reads next (its card) sees its meeting.
      await ports.cases.update(found.item, { MeetingId: key });
      ports.log(`${caseRef}: on the agenda of ${key}${current ? ` (rolled on from ${current})` : ""}`);
    }
  } finally {
    place.taken();
  }
  const meeting = place.meetings.find((m) => m.row.MeetingKey === key);
  if (!meeting) return key;
  const urn = found.row.SchoolUrn;
  const school = urn ? await ports.schools.byUrn(urn) : undefined;
  const presenters = [found.row.ReferrerEmail, school?.SencoEmail].filter((x): x is string => !!x);
  try {
    await ports.ledger.once(`invite:${key}:${caseRef}`, async () => {
      const eventId = await meetingEvent(ports, meeting);
      await inviteTogether(ports, eventId, presenters);
      return eventId;
    });
  } catch (e) {
    // The meeting's event was made without its Teams meeting: the case stays on the agenda, and its invitation waits
    // for Teams (tried again each school day; the Coordinator is told once) rather than hold up the case's other effects.
    await waitForTeams(ports.degraded, e, { kind: "meeting", caseRef, meetingKind: kind });
  }
  return key;
}

type Meeting = Awaited<ReturnType<typeof meetingsOf>>[number];

/**
 * A case's turn at a kind of meeting's agenda: `given` a meeting to write to its MeetingId, `kept` on the one it has,
 * or `none` with room. `taken()` says its MeetingId is written (or will not be): the next turns wait for it, since
 * they count the room from the cases' MeetingIds.
 */
type AgendaPlace = { meetings: Meeting[]; taken: () => void } & ({ room: "given"; key: string } | { room: "kept" | "none" });

interface AgendaTurn {
  ports: PlacementPorts;
  caseRef: string;
  current: string | undefined;
  resolve: (place: AgendaPlace) => void;
}

/** A map per owner (the app's list or calendar: tests build several apps in one process), made on first use. */
function perOwner<K, V>(): (owner: object) => Map<K, V> {
  const byOwner = new WeakMap<object, Map<K, V>>();
  return (owner) => {
    let values = byOwner.get(owner);
    if (!values) byOwner.set(owner, (values = new Map()));
    return values;
  };
}

/** The key's value, made on first use. */
function made<K, V>(values: Map<K, V>, key: K, make: () => V): V {
  let value = values.get(key);
  if (value === undefined) values.set(key, (value = make()));
  return value;
}

// In one process the room on an agenda is counted and then taken: two cases counting at once could overfill it. Cases'
// effects run side by side once their list's round is over (see watchedList), so a burst of cases arrives here
// together. A group commit per kind of meeting: the cases that arrive while one group is placed are placed together
// next, from one reading of the meetings and the agenda, in the order they came; a group ends once its MeetingIds are
// written, so the next counts them. A burst of ten costs two or three readings, not ten one after another.
const agendas = perOwner<MeetingKind, (turns: readonly AgendaTurn[]) => Promise<void>>();

function agendaTurn(ports: PlacementPorts, kind: MeetingKind, caseRef: string, current: string | undefined): Promise<AgendaPlace> {
  const place = made(agendas(ports.meetings), kind, () => groupCommit(async (turns) => void (await Promise.all(await placeGroup(turns, kind)))));
  // The group's promise ends once every MeetingId is written (this turn's too): only its failure is this turn's answer.
  return new Promise<AgendaPlace>((resolve, reject) => void place([{ ports, caseRef, current, resolve }]).catch(reject));
}

/** Gives each turn of a group its place; answers the promises of the MeetingIds being written. */
async function placeGroup(group: readonly AgendaTurn[], kind: MeetingKind): Promise<Promise<void>[]> {
  const ports = group[0]!.ports;
  const meetings = await meetingsOf(ports);
  const today = londonDay(ports.now());
  const slots = meetings.filter((m) => m.slot.kind === kind).map((m) => m.slot);
  const needing = group.filter((t) => needsMeeting(slots, t.current, today));
  const assigned = new Map<string, number>();
  if (needing.length) {
    const placing = new Set(needing.map((t) => t.caseRef));
    for (const c of await agendaCases(ports, kind)) if (c.meetingId && !placing.has(c.caseRef)) assigned.set(c.meetingId, (assigned.get(c.meetingId) ?? 0) + 1);
  }
  const written: Promise<void>[] = [];
  for (const turn of group) {
    let taken!: () => void;
    written.push(new Promise<void>((resolve) => (taken = resolve)));
    if (!needing.includes(turn)) {
      turn.resolve({ room: "kept", meetings, taken });
      continue;
    }
    const next = nextMeetingWithRoom(meetings.map((m) => m.slot), assigned, kind, today, ports.settings.CORE_GROUP_AGENDA_SIZE);
    if (!next) {
      turn.resolve({ room: "none", meetings, taken });
      continue;
    }
    assigned.set(next.key, (assigned.get(next.key) ?? 0) + 1);
    turn.resolve({ room: "given", key: next.key, meetings, taken });
  }
  return written;
}

// A meeting event's attendees are read and then written (Graph replaces the list on PATCH): two schools invited at
// once could lose one. Invitations to one event that arrive while one is being written go together in the next.
const invitations = perOwner<string, (presenters: readonly string[]) => Promise<void>>();

function inviteTogether(ports: PlacementPorts, eventId: string, presenters: readonly string[]): Promise<void> {
  return made(invitations(ports.calendar), eventId, () => groupCommit((all) => ports.calendar.addAttendees(eventId, all)))(presenters);
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
