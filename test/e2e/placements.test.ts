import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "../support/system";
import { namedReferral } from "../fixtures/referralAnswers";
import type { SubscriptionsArea } from "../../sandbox/graph/areas/subscriptions";
import type { CalendarArea, SitesArea } from "../../sandbox/graph/areas";
import { upnCheckLetter } from "../../src/domain/referral/upn";
import { londonDay, schoolCalendarFor, shippedCalendars } from "../../src/domain/calendar";
import { reviewSchedule } from "../../src/domain/reviews";

/**
 * Placements and reviews through the app's entry points: a school's referral, a coordinator's edits in SharePoint
 * (Cases, Placements, Reviews), the app reacting to change notifications in the local Functions host.
 */
let system: TestSystem;
const upn = (i: number) => { const d = `8014001${String(i).padStart(5, "0")}`; return upnCheckLetter(d) + d; };
const find = (list: string, title: string) => system.items(list).find((i) => i.fields.Title === title);
const events = (ref: string) => system.graph.area<CalendarArea>("calendar").events("partnership@lncip.example").filter((e) => e.subject.endsWith(`: ${ref}`));
const calendar = schoolCalendarFor(shippedCalendars.leicestershire!);

/** A coordinator's edit, made in SharePoint's UI: the item's new version names the Coordinator, as the app authorises. */
async function edit(list: string, id: string, fields: Record<string, unknown>): Promise<void> {
  const sites = system.graph.area<SitesArea>("sites");
  sites.patchAsPerson(sites.siteIdByPath("contoso.sharepoint.com", "lncip"), list, id, fields, "coordinator@lncip.example");
}

beforeAll(async () => {
  system = await startTestSystem();
  system.mail.limitPerMinute = 0;
  await system.until(() => (system.graph.area<SubscriptionsArea>("subscriptions").dump() as { subscriptions: unknown[] }).subscriptions.length === 6, 30_000); // Cases, Placements, Reviews, Attendance, ReferralInbox, Schools
}, 90_000);
afterAll(async () => system?.stop());

describe("a Programme Management decision recorded in SharePoint", () => {
  it("sets up the placement, puts its reviews in Outlook when the coordinator starts it, and a review's 'able to return' ends it — nothing doubled", async () => {
    const { caseRef: ref } = (await (await system.post("/api/forms/referral", { responseId: "pl-1", submittedAt: "2026-11-23T09:12:00Z", responder: "s.oconnor@oakfield.example", answers: { ...namedReferral, "pupil.upn": upn(1) } })).json()) as { caseRef: string };
    const caseId = (await system.until(() => find("Cases", ref))).id;
    await edit("Cases", caseId, { Status: "In triage" });
    await system.until(() => find("Cases", ref)?.fields.WorkflowVersion === 1);
    await edit("Cases", caseId, { Status: "Ready for Core Group" });
    await system.until(() => find("Cases", ref)?.fields.WorkflowVersion === 2);
    expect(String(find("Cases", ref)?.fields.MeetingId ?? (await system.until(() => find("Cases", ref)?.fields.MeetingId)))).toMatch(/^CG-\d{4}-\d{2}-\d{2}$/);
    await edit("Cases", caseId, { CoreGroupOutcome: "Programme Management (part-time)", DecidedBy: "chair@oakfieldacade.example", DecidedAt: "2026-11-26T16:05:00Z" });

    const placement = await system.until(() => find("Placements", ref));
    expect(find("Cases", ref)?.fields.Status).toBe("Decided");
    expect(placement.fields).toMatchObject({ KeyStage: "KS3", PlacementStatus: "Setting up", AttendanceBasis: "B", PurchaseOrderNumber: "PO-88812" });

    await edit("Placements", placement.id, { StartDate: "2026-11-30", PlacementStatus: "Active" });
    const today = londonDay(new Date());
    const expected = reviewSchedule({ schoolCalendar: calendar, partnershipCalendar: calendar, placementStart: "2026-11-30", until: "2027-07-21", cadenceSchoolWeeks: 6, localTime: "15:30" }).filter((r) => r.day > today);
    await system.until(() => find("Cases", ref)?.fields.Status === "In placement", 30_000);
    await system.until(() => events(ref).length === expected.length, 30_000);
    expect(events(ref).map((e) => e.start.toISOString()).sort()).toEqual(expected.map((r) => r.start.toISOString()));
    await system.until(() => system.items("Reviews").filter((r) => r.fields.CaseRef === ref).length === expected.length);

    const first = system.items("Reviews").filter((r) => r.fields.CaseRef === ref).sort((a, b) => String(a.fields.DueDate).localeCompare(String(b.fields.DueDate)))[0]!;
    await edit("Reviews", first.id, { ReturnToMainstream: "Yes", NextSteps: "Full return with a mentor" });
    await system.until(() => find("Cases", ref)?.fields.Status === "Closed", 30_000);
    await system.until(() => events(ref).filter((e) => e.isCancelled).length === expected.length - 1, 30_000);
    expect(system.items("Placements").filter((p) => p.fields.Title === ref).map((p) => p.fields.PlacementStatus)).toEqual(["Ended"]);

    // The last of the exit path's effects: the school told the placement has ended.
    await system.until(() => system.mail.sentItems("partnership@lncip.example").some((m) => m.subject === `${ref}: the placement has ended`), 30_000);
    expect(system.mail.sentItems("partnership@lncip.example").filter((m) => m.subject.startsWith(`${ref}: returning to mainstream from `))).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1000));
    // The notifications for the app's own writes, a delta round from the upkeep timer: nothing new.
    const counts = () => ({ events: events(ref).length, cancelled: events(ref).filter((e) => e.isCancelled).length, reviews: system.items("Reviews").length, placements: system.items("Placements").length, sent: system.mail.sentItems("partnership@lncip.example").length });
    const before = counts();
    await fetch(`${system.appUrl}/admin/functions/subscriptionUpkeep`, { method: "POST", headers: { "x-functions-key": "local-master-key" }, body: "{}" });
    await new Promise((r) => setTimeout(r, 2000));
    expect(counts()).toEqual(before);
  }, 120_000);

  it("under Graph faults (429, 503, 412) the started placement's calendar ends up exactly as without them", async () => {
    const { caseRef: ref } = (await (await system.post("/api/forms/referral", { responseId: "pl-2", submittedAt: "2026-11-23T09:12:00Z", responder: "s.oconnor@oakfield.example", answers: { ...namedReferral, "pupil.upn": upn(2) } })).json()) as { caseRef: string };
    const caseId = (await system.until(() => find("Cases", ref))).id;
    await edit("Cases", caseId, { Status: "In triage" });
    await system.until(() => find("Cases", ref)?.fields.WorkflowVersion === 1);
    await edit("Cases", caseId, { Status: "Ready for Core Group" });
    await system.until(() => find("Cases", ref)?.fields.WorkflowVersion === 2);
    await edit("Cases", caseId, { CoreGroupOutcome: "Programme Management (part-time)", DecidedBy: "chair@oakfieldacade.example", DecidedAt: "2026-11-26T16:05:00Z" });
    const placement = await system.until(() => find("Placements", ref));

    const requestsBefore = system.graph.requests.length;
    system.graph.faults.add({ route: "/\\/users\\/[^/]+\\/events/", kind: "429", count: 4, retryAfterSeconds: 0 });
    system.graph.faults.add({ route: "/\\/users\\/[^/]+\\/events/", kind: "503", count: 4, retryAfterSeconds: 0 });
    system.graph.faults.add({ route: "/^POST \\/users\\/[^/]+\\/events/", kind: "412", count: 2 });
    await edit("Placements", placement.id, { StartDate: "2026-11-30", PlacementStatus: "Active" });
    const today = londonDay(new Date());
    const expected = reviewSchedule({ schoolCalendar: calendar, partnershipCalendar: calendar, placementStart: "2026-11-30", until: "2027-07-21", cadenceSchoolWeeks: 6, localTime: "15:30" }).filter((r) => r.day > today);
    // A failed round is picked up again by the next one (the upkeep timer's delta round, run on demand here).
    await system.until(() => {
      if (events(ref).length < expected.length || system.items("Reviews").filter((r) => r.fields.CaseRef === ref).length < expected.length) {
        void fetch(`${system.appUrl}/admin/functions/subscriptionUpkeep`, { method: "POST", headers: { "x-functions-key": "local-master-key" }, body: "{}" });
        return false;
      }
      return true;
    }, 60_000);
    const faulted = system.graph.requests.slice(requestsBefore).filter((r) => r.path.includes("/events") && [429, 503, 412].includes(r.status)).map((r) => r.status);
    expect([...new Set(faulted)].sort()).toEqual([412, 429, 503]); // every kind of fault was met on the way
    system.graph.faults.clear();
    await new Promise((r) => setTimeout(r, 1500));
    expect(find("Cases", ref)?.fields.Status).toBe("In placement");
    expect(events(ref).map((e) => e.start.toISOString()).sort()).toEqual(expected.map((r) => r.start.toISOString()));
    expect(events(ref).every((e) => !e.isCancelled)).toBe(true);
    expect(system.items("Reviews").filter((r) => r.fields.CaseRef === ref)).toHaveLength(expected.length);
  }, 120_000);

  it("runs the daily round on demand, as the host runs its timer", async () => {
    const res = await fetch(`${system.appUrl}/admin/functions/dailyRound`, { method: "POST", headers: { "x-functions-key": "local-master-key" }, body: "{}" });
    expect(res.status).toBeLessThan(300);
    await system.until(() => /"day":"\d{4}-\d{2}-\d{2}"[^\n]*"message":"Daily round: /.test(system.host.output()));
  });

  it("never puts a pupil's name, date of birth or UPN in an email, a calendar event, the Placements, Reviews or Meetings lists, or the logs", () => {
    const identity = [namedReferral["pupil.firstName"]!, namedReferral["pupil.lastName"]!, namedReferral["pupil.dateOfBirth"]!, upn(1), upn(2)];
    const sent = system.mail.sentItems("partnership@lncip.example").map((m) => `${m.subject} ${m.body.content}`);
    const calendarEvents = system.graph.area<CalendarArea>("calendar").events("partnership@lncip.example").map((e) => `${e.subject} ${e.body.content}`);
    const rows = ["Placements", "Reviews", "Meetings"].flatMap((l) => system.items(l).map((i) => JSON.stringify(i.fields)));
    expect(sent.length).toBeGreaterThan(5);
    expect(calendarEvents.length + rows.length).toBeGreaterThan(20);
    for (const text of [...sent, ...calendarEvents, ...rows, system.host.output()]) for (const value of identity) expect(text).not.toContain(value);
  });
});
