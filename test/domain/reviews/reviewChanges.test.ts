import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { reviewChanges, reviewSchedule, reviewTransactionId, schoolCalendarFromOverride, type ScheduledReview } from "../../../src/domain/reviews";
import { addDays, isSchoolDay, schoolCalendarFor, shippedCalendars } from "../../../src/domain/calendar";

const leicestershire = shippedCalendars.leicestershire!;
const calendar = schoolCalendarFor(leicestershire);
const plan = (start: string, until = "2027-07-21") => reviewSchedule({ schoolCalendar: calendar, partnershipCalendar: calendar, placementStart: start, until, cadenceSchoolWeeks: 6, localTime: "15:30" });
const asScheduled = (p: ReturnType<typeof plan>): ScheduledReview[] => p.map((r) => ({ number: r.number, day: r.day, start: r.start.toISOString(), eventId: `e${r.number}`, cancelled: false, revision: 0 }));

/** Applies changes to a schedule, as the workflow does to the calendar. */
function apply(existing: ScheduledReview[], changes: ReturnType<typeof reviewChanges>): ScheduledReview[] {
  const byNumber = new Map(existing.map((r) => [r.number, { ...r }]));
  for (const c of changes.create) byNumber.set(c.number, { number: c.number, day: c.day, start: c.start.toISOString(), eventId: `new${c.number}.${c.revision}`, cancelled: false, revision: c.revision });
  for (const m of changes.move) byNumber.set(m.review.number, { ...m.review, day: m.to.day, start: m.to.start.toISOString() });
  for (const c of changes.cancel) byNumber.set(c.number, { ...c, cancelled: true });
  return [...byNumber.values()];
}

describe("reviewChanges", () => {
  it("creates the whole series for a placement just started, and nothing when the series matches", () => {
    const planned = plan("2026-11-30");
    const first = reviewChanges(planned, [], "2026-11-25");
    expect(first.create.map((c) => [c.number, c.day])).toEqual(planned.map((p) => [p.number, p.day]));
    expect(reviewChanges(planned, asScheduled(planned), "2026-11-25")).toEqual({ create: [], move: [], cancel: [] });
  });

  it("moves future reviews in place when the start moves, and leaves past ones alone", () => {
    const existing = asScheduled(plan("2026-11-30"));
    const changes = reviewChanges(plan("2026-12-07"), existing, "2026-12-15"); // review 1 (14 Dec) has happened
    expect(changes.create).toEqual([]);
    expect(changes.cancel).toEqual([]);
    expect(changes.move.map((m) => m.review.number)).toEqual([2, 3, 4, 5]);
  });

  it("cancels the reviews after an end date and creates a cancelled number afresh with the next revision", () => {
    const existing = asScheduled(plan("2026-11-30"));
    const ended = reviewChanges(plan("2026-11-30", "2027-02-12"), existing, "2026-12-01");
    expect(ended.cancel.map((c) => c.number)).toEqual([3, 4, 5]);
    const after = apply(existing, ended);
    const again = reviewChanges(plan("2026-11-30"), after, "2026-12-01");
    expect(again.create.map((c) => [c.number, c.revision])).toEqual([[3, 1], [4, 1], [5, 1]]);
    expect(reviewTransactionId("LNCIP-2026-0042", 3, 1)).toBe("LNCIP-2026-0042-review-3-r1");
    expect(reviewTransactionId("LNCIP-2026-0042", 3, 0)).toBe("LNCIP-2026-0042-review-3");
  });

  it("property: applying the changes reaches the plan's future, and applying again changes nothing", () => {
    const days = fc.integer({ min: 0, max: 150 }).map((n) => addDays("2026-09-07", n));
    fc.assert(
      fc.property(days, days, days, (startA, startB, today) => {
        const a = plan(startA);
        const b = plan(startB);
        const after = apply(apply([], reviewChanges(a, [], "2026-09-01")), reviewChanges(b, apply([], reviewChanges(a, [], "2026-09-01")), today));
        const future = after.filter((r) => !r.cancelled && r.day > today).map((r) => r.start).sort();
        expect(future).toEqual(b.filter((p) => p.day > today).map((p) => p.start.toISOString()));
        expect(reviewChanges(b, after, today)).toEqual({ create: [], move: [], cancel: [] });
        expect(new Set(after.map((r) => r.number)).size).toBe(after.length);
      }),
      { numRuns: 60 },
    );
  });
});

describe("schoolCalendarFromOverride", () => {
  it("adds a school's own closure days, takes a shipped calendar by id, and reports what it cannot read", () => {
    expect(isSchoolDay(schoolCalendarFromOverride(leicestershire, undefined).calendar, "2026-12-14")).toBe(true);
    expect(isSchoolDay(schoolCalendarFromOverride(leicestershire, "2026-12-14, 2027-02-01").calendar, "2026-12-14")).toBe(false);
    expect(schoolCalendarFromOverride(leicestershire, "leicestershire").problem).toBeUndefined();
    expect(schoolCalendarFromOverride(leicestershire, "2026-12-14 soon").problem).toMatch(/soon/);
  });

  it("moves a review off the school's own INSET day to the next day both are open", () => {
    const school = schoolCalendarFromOverride(leicestershire, "2026-12-14").calendar;
    const days = reviewSchedule({ schoolCalendar: school, partnershipCalendar: calendar, placementStart: "2026-11-30", until: "2027-01-31", cadenceSchoolWeeks: 6, localTime: "15:30" }).map((r) => r.day);
    expect(days[0]).toBe("2026-12-15");
  });
});
