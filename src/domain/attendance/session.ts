import { z } from "zod";

/** Registers are taken twice a day. */
export const sessionSchema = z.enum(["AM", "PM"]);
export type Session = z.infer<typeof sessionSchema>;

/**
 * What partnership or AP staff saw in a session: what happened, not a register code. The home school
 * decides its own mark; the partnership suggests one (see suggestedHomeSchoolCode).
 *
 * - `attended`: present for the session;
 * - `late`: arrived late (minutes recorded);
 * - `absent`: did not attend (the reason given is recorded, free text);
 * - `notAttendingByArrangement`: not expected this session by agreement (e.g. a home-school day).
 */
export const sessionHappenedLabels = {
  attended: "Attended",
  late: "Late",
  absent: "Absent",
  notAttendingByArrangement: "Not attending by arrangement",
} as const;
export type SessionHappened = keyof typeof sessionHappenedLabels;
export const sessionHappenedValues = Object.keys(sessionHappenedLabels) as [SessionHappened, ...SessionHappened[]];
export const sessionHappenedSchema = z.enum(sessionHappenedValues);
