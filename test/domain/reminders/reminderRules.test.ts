import { describe, expect, it } from "vitest";
import { attendeesReminderKey, decisionPendingKey, overdueReviewKey, poReminderKey, schoolVisitReminderKey } from "../../../src/domain/reminders";
import { schoolCalendarFor, shippedCalendars } from "../../../src/domain/calendar";

const calendar = schoolCalendarFor(shippedCalendars.leicestershire!);
const ref = "LNCIP-2026-0042";

describe("reminder rules", () => {
  it("chases a PO every 3 school days after the request, on school days only", () => {
    const due = ["2026-11-20", "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-28", "2026-11-30"].filter((d) => poReminderKey(calendar, ref, "2026-11-20", d, 3));
    expect(due).toEqual(["2026-11-25", "2026-11-30"]);
  });

  it("reminds of an undecided referral weekly once it is older than the set number of days", () => {
    expect(decisionPendingKey(calendar, ref, "2026-11-01", "2026-11-25", 28)).toBeUndefined();
    expect(decisionPendingKey(calendar, ref, "2026-10-01", "2026-11-25", 28)).toBe(`remind:decision:${ref}:2026-11-23`);
    expect(decisionPendingKey(calendar, ref, "2026-10-01", "2026-11-26", 28)).toBe(decisionPendingKey(calendar, ref, "2026-10-01", "2026-11-25", 28));
  });

  it("reminds of unconfirmed attendees within 5 school days of a review, once, and of an overdue outcome weekly", () => {
    expect(attendeesReminderKey(calendar, `${ref}:review:1`, "2026-12-14", false, "2026-12-04")).toBeUndefined();
    expect(attendeesReminderKey(calendar, `${ref}:review:1`, "2026-12-14", false, "2026-12-07")).toBe(`remind:attendees:${ref}:review:1`);
    expect(attendeesReminderKey(calendar, `${ref}:review:1`, "2026-12-14", true, "2026-12-07")).toBeUndefined();
    expect(overdueReviewKey(calendar, `${ref}:review:1`, "2026-12-14", false, "2026-12-14")).toBeUndefined();
    expect(overdueReviewKey(calendar, `${ref}:review:1`, "2026-12-14", false, "2026-12-15")).toBe(`remind:overdue:${ref}:review:1:2026-12-14`);
    expect(overdueReviewKey(calendar, `${ref}:review:1`, "2026-12-14", true, "2026-12-15")).toBeUndefined();
  });

  it("chases a termly school visit once the term (or the placement) is 20 school days old, until one is recorded", () => {
    expect(schoolVisitReminderKey(calendar, ref, "2026-11-30", undefined, "2026-12-14")).toBeUndefined();
    expect(schoolVisitReminderKey(calendar, ref, "2026-09-07", undefined, "2026-11-23")).toBe(`remind:visit:${ref}:2026-11-23`);
    expect(schoolVisitReminderKey(calendar, ref, "2026-09-07", "2026-10-05", "2026-11-23")).toBeUndefined();
    expect(schoolVisitReminderKey(calendar, ref, "2026-09-07", "2026-07-01", "2026-11-23")).toBeDefined(); // last term's visit
    expect(schoolVisitReminderKey(calendar, ref, "2026-09-07", undefined, "2026-11-21")).toBeUndefined(); // Saturday
  });
});
