import { partnershipCalendarSchema, schoolCalendarFor, shippedCalendars } from "../../src/domain/calendar";

/**
 * The shipped Leicestershire calendar with a made-up 2024/25 before it (the shipped data starts at 2025/26), so a
 * pupil who began Key Stage 4 in Year 10 has terms to count. 2024/25's terms: autumn 2 Sep–20 Dec 2024, spring
 * 6 Jan–4 Apr 2025, summer 22 Apr–18 Jul 2025.
 */
export const reportCalendarSource = partnershipCalendarSchema.parse({
    id: "reports-test",
    name: "Leicestershire with a test 2024/25",
    years: [
      {
        academicYear: "2024/25",
        provisional: true,
        halfTerms: [
          { name: "autumn1", first: "2024-09-02", last: "2024-10-18" },
          { name: "autumn2", first: "2024-10-28", last: "2024-12-20" },
          { name: "spring1", first: "2025-01-06", last: "2025-02-14" },
          { name: "spring2", first: "2025-02-24", last: "2025-04-04" },
          { name: "summer1", first: "2025-04-22", last: "2025-05-23" },
          { name: "summer2", first: "2025-06-02", last: "2025-07-18" },
        ],
      },
      ...shippedCalendars.leicestershire!.years,
    ],
});
export const reportCalendar = schoolCalendarFor(reportCalendarSource);
