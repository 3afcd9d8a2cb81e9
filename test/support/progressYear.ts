import { upnCheckLetter } from "../../src/domain/referral/upn";
import type { ReportCase, ReportPlacement, ReportQualification, ReportReview } from "../../src/domain/reports";

/*
 * A year (2025/26) of cases, reviews, qualifications and exits whose every summary figure is worked out by hand
 * in test/domain/reports/progressSummary.test.ts. Pupils' names are here so tests can prove they never leak.
 */

export const cases: ReportCase[] = [];
export const placements: ReportPlacement[] = [];
export const reviews: ReportReview[] = [];
export const qualifications: ReportQualification[] = [];

let n = 0;
const upn = (twelve: string) => `${upnCheckLetter(twelve)}${twelve}`;
function pupil(ref: string, c: { received: string; year: number; ks: "KS3" | "KS4"; pp?: boolean; ehcp?: boolean; upn?: string; first?: string; school?: string }): string {
  n++;
  cases.push({
    CaseRef: ref,
    Status: "placed",
    KeyStage: c.ks,
    ReceivedAt: `${c.received}T09:00:00Z`,
    YearGroup: c.year,
    PupilPremium: c.pp ?? false,
    SendStatus: c.ehcp ? "ehcp" : "none",
    Upn: c.upn ?? upn(`82300100${String(1000 + n).slice(-4)}`),
    PupilFirstName: c.first ?? `Pupil${n}`,
    PupilLastName: "Zebedee",
    SchoolUrn: c.school ?? "120001",
  });
  return ref;
}
function review(ref: string, number: number, due: string, r: Partial<ReportReview> = {}): void {
  reviews.push({ CaseRef: ref, Number: number, DueDate: due, ...r });
}
function qual(ref: string, level: ReportQualification["Level"], result: ReportQualification["Result"] = "passed", awarded = "2026-06-20", more: Partial<ReportQualification> = {}): void {
  qualifications.push({ CaseRef: ref, Subject: "vocational", QualificationName: `Award ${qualifications.length + 1}`, QualificationType: "vocational", Level: level, Result: result, AwardedOn: awarded, ...more });
}
function placement(ref: string, ks: "KS3" | "KS4", start: string, end: string | undefined, p: Partial<ReportPlacement> = {}): void {
  placements.push({ CaseRef: ref, KeyStage: ks, StartDate: start, ...(end ? { EndDate: end } : {}), PlacementStatus: end ? "ended" : "active", ...p });
}

// ---- Key Stage 3: Year 8 in 2025/26 (referred in Year 8 in September 2025) unless said.
const K1 = pupil("LNCIP-2025-0101", { received: "2025-09-15", year: 8, ks: "KS3", first: "Kayden" });
review(K1, 1, "2025-11-03", { EnglishTuition: true, EnglishProgress: "expected" });
review(K1, 2, "2026-02-02", { EnglishTuition: true, EnglishProgress: "accelerated" });
qual(K1, "entry3", "passed", "2026-06-20", { Subject: "english", QualificationType: "functionalSkills" });

const K2 = pupil("LNCIP-2025-0102", { received: "2025-09-15", year: 8, ks: "KS3" });
review(K2, 1, "2025-11-03", { EnglishTuition: true, EnglishProgress: "aboveExpected", MathsTuition: true, MathsProgress: "belowExpected" });
review(K2, 2, "2026-02-02", { EnglishTuition: true, EnglishProgress: "belowExpected", MathsTuition: true, MathsProgress: "expected" });
qual(K2, "entry2", "passed", "2026-05-01", { Subject: "maths", QualificationType: "functionalSkills" });

const K3 = pupil("LNCIP-2025-0103", { received: "2025-09-15", year: 8, ks: "KS3" });
review(K3, 1, "2025-11-03", { EnglishTuition: true, EnglishProgress: "aboveExpected", MathsTuition: true, MathsProgress: "accelerated" });
review(K3, 2, "2026-02-02", { ReviewStatus: "cancelled", MathsTuition: true, MathsProgress: "belowExpected" });
qual(K3, "entry3", "notPassed", "2026-05-01", { Subject: "maths", QualificationType: "functionalSkills" });

// Referred in Year 7 in 2024/25 (so Year 8 now); a review and a qualification of the year before do not count.
const K4 = pupil("LNCIP-2024-0104", { received: "2025-03-03", year: 7, ks: "KS3" });
review(K4, 1, "2025-07-01", { EnglishTuition: true, EnglishProgress: "accelerated" });
review(K4, 2, "2025-10-06", { EnglishTuition: true, EnglishProgress: "expected" });
qual(K4, "entry3", "passed", "2025-07-15", { Subject: "english", QualificationType: "functionalSkills" });

const K5 = pupil("LNCIP-2025-0105", { received: "2025-09-15", year: 8, ks: "KS3" });
review(K5, 1, "2025-11-03", { EnglishTuition: true }); // no band recorded: a gap

const K6 = pupil("LNCIP-2025-0106", { received: "2025-09-15", year: 10, ks: "KS4" }); // Key Stage 4: not in the KS3 figures
review(K6, 1, "2025-11-03", { EnglishTuition: true, EnglishProgress: "accelerated" });
placement(K6, "KS4", "2025-09-22", undefined);

// Referred in Year 8 in January 2025: Year 9 in 2025/26, still Key Stage 3.
const K7 = pupil("LNCIP-2025-0107", { received: "2025-01-10", year: 8, ks: "KS3" });
review(K7, 3, "2026-03-02", { MathsTuition: true, MathsProgress: "expected" });

// ---- Key Stage 4: Year 11 in 2025/26.
// Referred in Year 9 in June 2024 → Year 11 now; on the programme from Sept 2024: 6 terms; 5 at Level 1+ → Premier.
const L1 = pupil("LNCIP-2024-0201", { received: "2024-06-10", year: 9, ks: "KS4", pp: true, ehcp: true, first: "Lachlan" });
placement(L1, "KS4", "2024-09-02", "2026-07-10", { EetOffer: true, Destination: "college", CCap30Experiences: 20 });
for (const level of ["level1", "level1", "level1", "level2", "level2"] as const) qual(L1, level);

// From January 2025 (spring, summer 2025 and all of 2025/26: 5 terms); 4 passed at Level 1+ → Preliminary.
const L2 = pupil("LNCIP-2024-0202", { received: "2024-10-01", year: 10, ks: "KS4", pp: true });
placement(L2, "KS4", "2025-01-06", undefined, { EetOffer: true, CCap30Experiences: 15 });
for (const level of ["level1", "level1", "level2", "level2", "entry3"] as const) qual(L2, level);
qual(L2, "level1", "awaited");
qual(L2, "level2", "notPassed");

// From 22 Sept 2025 (autumn, more than half of it; spring; summer: 3 terms); 5 at Level 1+, one on results day → Premier.
const L3 = pupil("LNCIP-2025-0203", { received: "2025-09-20", year: 11, ks: "KS4", ehcp: true });
placement(L3, "KS4", "2025-09-22", "2026-07-10", { EetOffer: false, Destination: "neet", CCap30Experiences: 10 });
for (const level of ["level1", "level1", "level1", "level1"] as const) qual(L3, level);
qual(L3, "level2", "passed", "2026-08-20", { QualificationType: "gcse", Subject: "english" });

// From 16 March 2026: 10 of spring's 54 school days (not a term), all of summer (1 term); 3 at Level 1+ → Preliminary.
const L4 = pupil("LNCIP-2026-0204", { received: "2026-02-20", year: 11, ks: "KS4", pp: true });
placement(L4, "KS4", "2026-03-16", "2026-07-10", { EetOffer: true });
for (const level of ["level1", "level1", "level1"] as const) qual(L4, level);

// 10 Nov 2025 to 23 Jan 2026: 30 of autumn's 77 days, 14 of spring's 54: no term; 5 at Level 1+ but neither measure.
const L5 = pupil("LNCIP-2025-0205", { received: "2025-11-03", year: 11, ks: "KS4" });
placement(L5, "KS4", "2025-11-10", "2026-01-23", { EetOffer: true, Destination: "anotherSchool", CCap30Experiences: 16 });
for (const level of ["level1", "level1", "level1", "level1", "level1"] as const) qual(L5, level);

// A Year 11 whose placement is still being set up: not a leaver.
const L6 = pupil("LNCIP-2026-0206", { received: "2026-06-01", year: 11, ks: "KS4" });
placement(L6, "KS4", "2026-07-01", undefined, { PlacementStatus: "settingUp" });

// One pupil, two cases (same UPN): autumn and spring 2025 on the first (2 terms), then 6 Oct 2025 to July 2026 on the
// second (48 of autumn's 77 days, spring, summer: 3 terms) = 5 terms; 3 + 2 passed at Level 1+ → Premier.
const L7a = pupil("LNCIP-2024-0207", { received: "2024-05-01", year: 9, ks: "KS4", upn: upn("823001099990") });
placement(L7a, "KS4", "2024-09-02", "2025-04-04", { EetOffer: false, CCap30Experiences: 2 });
for (const level of ["level1", "level1", "level1"] as const) qual(L7a, level, "passed", "2025-03-20");
const L7b = pupil("LNCIP-2025-0208", { received: "2025-10-01", year: 11, ks: "KS4", upn: upn("823001099990") });
placement(L7b, "KS4", "2025-10-06", "2026-07-10", { EetOffer: true, Destination: "apprenticeship", CCap30Experiences: 30 });
for (const level of ["level2", "level2"] as const) qual(L7b, level);

// Year 10 whose placement ended in March (a Key Stage 4 leaver for C-CAP 30, not a Year 11 leaver).
const X1 = pupil("LNCIP-2025-0301", { received: "2025-09-10", year: 10, ks: "KS4" });
placement(X1, "KS4", "2025-09-15", "2026-03-27", { Destination: "anotherSchool", CCap30Experiences: 18 });
// Year 10 still placed: no figure.
const X2 = pupil("LNCIP-2025-0302", { received: "2025-09-10", year: 10, ks: "KS4" });
placement(X2, "KS4", "2025-09-15", undefined);
// Year 11 in 2024/25: last year's leaver.
const X3 = pupil("LNCIP-2023-0303", { received: "2023-11-01", year: 10, ks: "KS4" });
placement(X3, "KS4", "2024-09-02", "2025-07-18", { EetOffer: true, CCap30Experiences: 25 });
