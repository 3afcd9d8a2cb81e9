import { describe, expect, it } from "vitest";
import { ofstedPack, type ReportCase, type ReportPlacement, type ReportQualification, type ReportReview } from "../../src/domain/reports";
import { standardPattern } from "../../src/domain/placement/weeklyPattern";
import { ofstedPackDocx, ofstedPackFileName, ofstedPackSubject } from "../../src/reports/ofstedPackDocx";
import { cases as weekCases, marks, placements as weekPlacements, reviews as weekReviews, schools, today } from "../support/directorsWeekRows";
import { docxText, unzip } from "../support/unzip";

const riverside = { id: "riverside", name: "Riverside AP", registered: false };
const cases: ReportCase[] = weekCases.map((c) => (c.CaseRef === "LNCIP-2025-0011" ? { ...c, YearGroup: 8, DslName: "Sam Patel", DslEmail: "dsl@oakfield.example", DslPhone: "0116 496 0000" } : c));
const placements: ReportPlacement[] = weekPlacements.map((p) =>
  p.CaseRef === "LNCIP-2025-0011"
    ? { ...p, Pattern: JSON.stringify(standardPattern(8, "programmeManagementFullTime", riverside)), AttendanceBasis: "B", EnglishBaseline: "entry2", MathsBaseline: "entry1", BaselineOn: "2025-09-10" }
    : p,
);
const reviews: ReportReview[] = [
  ...weekReviews,
  { CaseRef: "LNCIP-2025-0011", Number: 1, DueDate: "2025-10-13", ReturnToMainstream: "notYet", EnglishProgress: "expected", MathsProgress: "belowExpected" },
  { CaseRef: "LNCIP-2025-0011", Number: 2, DueDate: "2025-12-08", HeldOn: "2025-12-10", ReturnToMainstream: "partly", EnglishProgress: "aboveExpected", NextSteps: "More maths at the centre", PupilVoice: "I like the centre" },
];
const qualifications: ReportQualification[] = [
  { CaseRef: "LNCIP-2025-0011", Subject: "english", QualificationName: "Functional Skills English", QualificationType: "functionalSkills", Level: "entry3", Result: "passed", Grade: "Pass", AwardedOn: "2026-01-15" },
  { CaseRef: "LNCIP-2025-0014", Subject: "maths", QualificationName: "GCSE Maths", QualificationType: "gcse", Level: "level1", Result: "awaited", AwardedOn: "2026-02-01" },
];
const input = { today, cases, placements, reviews, qualifications, marks };
const oakfield = schools[0]!;
const brookside = schools[1]!;
const castleRock = schools[2]!;

describe("a school's Ofsted pack", () => {
  it("holds only the school's own programme-managed pupils", () => {
    expect(ofstedPack({ ...input, school: oakfield }).pupils.map((p) => p.caseRef)).toEqual(["LNCIP-2025-0011", "LNCIP-2025-0013"]);
    // Brookside: the running placement and the one that ended in December; not the one still being set up.
    expect(ofstedPack({ ...input, school: brookside }).pupils.map((p) => p.caseRef)).toEqual(["LNCIP-2025-0014", "LNCIP-2025-0015"]);
    expect(ofstedPack({ ...input, school: castleRock }).pupils).toEqual([]);
  });

  it("gives each pupil's pattern and providers, attendance with codes, reviews, visit, progress, qualifications and DSL contact", () => {
    const pupil = ofstedPack({ ...input, school: oakfield }).pupils[0]!;
    expect(pupil).toMatchObject({ caseRef: "LNCIP-2025-0011", name: "Amelia Quintrell", yearGroup: 9 /* referred in Year 8 in July 2025 */, keyStage: "KS3", lastSchoolVisit: "2026-01-20" });
    expect(pupil.pattern?.map((d) => [d.day, d.where, d.provider, d.registered])).toEqual([
      ["monday", "Partnership centre", undefined, undefined],
      ["tuesday", "Alternative provision", "Riverside AP", false],
      ["wednesday", "Home school", undefined, undefined],
      ["thursday", "Alternative provision", "Riverside AP", false],
      ["friday", "Home school", undefined, undefined],
    ]);
    expect(pupil.providers).toEqual([{ name: "Riverside AP", registered: false }]);
    // 23–26 Feb present AM and PM (8), Friday I then N: 10 possible, 8 present.
    expect(pupil.attendanceToDate).toMatchObject({ possible: 10, present: 8, authorised: 1, unauthorised: 1, attendancePercent: 80 });
    expect([...pupil.attendanceToDate.codes].sort((a, b) => a.code.localeCompare(b.code))).toEqual(
      [{ code: "/", sessions: 4 }, { code: "\\", sessions: 4 }, { code: "I", sessions: 1 }, { code: "N", sessions: 1 }].sort((a, b) => a.code.localeCompare(b.code)),
    );
    // Reviews held by today: 13 Oct, 10 Dec (held two days late), 24 Feb (no outcome yet). Each period's attendance is
    // computed from the marks: only the last period (11 Dec–24 Feb) has any: 23 and 24 Feb, 4 of 4.
    expect(pupil.reviewsHeld.map((r) => [r.number, r.day, r.returnToMainstream, r.englishProgress, r.attendanceForPeriod.possible, r.attendanceForPeriod.attendancePercent])).toEqual([
      [1, "2025-10-13", "notYet", "expected", 0, undefined],
      [2, "2025-12-10", "partly", "aboveExpected", 0, undefined],
      [3, "2026-02-24", undefined, undefined, 4, 100],
    ]);
    expect(pupil.baseline).toEqual({ english: "entry2", maths: "entry1", assessedOn: "2025-09-10" });
    expect(pupil.latestProgress).toEqual({ english: "aboveExpected", maths: "belowExpected" });
    expect(pupil.qualifications.map((q) => q.QualificationName)).toEqual(["Functional Skills English"]);
    expect(pupil.dsl).toEqual({ name: "Sam Patel", email: "dsl@oakfield.example", phone: "0116 496 0000" });
  });

  it("is a Word document naming only the school's pupils, under a subject that names no one", async () => {
    const pack = ofstedPack({ ...input, school: oakfield });
    const docx = await ofstedPackDocx(pack);
    expect(docx.subarray(0, 2).toString()).toBe("PK");
    expect([...unzip(docx).keys()]).toContain("word/document.xml");
    const text = docxText(docx);
    expect(text).toContain("Amelia Quintrell (LNCIP-2025-0011)");
    expect(text).toContain("Riverside AP");
    expect(text).toContain("No (unregistered)");
    expect(text).toContain("80% attendance: 8 of 10 possible sessions attended; 1 authorised and 1 unauthorised absences.");
    expect(text).toContain("I like the centre");
    expect(text).toContain("Sam Patel");
    // Brookside's pupils are nowhere in Oakfield's pack.
    for (const ref of ["LNCIP-2025-0012", "LNCIP-2025-0014", "LNCIP-2025-0015"]) {
      const other = cases.find((c) => c.CaseRef === ref)!;
      expect(text).not.toContain(ref);
      expect(text).not.toContain(other.PupilFirstName);
    }
    expect(text).not.toContain("GCSE Maths");
    const subject = ofstedPackSubject(pack);
    expect(subject).toBe("Ofsted pack: Oakfield Academy (2 Mar 2026)");
    for (const c of cases) expect(`${subject} ${ofstedPackFileName(pack)}`).not.toContain(c.PupilFirstName);
  });

  it("says so when a school has no programme-managed pupils", async () => {
    const text = docxText(await ofstedPackDocx(ofstedPack({ ...input, school: castleRock })));
    expect(text).toContain("The school has no programme-managed pupils this academic year.");
  });
});
