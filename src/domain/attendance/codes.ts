import { z } from "zod";

/** How a register code counts (School Attendance (Pupil Registration) (England) Regulations 2024). */
export type CodeCategory = "present" | "attendingElsewhere" | "authorisedAbsence" | "unauthorisedAbsence" | "notPossible";

/**
 * Every DfE attendance code, its meaning and how it counts (docs/domain.md, Attendance).
 *
 * @example
 * attendanceCodes.B // { meaning: "Other approved supervised educational activity", category: "attendingElsewhere" }
 */
export const attendanceCodes = {
  "/": { meaning: "Present (AM)", category: "present" },
  "\\": { meaning: "Present (PM)", category: "present" },
  L: { meaning: "Late, before the register closed", category: "present" },
  K: { meaning: "Attending education arranged by the local authority", category: "attendingElsewhere" },
  V: { meaning: "Educational visit or trip", category: "attendingElsewhere" },
  P: { meaning: "Approved sporting activity", category: "attendingElsewhere" },
  W: { meaning: "Work experience", category: "attendingElsewhere" },
  B: { meaning: "Other approved supervised educational activity", category: "attendingElsewhere" },
  D: { meaning: "Dual registered: at another school", category: "notPossible" },
  C1: { meaning: "Leave: regulated performance or employment abroad", category: "authorisedAbsence" },
  M: { meaning: "Leave: medical or dental appointment", category: "authorisedAbsence" },
  J1: { meaning: "Leave: interview", category: "authorisedAbsence" },
  S: { meaning: "Leave: study leave", category: "authorisedAbsence" },
  C2: { meaning: "Leave: agreed part-time timetable", category: "authorisedAbsence" },
  C: { meaning: "Leave: exceptional circumstances", category: "authorisedAbsence" },
  T: { meaning: "Parent travelling for work", category: "authorisedAbsence" },
  R: { meaning: "Religious observance", category: "authorisedAbsence" },
  I: { meaning: "Illness", category: "authorisedAbsence" },
  E: { meaning: "Suspended or excluded, no alternative provision", category: "authorisedAbsence" },
  G: { meaning: "Holiday not granted by the school", category: "unauthorisedAbsence" },
  N: { meaning: "Reason not yet provided", category: "unauthorisedAbsence" },
  O: { meaning: "Absent in other or unknown circumstances", category: "unauthorisedAbsence" },
  U: { meaning: "Arrived after the register closed", category: "unauthorisedAbsence" },
  X: { meaning: "Not required to attend", category: "notPossible" },
  Q: { meaning: "Unable to attend: lack of access arrangements", category: "notPossible" },
  Y1: { meaning: "Unable to attend: transport", category: "notPossible" },
  Y2: { meaning: "Unable to attend: widespread disruption to travel", category: "notPossible" },
  Y3: { meaning: "Unable to attend: part of the premises closed", category: "notPossible" },
  Y4: { meaning: "Unable to attend: whole school closed unexpectedly", category: "notPossible" },
  Y5: { meaning: "Unable to attend: criminal justice detention", category: "notPossible" },
  Y6: { meaning: "Unable to attend: public health guidance or law", category: "notPossible" },
  Y7: { meaning: "Unable to attend: any other unavoidable cause", category: "notPossible" },
  Z: { meaning: "Not yet on roll", category: "notPossible" },
  "#": { meaning: "Planned whole or partial school closure", category: "notPossible" },
} as const satisfies Record<string, { meaning: string; category: CodeCategory }>;

export type AttendanceCode = keyof typeof attendanceCodes;
export const attendanceCodeSchema = z.enum(Object.keys(attendanceCodes) as [AttendanceCode, ...AttendanceCode[]]);

/** How uncertain codes count: Q's category is not settled in the guidance, so a partnership can change it. */
export interface CodeRules {
  categoryOverrides?: Partial<Record<AttendanceCode, CodeCategory>>;
}

/**
 * @example
 * categoryOf("Q") // "notPossible"
 * categoryOf("Q", { categoryOverrides: { Q: "authorisedAbsence" } }) // "authorisedAbsence"
 */
export function categoryOf(code: AttendanceCode, rules: CodeRules = {}): CodeCategory {
  return rules.categoryOverrides?.[code] ?? attendanceCodes[code].category;
}
