import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandboxPorts, type SandboxPorts } from "./sandboxPorts";
import { londonClock, schoolCalendarFor, shippedCalendars, isSchoolDay, halfTerms } from "../../../src/domain/calendar";
import { reviewSchedule } from "../../../src/domain/reviews";
import { placementsHandler, placementsWatches } from "../../../src/workflows/placements/placementsHandler";
import { recordReviewOutcome } from "../../../src/workflows/reviews/reviewOutcomes";
import { syncReviews } from "../../../src/workflows/reviews/reviewSeries";

/**
 * Placements and reviews against the Graph sandbox and Azurite, through the app's own ports and workflows, with
 * the app's clock set by the test (no Functions host: the workflows are called as the list handlers call them).
 * One KS3 place, so the second KS3 case waits.
 */
let s: SandboxPorts;
const leicestershire = schoolCalendarFor(shippedCalendars.leicestershire!);
const items = (list: string) => s.items(list);
const events = () => s.events();
const eventsOf = (ref: string) => events().filter((e) => e.subject.endsWith(`: ${ref}`));
const placementOf = (ref: string) => items("Placements").filter((p) => p.fields.Title === ref);
const caseItem = (ref: string) => items("Cases").find((c) => c.fields.Title === ref)!;
const inbox = (who: string) => s.inbox(who);
const readyCase = (n: number, extra: { po?: boolean; keyStage?: "KS3" | "KS4"; year?: number } = {}) => s.readyCase(n, extra);
// Full-time: Year 9's pattern then has three AP days (19.5 hours), over the unregistered-provider line for a pupil
// with an EHCP: the AP days go to the first provider in the Providers list where the placement could start.
const decide = (ref: string) => s.apply(ref, { kind: "recordDecision", outcome: "programmeManagementFullTime", source: "sharepoint", by: "chair@oakfieldacade.example", at: s.app.now().toISOString() });
const placementItem = async (ref: string) => (await s.work.placements.all({ filter: `fields/Title eq '${ref}'` })).sort((a, b) => Number(b.id) - Number(a.id))[0]!;
async function coordinatorEdit(ref: string, fields: Record<string, unknown>): Promise<void> {
  const p = await placementItem(ref);
  await s.edit("placements", p.id, fields);
  const edited = await placementItem(ref);
  await placementsHandler(s.work).changed(undefined, edited, s.work.placements.watched(edited, placementsWatches));
}
const plan = (start: string, until = "2027-07-21") => reviewSchedule({ schoolCalendar: leicestershire, partnershipCalendar: leicestershire, placementStart: start, until, cadenceSchoolWeeks: 6, localTime: "15:30" });
const live = (ref: string) => eventsOf(ref).filter((e) => !e.isCancelled).map((e) => e.start.toISOString()).sort();
const graphWrites = () => s.graph.requests.filter((r) => r.method !== "GET" && !r.path.includes("/_sandbox")).length;

beforeAll(async () => {
  s = await startSandboxPorts({ PLACES_KS3: "1" });
}, 90_000);
afterAll(async () => s?.stop());

describe("placements and reviews in Outlook", () => {
  it("sets up a decided case's placement once, with its pattern, basis, PO, and a provider the unregistered-school rule allows", async () => {
    const ref = await readyCase(101);
    expect(await decide(ref)).toMatchObject({ ok: true, state: { status: "decided" } });
    expect(await decide(ref)).toMatchObject({ ok: true, changed: false });
    const placements = placementOf(ref);
    expect(placements).toHaveLength(1);
    const p = placements[0]!.fields;
    expect(p).toMatchObject({ KeyStage: "KS3", AttendanceBasis: "B", PurchaseOrderNumber: "PO-101", PlacementStatus: "Setting up", StartDate: "2026-11-27", SchoolUrn: "120345" });
    // Year 9, EHCP, full-time: three AP days (19.5 hours) at Riverside or North Works (not registered schools) would
    // break the rule, so the first provider in the list that is a registered school takes them.
    expect(JSON.parse(String(p.Pattern))).toMatchObject({ monday: { location: "centre" }, tuesday: { location: "alternativeProvision", provider: { id: "hillview", name: "Hillview Independent School", registered: true } } });
    expect(p.ProviderHours).toBe("Hillview Independent School (hillview): 19.5");
    expect(p.UnregisteredProviderWarning).toBeUndefined();
    const told = inbox("coordinator@lncip.example").filter((m) => m.subject === `${ref}: placement set up (KS3)`);
    expect(told).toHaveLength(1);
    expect(told[0]!.body.content).not.toMatch(/Unregistered provider/);
  });

  it("puts the review series in Outlook when the placement starts: dates across half terms, Christmas and BST at 15:30 UK time; a repeat adds nothing", async () => {
    const ref = "LNCIP-2026-0101";
    await coordinatorEdit(ref, { StartDate: "2026-11-30", PlacementStatus: "Active" });
    expect(caseItem(ref).fields.Status).toBe("In placement");
    const expected = plan("2026-11-30");
    // Autumn 2 gets one in its last week (before Christmas); then every 6 school weeks; 15:30 GMT, then 15:30 BST.
    expect(expected.map((r) => r.start.toISOString())).toEqual(["2026-12-14T15:30:00.000Z", "2027-01-25T15:30:00.000Z", "2027-03-15T15:30:00.000Z", "2027-05-12T14:30:00.000Z", "2027-06-30T14:30:00.000Z"]);
    expect(live(ref)).toEqual(expected.map((r) => r.start.toISOString()));
    for (const e of eventsOf(ref)) {
      expect(londonClock(e.start)).toBe("15:30");
      expect(isSchoolDay(leicestershire, e.start.toISOString().slice(0, 10))).toBe(true);
      expect(e.attendees.filter((a) => a.type === "required").map((a) => a.emailAddress.address).sort()).toEqual(["s.oconnor@oakfield.example", "senco@oakfieldacad.example"].sort());
      expect(e.attendees.filter((a) => a.type === "optional").map((a) => a.emailAddress.address)).toContain("coordinator@lncip.example");
      expect(e.isOnlineMeeting).toBe(true);
      expect(`${e.subject} ${e.body.content}`).not.toMatch(/pupil name|Upn|date of birth/i);
    }
    // GMT before the clocks change on 28 March 2027, BST after.
    expect(eventsOf(ref).some((e) => e.start.toISOString().endsWith("T15:30:00.000Z"))).toBe(true);
    expect(eventsOf(ref).some((e) => e.start.toISOString().endsWith("T14:30:00.000Z"))).toBe(true);
    // Every half term the placement spans has a review; none in the Christmas holiday.
    for (const ht of halfTerms(leicestershire).filter((h) => h.first >= "2026-11-01" && h.last <= "2027-07-31")) {
      expect(live(ref).some((s) => s.slice(0, 10) >= ht.first && s.slice(0, 10) <= ht.last)).toBe(true);
    }
    expect(live(ref).some((s) => s.slice(0, 10) >= "2026-12-19" && s.slice(0, 10) <= "2027-01-04")).toBe(false);
    const rows = items("Reviews").filter((r) => r.fields.CaseRef === ref);
    expect(rows).toHaveLength(expected.length);
    expect(new Set(rows.map((r) => r.fields.EventId)).size).toBe(expected.length);

    const before = { events: events().length, rows: items("Reviews").length, mail: inbox("coordinator@lncip.example").length, writes: graphWrites() };
    const placement = await placementItem(ref);
    await placementsHandler(s.work).changed(undefined, placement, s.work.placements.watched(placement, placementsWatches));
    await syncReviews(s.work, ref);
    expect({ events: events().length, rows: items("Reviews").length, mail: inbox("coordinator@lncip.example").length, writes: graphWrites() }).toEqual(before);
  });

  it("moves future reviews when the start date moves, creating or cancelling the difference; a repeat changes nothing", async () => {
    const ref = "LNCIP-2026-0101";
    const ids = new Set(eventsOf(ref).map((e) => e.id));
    await coordinatorEdit(ref, { StartDate: "2026-12-07" });
    expect(live(ref)).toEqual(plan("2026-12-07").map((r) => r.start.toISOString()));
    const kept = eventsOf(ref).filter((e) => ids.has(e.id) && !e.isCancelled).length;
    expect(live(ref)).toEqual(["2026-12-14T15:30:00.000Z", "2027-02-01T15:30:00.000Z", "2027-03-22T15:30:00.000Z", "2027-05-19T14:30:00.000Z", "2027-07-07T14:30:00.000Z"]);
    expect(kept).toBe(5); // moved in place (PATCH), not cancelled and recreated
    expect(eventsOf(ref)).toHaveLength(5);
    const writes = graphWrites();
    await syncReviews(s.work, ref);
    expect(graphWrites()).toBe(writes);
  });

  it("keeps the unregistered-provider warning in step with a pattern the Coordinator edits, without touching the reviews", async () => {
    const ref = "LNCIP-2026-0101";
    const pattern = JSON.parse(String(placementOf(ref)[0]!.fields.Pattern)) as Record<string, { location: string; hours: number; provider?: unknown }>;
    const riverside = { id: "riverside", name: "Riverside Alternative Provision", registered: false };
    const atRiverside = Object.fromEntries(Object.entries(pattern).map(([d, day]) => [d, day.location === "alternativeProvision" ? { ...day, provider: riverside } : day]));
    const writes = events().length;
    await coordinatorEdit(ref, { Pattern: JSON.stringify(atRiverside) });
    expect(String(placementOf(ref)[0]!.fields.UnregisteredProviderWarning)).toMatch(/19.5 hours/);
    expect(placementOf(ref)[0]!.fields.ProviderHours).toBe("Riverside Alternative Provision (riverside): 19.5");
    await coordinatorEdit(ref, { Pattern: JSON.stringify({ ...atRiverside, friday: { location: "homeSchool", hours: 6.5 } }) });
    expect(placementOf(ref)[0]!.fields.UnregisteredProviderWarning ?? null).toBeNull(); // two AP days: 13 hours
    expect(placementOf(ref)[0]!.fields.ProviderHours).toBe("Riverside Alternative Provision (riverside): 13");
    await coordinatorEdit(ref, { Pattern: JSON.stringify(pattern) });
    expect(placementOf(ref)[0]!.fields.UnregisteredProviderWarning ?? null).toBeNull();
    expect(inbox("coordinator@lncip.example").filter((m) => m.subject === `${ref}: unregistered provider over 18 hours`)).toHaveLength(1);
    expect(events().length).toBe(writes);
  });

  it("leaves the calendar exactly as without faults when Graph answers 429, 503 and 412 along the way", async () => {
    const ref = await readyCase(102, { keyStage: "KS4", year: 10 });
    await decide(ref);
    s.graph.faults.add({ route: "/\\/users\\/[^/]+\\/events/", kind: "429", count: 3, retryAfterSeconds: 0 });
    s.graph.faults.add({ route: "/\\/users\\/[^/]+\\/events/", kind: "503", count: 3, retryAfterSeconds: 0 });
    s.graph.faults.add({ route: "/^POST \\/users\\/[^/]+\\/events/", kind: "412", count: 2 });
    s.graph.faults.add({ route: "/^(POST|PATCH) \\/sites\\/.*Reviews/", kind: "412", count: 1 });
    let tries = 0;
    for (;;) {
      try {
        tries++;
        await coordinatorEdit(ref, { StartDate: "2026-12-07", PlacementStatus: "Active" });
        break;
      } catch {
        if (tries > 20) throw new Error("never converged");
      }
    }
    s.graph.faults.clear();
    await syncReviews(s.work, ref);
    expect(tries).toBeGreaterThan(1);
    expect(live(ref)).toEqual(live("LNCIP-2026-0101"));
    expect(eventsOf(ref)).toHaveLength(plan("2026-12-07").length);
    expect(items("Reviews").filter((r) => r.fields.CaseRef === ref)).toHaveLength(plan("2026-12-07").length);
  });

  it("waits in order when no place is free, and offers the freed place to the earliest waiting case when a review says 'able to return'", async () => {
    s.setClock("2026-11-23T10:00:00Z");
    const second = await readyCase(103);
    const third = await readyCase(104);
    expect(await decide(second)).toMatchObject({ ok: true, state: { status: "waitingList" } });
    s.setClock("2026-11-24T10:00:00Z");
    expect(await decide(third)).toMatchObject({ ok: true, state: { status: "waitingList" } });
    const coordinator = inbox("coordinator@lncip.example");
    expect(coordinator.some((m) => m.subject === `${second}: on the KS3 waiting list (position 1)`)).toBe(true);
    expect(coordinator.some((m) => m.subject === `${third}: on the KS3 waiting list (position 2)`)).toBe(true);
    expect(placementOf(second)).toHaveLength(0);

    const ref = "LNCIP-2026-0101";
    const review1 = items("Reviews").find((r) => r.fields.Title === `${ref}:review:1`)!;
    await s.edit("reviews", review1.id, { ReturnToMainstream: "Yes" });
    const returnDate = await recordReviewOutcome(s.work, (await s.work.reviews.get(review1.id))!);
    expect(returnDate).toBeDefined();
    expect(caseItem(ref).fields.Status).toBe("Closed");
    expect(placementOf(ref)[0]!.fields).toMatchObject({ PlacementStatus: "Ended", EndDate: returnDate, ExitRoute: "Home school" });
    // Reviews after the return date are cancelled with a message; the first stands.
    const standing = eventsOf(ref).filter((e) => !e.isCancelled);
    expect(standing.every((e) => e.start.toISOString().slice(0, 10) <= returnDate!)).toBe(true);
    expect(eventsOf(ref).filter((e) => e.isCancelled).length).toBeGreaterThan(0);
    expect(inbox("senco@oakfieldacad.example").filter((m) => m.subject === `${ref}: returning to mainstream from ${returnDate}`)).toHaveLength(1);
    // The freed KS3 place went to the case waiting longest; the other keeps waiting.
    expect(caseItem(second).fields.Status).toBe("Decided");
    expect(placementOf(second)).toHaveLength(1);
    expect(caseItem(third).fields.Status).toBe("Waiting list");

    const before = { events: events().length, cancelled: events().filter((e) => e.isCancelled).length, placements: items("Placements").length, mail: s.inbox("senco@oakfieldacad.example").length };
    await recordReviewOutcome(s.work, (await s.work.reviews.get(review1.id))!);
    expect({ events: events().length, cancelled: events().filter((e) => e.isCancelled).length, placements: items("Placements").length, mail: inbox("senco@oakfieldacad.example").length }).toEqual(before);
  });

  it("without a PO the case waits in Awaiting PO and the school's finance contact is asked", async () => {
    const ref = await readyCase(105, { po: false, keyStage: "KS4", year: 11 });
    expect(await decide(ref)).toMatchObject({ ok: true, state: { status: "awaitingPo" } });
    expect(placementOf(ref)).toHaveLength(0);
    expect(inbox("finance@oakfieldacad.example").filter((m) => m.subject === `${ref}: purchase order needed`)).toHaveLength(1);
  });
});
