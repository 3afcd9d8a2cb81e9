import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandboxPorts, type SandboxPorts } from "./sandboxPorts";
import { assignMeeting, meetingsRound } from "../../../src/workflows/meetings/meetingAssignment";
import { dailyRound } from "../../../src/workflows/dailyRound/dailyRound";
import { placementsHandler, placementsWatches } from "../../../src/workflows/placements/placementsHandler";
import { demoSchools } from "../../../sandbox/demo/demoTenant";

let s: SandboxPorts;
const caseItem = (ref: string) => s.items("Cases").find((c) => c.fields.Title === ref)!;
const meeting = (key: string) => s.items("Meetings").find((m) => m.fields.Title === key)!;
const subjects = (who: string, re: RegExp) => s.inbox(who).filter((m) => re.test(m.subject));
const by = "director@lncip.example";

beforeAll(async () => {
  s = await startSandboxPorts({ CORE_GROUP_AGENDA_SIZE: "2", INCLUSION_FORUM_MEMBERS: "senco@lncip.example; director@lncip.example" });
}, 90_000);
afterAll(async () => s?.stop());

describe("Core Group meetings and Inclusion Forums", () => {
  it("puts a case ready for Core Group on the next meeting with room and invites its school to the meeting's Teams event, once", async () => {
    s.setClock("2026-11-20T10:00:00Z");
    const refs = [await s.readyCase(201, { status: "triage" }), await s.readyCase(202, { status: "triage" }), await s.readyCase(203, { status: "triage" })];
    for (const ref of refs) expect(await s.apply(ref, { kind: "markReadyForCoreGroup", by, at: "2026-11-20T10:00:00Z" })).toMatchObject({ ok: true });
    expect(refs.map((r) => caseItem(r).fields.MeetingId)).toEqual(["CG-2026-12-03", "CG-2026-12-03", "CG-2026-12-17"]);
    const eventId = String(meeting("CG-2026-12-03").fields.EventId);
    const event = s.events().find((e) => e.id === eventId)!;
    expect(event.subject).toBe("Core Group: 2026-12-03");
    expect(event.start.toISOString()).toBe("2026-12-03T16:00:00.000Z");
    expect(event.attendees.map((a) => a.emailAddress.address).filter((a) => a !== "coordinator@lncip.example").sort()).toEqual(["s.oconnor@oakfield.example", "senco@oakfieldacad.example"]);
    const before = { events: s.events().length, writes: s.graph.requests.filter((r) => r.method !== "GET").length };
    await meetingsRound(s.work);
    expect({ events: s.events().length, writes: s.graph.requests.filter((r) => r.method !== "GET").length }).toEqual(before);
  });

  it("sends each Inclusion Forum's agenda to its members a set number of school days before, with case references and schools only, once", async () => {
    s.setClock("2026-12-01T07:00:00Z");
    const ref = await s.readyCase(204, { status: "awaitingInclusionForum" });
    await meetingsRound(s.work);
    expect(caseItem(ref).fields.MeetingId).toBe("IF-2026-12-09");
    expect(subjects("director@lncip.example", /^Inclusion Forum 2026-12-09/)).toHaveLength(0); // 6 school days before: too early
    s.setClock("2026-12-04T07:00:00Z");
    await meetingsRound(s.work);
    await meetingsRound(s.work);
    const agenda = subjects("director@lncip.example", /^Inclusion Forum 2026-12-09: agenda$/);
    expect(agenda).toHaveLength(1);
    expect(agenda[0]!.body.content).toContain(ref);
    expect(agenda[0]!.body.content).toContain("Oakfield Academy");
    expect(subjects("senco@lncip.example", /^Inclusion Forum 2026-12-09: agenda$/)).toHaveLength(1);
  });
  it("puts a case sent to the Inclusion Forum on the next forum with room at once, and invites its school, once", async () => {
    s.setClock("2026-12-01T07:00:00Z");
    const ref = await s.readyCase(205, { status: "triage" });
    expect(await s.apply(ref, { kind: "scheduleForInclusionForum", by, at: "2026-12-01T07:00:00Z" })).toMatchObject({ ok: true });
    expect(caseItem(ref).fields.MeetingId).toBe("IF-2026-12-09");
    const event = s.events().find((e) => e.id === String(meeting("IF-2026-12-09").fields.EventId))!;
    expect(event.subject).toBe("Inclusion Forum: 2026-12-09");
    expect(event.start.toISOString()).toBe("2026-12-09T09:30:00.000Z");
    expect(event.attendees.map((a) => a.emailAddress.address)).toEqual(expect.arrayContaining(["s.oconnor@oakfield.example", "senco@oakfieldacad.example"]));
    const writes = s.graph.requests.filter((r) => r.method !== "GET").length;
    await meetingsRound(s.work);
    expect(caseItem(ref).fields.MeetingId).toBe("IF-2026-12-09");
    expect(s.graph.requests.filter((r) => r.method !== "GET").length).toBe(writes);
  });

  it("rolls a case its meeting did not decide on to the next meeting with room", async () => {
    s.setClock("2026-12-04T07:00:00Z");
    await meetingsRound(s.work);
    const ids = ["LNCIP-2026-0201", "LNCIP-2026-0202", "LNCIP-2026-0203"].map((r) => String(caseItem(r).fields.MeetingId));
    expect(ids.filter((m) => m === "CG-2026-12-17")).toHaveLength(2); // room for 2: case 203 stays, one of the others joins it
    expect(ids.filter((m) => m > "CG-2026-12-17")).toHaveLength(1);
    expect(ids.every((m) => m > "CG-2026-12-04")).toBe(true);
  });

  it("puts cases on meetings one at a time however many arrive at once (cases' effects run side by side): no agenda overfilled", async () => {
    s.setClock("2026-12-04T07:00:00Z");
    const refs = [await s.readyCase(206), await s.readyCase(207), await s.readyCase(208)];
    // Each agenda read answers slowly, so cases put on meetings at once would all count the room before any took it.
    const cases = s.work.cases;
    const slow = { ...s.work, cases: { ...cases, columns: async (...args: Parameters<typeof cases.columns>) => { const read = await cases.columns(...args); await new Promise((r) => setTimeout(r, 50)); return read; } } as typeof cases };
    const keys = await Promise.all(refs.map((r) => assignMeeting(slow, r)));
    expect(keys.every((k) => k !== undefined && k > "CG-2026-12-04")).toBe(true);
    const onAgenda = new Map<string, number>();
    for (const c of s.items("Cases")) {
      const key = String(c.fields.MeetingId ?? "");
      if (key.startsWith("CG-")) onAgenda.set(key, (onAgenda.get(key) ?? 0) + 1);
    }
    expect(Math.max(...onAgenda.values())).toBe(2); // CORE_GROUP_AGENDA_SIZE
  });

  it("places a burst of cases from four schools together: every agenda within its size, every school invited, the agenda read once per group", async () => {
    s.setClock("2026-12-18T07:00:00Z"); // the meetings from 2027-01-07 on are empty
    const schools = demoSchools.slice(1, 5);
    const refs: string[] = [];
    for (const [i, school] of schools.entries()) {
      const ref = await s.readyCase(221 + i);
      await s.edit("cases", caseItem(ref).id, { SchoolUrn: school.Urn, ReferrerEmail: `head@${school.SencoEmail.split("@")[1]}` });
      refs.push(ref);
    }
    const agendaReads = () => s.graph.requests.filter((r) => r.method === "GET" && decodeURIComponent(r.path).includes("fields/Status eq 'Ready for Core Group'")).length;
    const readsBefore = agendaReads();
    const keys = await Promise.all(refs.map((r) => assignMeeting(s.work, r)));

    expect(agendaReads() - readsBefore).toBeLessThanOrEqual(2); // the first alone, the rest together
    expect(new Set(keys).size).toBe(2);
    for (const key of new Set(keys)) {
      const onIt = refs.filter((_, i) => keys[i] === key);
      expect(onIt).toHaveLength(2); // CORE_GROUP_AGENDA_SIZE
      const attendees = s.events().find((e) => e.id === String(meeting(key!).fields.EventId))!.attendees.map((a) => a.emailAddress.address);
      for (const ref of onIt) expect(attendees).toContain(schools[refs.indexOf(ref)]!.SencoEmail);
    }
    // One Teams event per meeting, though its first cases were invited at once.
    const cgEvents = s.items("Meetings").filter((m) => String(m.fields.Title).startsWith("CG-") && m.fields.EventId);
    expect(s.events().filter((e) => /^Core Group: /.test(e.subject)).length).toBe(cgEvents.length);
  });

});

describe("the daily round", () => {
  it("reminds about a missing PO every 3 school days, once each time however often it runs", async () => {
    s.setClock("2026-11-20T10:00:00Z");
    const ref = await s.readyCase(211, { po: false, keyStage: "KS4", year: 10 });
    await s.apply(ref, { kind: "recordDecision", outcome: "programmeManagementPartTime", source: "sharepoint", by: "chair@oakfieldacade.example", at: "2026-11-20T10:00:00Z" });
    const reminders = () => subjects("finance@oakfieldacad.example", new RegExp(`^${ref}: purchase order still needed$`)).length;
    for (const [day, expected] of [["2026-11-23", 0], ["2026-11-24", 0], ["2026-11-25", 1], ["2026-11-25", 1], ["2026-11-26", 1], ["2026-11-30", 2]] as const) {
      s.setClock(`${day}T06:30:00Z`);
      await dailyRound(s.work);
      expect(reminders(), day).toBe(expected);
    }
    expect(subjects("coordinator@lncip.example", /still waiting for a Core Group decision$/).length).toBeGreaterThan(0);
  });

  it("does nothing on a day that is not a school day", async () => {
    s.setClock("2026-12-25T06:30:00Z");
    const writes = s.graph.requests.filter((r) => r.method !== "GET").length;
    expect(await dailyRound(s.work)).toMatchObject({ schoolDay: false, reminders: 0 });
    expect(s.graph.requests.filter((r) => r.method !== "GET").length).toBe(writes);
  });

  it("starts a placement on its start date, keeps its charge to date, and chases attendees, overdue outcomes and termly visits", async () => {
    s.setClock("2026-11-20T10:00:00Z");
    const ref = await s.readyCase(212, { keyStage: "KS4", year: 10 });
    await s.apply(ref, { kind: "recordDecision", outcome: "programmeManagementFullTime", source: "teams", by: "chair@oakfieldacade.example", at: "2026-11-20T10:00:00Z" });
    const placement = () => s.items("Placements").find((p) => p.fields.Title === ref)!;
    expect(placement().fields).toMatchObject({ StartDate: "2026-11-27", PlacementStatus: "Setting up" });
    s.setClock("2026-11-27T06:30:00Z");
    expect(await dailyRound(s.work)).toMatchObject({ started: 1 });
    expect(caseItem(ref).fields.Status).toBe("In placement");
    expect(s.events().filter((e) => e.subject.endsWith(ref)).length).toBeGreaterThan(3);
    s.setClock("2026-12-02T06:30:00Z");
    await dailyRound(s.work);
    expect(Number(placement().fields.ChargeToDatePence)).toBeGreaterThan(0);
    expect(placement().fields.ChargeUpdatedOn).toBe("2026-12-02");

    const firstReview = s.items("Reviews").filter((r) => r.fields.CaseRef === ref).map((r) => String(r.fields.DueDate)).sort()[0]!;
    const attendees = () => subjects("coordinator@lncip.example", new RegExp(`^${ref}: review on .* attendees not confirmed$`)).length;
    const overdue = () => subjects("coordinator@lncip.example", new RegExp(`^${ref}: review of .* has no outcome$`)).length;
    expect(firstReview).toBe("2026-12-14");
    for (const day of ["2026-12-07", "2026-12-08"]) {
      s.setClock(`${day}T06:30:00Z`);
      await dailyRound(s.work);
    }
    expect(attendees()).toBe(1);
    for (const day of ["2026-12-15", "2026-12-16"]) {
      s.setClock(`${day}T06:30:00Z`);
      await dailyRound(s.work);
    }
    expect(overdue()).toBe(1);

    const visits = () => subjects("senco@oakfieldacad.example", new RegExp(`^${ref}: no school visit recorded this term$`)).length;
    s.setClock("2027-02-03T06:30:00Z");
    await dailyRound(s.work);
    await dailyRound(s.work);
    expect(visits()).toBe(1);
    const item = s.items("Placements").find((p) => p.fields.Title === ref)!;
    await s.edit("placements", item.id, { LastSchoolVisit: "2027-02-03" });
    const edited = (await s.work.placements.get(item.id))!;
    await placementsHandler(s.work).changed(undefined, edited, s.work.placements.watched(edited, placementsWatches));
    s.setClock("2027-02-10T06:30:00Z");
    await dailyRound(s.work);
    expect(visits()).toBe(1);
    // Nothing in any subject names a pupil: case references, schools and dates only.
    for (const m of s.graph.area<import("../../../sandbox/graph/areas").MailArea>("mail").inbox("coordinator@lncip.example")) expect(m.subject).toMatch(/^(Updated: |Canceled: )?(LNCIP-\d{4}-\d{4}|Inclusion Forum|Placement review \d+: LNCIP-\d{4}-\d{4}$|Core Group: \d{4}-\d{2}-\d{2}$)/);
  });
});
