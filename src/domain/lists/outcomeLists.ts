import { z } from "zod";
import { field } from "../fields/fieldMeta";
import type { ListDefinition } from "./columns";

/*
 * What the partnership records about a pupil's progress and outcomes (issue 15): progress bands at each review,
 * the starting baseline and the exit on the Placements row, and a Qualifications list. Kept apart from lists.ts
 * (which only spreads these columns onto the end of its rows) so the outcome columns are read in one place.
 */

const day = () => z.iso.date();
const caseRef = () => field(z.string().regex(/^[A-Z]{2,10}-\d{4}-\d{4,}$/).max(30), { column: "CaseRef", columnTitle: "Case", indexed: true });
const keys = <T extends Record<string, string>>(labels: T) => Object.keys(labels) as [keyof T & string, ...(keyof T & string)[]];

/**
 * The unit's progress bands for English and maths since the last review (seed 003: the Progress & Achievement
 * summary counts "expected or better", "above expected or better" and "accelerated").
 *
 * @example
 * progressBandLabels.aboveExpected // "Above expected"
 */
export const progressBandLabels = {
  belowExpected: "Below expected",
  expected: "Expected",
  aboveExpected: "Above expected",
  accelerated: "Accelerated",
} as const;
export type ProgressBand = keyof typeof progressBandLabels;
export const progressBands = keys(progressBandLabels);
export const progressBandSchema = z.enum(progressBands);

/** The functional-skills working-at levels a baseline (first assessment) is recorded on. */
export const workingAtLevelLabels = {
  preEntry: "Pre-entry",
  entry1: "Entry 1",
  entry2: "Entry 2",
  entry3: "Entry 3",
  level1: "Level 1",
  level2: "Level 2",
} as const;
export type WorkingAtLevel = keyof typeof workingAtLevelLabels;

/** Where a pupil goes when the placement ends (docs/domain.md, Exit; the summary's EET destinations). */
export const destinationLabels = {
  homeSchool: "Back to the home school",
  anotherSchool: "Another school",
  specialistPlacement: "Specialist placement",
  sixthForm: "Sixth form",
  college: "College",
  apprenticeship: "Apprenticeship",
  employmentWithTraining: "Employment with training",
  neet: "Not in education, employment or training (NEET)",
} as const;
export type Destination = keyof typeof destinationLabels;

export const qualificationSubjectLabels = {
  english: "English",
  maths: "Maths",
  science: "Science",
  computing: "Computing / ICT",
  personalDevelopment: "Personal and social development",
  vocational: "Vocational area",
  other: "Other",
} as const;
export type QualificationSubject = keyof typeof qualificationSubjectLabels;

export const qualificationTypeLabels = {
  functionalSkills: "Functional Skills",
  entryLevel: "Entry Level Certificate",
  gcse: "GCSE",
  vocational: "Vocational (BTEC, NCFE, City & Guilds…)",
  other: "Other",
} as const;
export type QualificationType = keyof typeof qualificationTypeLabels;

export const qualificationLevelLabels = {
  entry1: "Entry 1",
  entry2: "Entry 2",
  entry3: "Entry 3",
  level1: "Level 1",
  level2: "Level 2",
} as const;
export type QualificationLevel = keyof typeof qualificationLevelLabels;

export const qualificationResultLabels = { passed: "Passed", notPassed: "Not passed", awaited: "Result awaited" } as const;
export type QualificationResult = keyof typeof qualificationResultLabels;

/**
 * Columns added to the end of the Reviews row: what the Coordinator records at each review. The review's
 * attendance for the period is computed from the Attendance list, never typed.
 */
export const reviewProgressColumns = {
  EnglishProgress: field(progressBandSchema.optional(), { column: "EnglishProgress", columnTitle: "English progress since last review", labels: progressBandLabels }),
  MathsProgress: field(progressBandSchema.optional(), { column: "MathsProgress", columnTitle: "Maths progress since last review", labels: progressBandLabels }),
  EnglishTuition: field(z.boolean().optional(), { column: "EnglishTuition", columnTitle: "In the English tuition programme" }),
  MathsTuition: field(z.boolean().optional(), { column: "MathsTuition", columnTitle: "In the maths tuition programme" }),
  PupilVoice: field(z.string().max(500).optional(), { column: "PupilVoice", columnTitle: "Pupil's voice", personal: "freeText" }),
  /** The day the review took place, when not its due day (a review moved at the last minute). */
  HeldOn: field(day().optional(), { column: "HeldOn", columnTitle: "Held on" }),
};

/** Columns added to the end of the Placements row: the starting baseline and the exit. */
export const placementOutcomeColumns = {
  EnglishBaseline: field(z.enum(keys(workingAtLevelLabels)).optional(), { column: "EnglishBaseline", columnTitle: "English baseline (first assessment)", labels: workingAtLevelLabels }),
  MathsBaseline: field(z.enum(keys(workingAtLevelLabels)).optional(), { column: "MathsBaseline", columnTitle: "Maths baseline (first assessment)", labels: workingAtLevelLabels }),
  BaselineOn: field(day().optional(), { column: "BaselineOn", columnTitle: "Baseline assessed on" }),
  Destination: field(z.enum(keys(destinationLabels)).optional(), { column: "Destination", columnTitle: "Destination", labels: destinationLabels }),
  /** An offer of education, employment or training after the placement (post-16 for Year 11). */
  EetOffer: field(z.boolean().optional(), { column: "EetOffer", columnTitle: "EET offer" }),
  /** Key Stage 4: C-CAP 30 cultural capital experiences had, out of 30. */
  CCap30Experiences: field(z.number().int().min(0).max(30).optional(), { column: "CCap30Experiences", columnTitle: "C-CAP 30 experiences (of 30)" }),
};

export const qualificationsRow = z.object({
  CaseRef: caseRef(),
  Subject: field(z.enum(keys(qualificationSubjectLabels)), { column: "Subject", columnTitle: "Subject", labels: qualificationSubjectLabels }),
  QualificationName: field(z.string().min(1).max(150), { column: "QualificationName", columnTitle: "Qualification" }),
  QualificationType: field(z.enum(keys(qualificationTypeLabels)), { column: "QualificationType", columnTitle: "Type", labels: qualificationTypeLabels }),
  Level: field(z.enum(keys(qualificationLevelLabels)), { column: "Level", columnTitle: "Level", labels: qualificationLevelLabels }),
  Result: field(z.enum(keys(qualificationResultLabels)), { column: "Result", columnTitle: "Result", labels: qualificationResultLabels }),
  /** The grade as the awarding body gives it (e.g. "4", "Merit"); the Level column says what it counts as. */
  Grade: field(z.string().max(20).optional(), { column: "Grade", columnTitle: "Grade" }),
  AwardedOn: field(day(), { column: "AwardedOn", columnTitle: "Date" }),
});
export type QualificationsRow = z.output<typeof qualificationsRow>;

export const qualificationsList: ListDefinition<typeof qualificationsRow> = {
  name: "Qualifications",
  displayName: "Qualifications",
  description: "Qualifications pupils gained (or sat) while programme managed: subject, type, level, result, date.",
  row: qualificationsRow,
  titleColumn: "CaseRef",
};

/** Who visited a programme-managed pupil: the home school (at least termly), the partnership, or a provider. */
export const visitorLabels = { homeSchool: "Home school", partnership: "Partnership staff", provider: "Provider" } as const;
export type Visitor = keyof typeof visitorLabels;

/**
 * A visit to a programme-managed pupil where they are placed, with its date (the Ofsted pack lists "visits with
 * dates"; schools visit at least termly). The Coordinator records one item per visit; notes are free text, kept in
 * SharePoint and never copied into an email, card or log.
 */
export const visitsRow = z.object({
  CaseRef: caseRef(),
  VisitedOn: field(day(), { column: "VisitedOn", columnTitle: "Visited on", indexed: true }),
  Visitor: field(z.enum(keys(visitorLabels)), { column: "Visitor", columnTitle: "Visit by", labels: visitorLabels }),
  VisitNotes: field(z.string().max(2000).optional(), { column: "VisitNotes", columnTitle: "Notes", personal: "freeText" }),
});
export type VisitsRow = z.output<typeof visitsRow>;

export const visitsList: ListDefinition<typeof visitsRow> = {
  name: "Visits",
  displayName: "Visits",
  description: "Visits to programme-managed pupils where they are placed: the home school's (at least termly), the partnership's, a provider's.",
  row: visitsRow,
  titleColumn: "CaseRef",
};
