import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from "docx";
import { attendanceCodes } from "../domain/attendance/codes";
import { progressBandLabels, qualificationLevelLabels, qualificationResultLabels, qualificationSubjectLabels, qualificationTypeLabels, visitorLabels, workingAtLevelLabels } from "../domain/lists/outcomeLists";
import type { OfstedPack, PackPupil } from "../domain/reports/ofstedPack";
import { longDate, shortDate } from "./html";

/*
 * The Ofsted pack as a Word document. Word, not PDF: the SENCO files it with the school's own Ofsted evidence and
 * can add to it; `docx` writes real headings and tables (navigable, accessible) in pure JavaScript, and Word
 * handles every pupil's name in Unicode with no font to embed — a PDF library would need a TrueType font embedded
 * for names beyond Latin-1.
 */

const returnLabels = { yes: "Yes", partly: "Partly", notYet: "Not yet" } as const;

/** The email that carries a pack: the subject names the school and the day, never a pupil. */
export function ofstedPackSubject(pack: Pick<OfstedPack, "school" | "today">): string {
  return `Ofsted pack: ${pack.school.name} (${shortDate(pack.today)})`;
}

export function ofstedPackFileName(pack: Pick<OfstedPack, "school" | "today">): string {
  return `ofsted-pack-${pack.school.urn}-${pack.today}.docx`;
}

/**
 * The pack as a .docx file (bytes): a title page paragraph, then one section per pupil.
 *
 * @example
 * const bytes = await ofstedPackDocx(pack) // a zip starting "PK"
 */
export async function ofstedPackDocx(pack: OfstedPack): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(`Programme-managed pupils: ${pack.school.name}`)] }),
    para(`Information for Ofsted inspectors about the attendance and progress of ${pack.school.name}'s pupils who are programme managed by the partnership, as at ${longDate(pack.today)} (academic year ${pack.academicYear}).`),
    para("Confidential: this document names pupils and is for the school's own records. It holds only this school's pupils."),
  ];
  if (pack.pupils.length === 0) children.push(para("The school has no programme-managed pupils this academic year."));
  for (const p of pack.pupils) children.push(...pupilSection(p));
  const doc = new Document({
    creator: "Inclusion Flow",
    title: ofstedPackSubject(pack),
    description: "Programme-managed pupils: pattern, providers, attendance, reviews, visits, progress, qualifications, DSL contact",
    styles: { default: { document: { run: { font: "Arial", size: 21 } } } },
    sections: [{ children }],
  });
  return Packer.toBuffer(doc);
}

function pupilSection(p: PackPupil): (Paragraph | Table)[] {
  const a = p.attendanceToDate;
  const out: (Paragraph | Table)[] = [
    new Paragraph({ heading: HeadingLevel.HEADING_1, pageBreakBefore: true, children: [new TextRun(`${p.name} (${p.caseRef})`)] }),
    para(
      `${p.yearGroup ? `Year ${p.yearGroup}, ` : ""}${p.keyStage}. Placement from ${longDate(p.placement.startDate)}${p.placement.endDate ? ` to ${longDate(p.placement.endDate)}` : ""} (${statusWords[p.placement.status]}); attendance basis ${p.placement.attendanceBasis ?? "not recorded"}.`,
    ),
    heading("Pattern and providers"),
  ];
  if (p.pattern) {
    out.push(table(["Day", "Where", "Provider", "Registered school?", "Hours"], p.pattern.map((d) => [cap(d.day), d.where, d.provider ?? "", d.registered === undefined ? "" : d.registered ? "Yes" : "No (unregistered)", String(d.hours)])));
  } else out.push(para("The weekly pattern is not recorded in a form the report can read."));
  if (p.providers.some((x) => !x.registered)) out.push(para(`Unregistered providers: ${p.providers.filter((x) => !x.registered).map((x) => x.name).join(", ")}. The partnership holds their written safeguarding confirmation.`));

  out.push(heading("Attendance to date"));
  out.push(
    para(
      a.possible === 0
        ? "No possible sessions recorded yet."
        : `${a.attendancePercent}% attendance: ${a.present} of ${a.possible} possible sessions attended; ${a.authorised} authorised and ${a.unauthorised} unauthorised absences.`,
    ),
  );
  if (a.codes.length) out.push(table(["Code", "Meaning", "Sessions"], a.codes.map((c) => [c.code, attendanceCodes[c.code].meaning, String(c.sessions)])));

  out.push(heading("Reviews held"));
  if (p.reviewsHeld.length === 0) out.push(para("No review has been held yet."));
  else
    out.push(
      table(
        ["Review", "Date", "Able to return to mainstream?", "English", "Maths", "Attendance for the period", "Next steps", "Pupil's voice"],
        p.reviewsHeld.map((r) => [
          String(r.number),
          shortDate(r.day),
          r.returnToMainstream ? returnLabels[r.returnToMainstream] : "Outcome not recorded",
          r.englishProgress ? progressBandLabels[r.englishProgress] : "",
          r.mathsProgress ? progressBandLabels[r.mathsProgress] : "",
          r.attendanceForPeriod.attendancePercent === undefined ? "–" : `${r.attendanceForPeriod.attendancePercent}% (${r.attendanceForPeriod.present}/${r.attendanceForPeriod.possible})`,
          r.nextSteps ?? "",
          r.pupilVoice ?? "",
        ]),
      ),
    );

  out.push(heading("Visits"));
  if (p.visits.length) out.push(table(["Date", "Visit by"], p.visits.map((v) => [shortDate(v.day), visitorLabels[v.visitor]])));
  out.push(para(p.lastSchoolVisit ? `Last visit by the school recorded on ${longDate(p.lastSchoolVisit)}. Schools visit their pupils at least termly.` : "No visit by the school has been recorded. Schools should visit their pupils at least termly."));

  out.push(heading("Progress"));
  out.push(
    table(
      ["", "Baseline (first assessment)", "Latest progress band"],
      [
        ["English", p.baseline.english ? workingAtLevelLabels[p.baseline.english] : "not recorded", p.latestProgress.english ? progressBandLabels[p.latestProgress.english] : "not recorded"],
        ["Maths", p.baseline.maths ? workingAtLevelLabels[p.baseline.maths] : "not recorded", p.latestProgress.maths ? progressBandLabels[p.latestProgress.maths] : "not recorded"],
      ],
    ),
  );
  if (p.baseline.assessedOn) out.push(para(`Baseline assessed on ${longDate(p.baseline.assessedOn)}.`));

  out.push(heading("Qualifications"));
  if (p.qualifications.length === 0) out.push(para("No qualifications recorded yet."));
  else
    out.push(
      table(
        ["Subject", "Qualification", "Type", "Level", "Result", "Date"],
        p.qualifications.map((q) => [
          qualificationSubjectLabels[q.Subject],
          q.QualificationName,
          qualificationTypeLabels[q.QualificationType],
          qualificationLevelLabels[q.Level],
          `${qualificationResultLabels[q.Result]}${q.Grade ? ` (${q.Grade})` : ""}`,
          shortDate(q.AwardedOn),
        ]),
      ),
    );

  out.push(heading("Safeguarding contact"));
  out.push(para(`Partnership staff contact the school's designated safeguarding lead${p.dsl.name ? `, ${p.dsl.name},` : ""} ${[p.dsl.email, p.dsl.phone].filter(Boolean).join(" or ") || "(contact details not recorded)"}. The school remains accountable for safeguarding.`));
  return out;
}

const statusWords = { settingUp: "being set up", active: "running", ended: "ended" } as const;

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function para(text: string): Paragraph {
  return new Paragraph({ spacing: { after: 120 }, children: [new TextRun(text)] });
}

function heading(text: string): Paragraph {
  return new Paragraph({ heading: HeadingLevel.HEADING_2, spacing: { before: 240 }, children: [new TextRun(text)] });
}

function table(head: string[], rows: string[][]): Table {
  const row = (cells: string[], header: boolean) =>
    new TableRow({
      tableHeader: header,
      cantSplit: true,
      children: cells.map((c) => new TableCell({ children: [new Paragraph({ alignment: AlignmentType.LEFT, children: [new TextRun({ text: c, bold: header })] })] })),
    });
  return new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: [row(head, true), ...rows.map((r) => row(r, false))] });
}
