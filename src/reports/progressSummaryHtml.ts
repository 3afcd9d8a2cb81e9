import { progressSummaryDefinitions, type Attainment5, type ProgressSummary, type SubjectProgress } from "../domain/reports/progressSummary";
import { e, htmlDocument, longDate, pctText } from "./html";

export interface ProgressSummaryDocumentOptions {
  /** The partnership's name as parents know it, e.g. "Loughborough and North Charnwood Inclusion Partnership". */
  partnershipName: string;
  /** The day the summary was produced (yyyy-MM-dd). */
  producedOn: string;
}

/**
 * The annual Progress & Achievement summary as a document a parent or carer can read, in the unit's format
 * (seed 003): plain sentences, the count beside each percentage, and how each figure is worked out. No pupil is
 * named or referenced. Self-contained, escaped, printable on A4.
 *
 * @example
 * progressSummaryHtml(summary, { partnershipName: "LNCIP", producedOn: "2026-09-07" })
 * // "<!DOCTYPE html>…<h1>LNCIP</h1>…81% made expected or better than expected progress…"
 */
export function progressSummaryHtml(summary: ProgressSummary, options: ProgressSummaryDocumentOptions): string {
  const year = summary.academicYear;
  const ks4 = summary.ks4;
  const body = `
<header>
<h1>${e(options.partnershipName)}</h1>
<p class="subtitle"><strong>Progress &amp; Achievement Summary — Academic Year ${e(year)}</strong></p>
</header>
<p>This is a summary of the progress and achievement of the pupils the partnership worked with during the ${e(year)} academic year, written so that parents, carers and partners can read it easily. Each percentage is shown with the number of pupils it counts.</p>

<h2>Key Stage 3 progress and achievement: English and mathematics</h2>
<p>At Key Stage 3 we measure progress in English and mathematics at every review of a pupil's programme, against the baseline we assess when the pupil starts.</p>
${subjectSection("English", summary.ks3.english)}
${subjectSection("Mathematics", summary.ks3.maths)}

<h2>Key Stage 4 achievement</h2>
<p>During the ${e(year)} academic year we worked with <strong>${ks4.year11Leavers}</strong> Year 11 ${ks4.year11Leavers === 1 ? "leaver" : "leavers"}.</p>
<h3>Attainment 5 – Premier</h3>
<p class="note">Pupils on our Key Stage 4 programme for 3 or more terms who gained 5 or more qualifications at Level 1 or above.</p>
${attainmentList(ks4.attainment5Premier, ks4.year11Leavers, "5 or more")}
<h3>Attainment 5 – Preliminary</h3>
<p class="note">Other pupils on our Key Stage 4 programme for 1 term or more who gained 3 or more qualifications at Level 1 or above.</p>
${attainmentList(ks4.attainment5Preliminary, ks4.year11Leavers, "3 or more")}

<h2>Key Stage 4 C-CAP 30 programme</h2>
<p>Our aim is that most of our Key Stage 4 pupils have at least 15 of 30 cultural capital experiences.</p>
<ul><li class="figure">${ks4.cCap30.of === 0 ? "No Key Stage 4 pupils left the programme this year." : `<strong>${ks4.cCap30.atLeast15} out of ${ks4.cCap30.of}</strong> Key Stage 4 leavers (${pctText(ks4.cCap30.pct)}) had at least 15 of the 30 experiences.`}</li></ul>

<h2>Key Stage 4 leaver destinations</h2>
<p>We work with our Year 11 leavers to secure an offer of education, employment or training (EET) after Year 11.</p>
<ul><li class="figure">${ks4.eetDestinations.of === 0 ? "There were no Year 11 leavers this year." : `<strong>${ks4.eetDestinations.count} out of ${ks4.eetDestinations.of}</strong> Year 11 leavers (${pctText(ks4.eetDestinations.pct)}) achieved a positive EET destination offer.`}</li></ul>

<h2>How the figures are worked out</h2>
<ul class="note">
${Object.values(progressSummaryDefinitions)
  .map((d) => `<li>${e(d)}</li>`)
  .join("\n")}
</ul>
<p class="note">Produced on ${e(longDate(options.producedOn))}.</p>
`;
  return htmlDocument(`${options.partnershipName}: Progress & Achievement Summary ${year}`, body);
}

function subjectSection(name: string, s: SubjectProgress): string {
  const inText = name === "English" ? name : name.toLowerCase();
  if (s.students === 0) return `<h3>${e(name)}</h3><p>No Key Stage 3 pupils were in our ${e(inText)} tuition programme this year.</p>`;
  const line = (c: { count: number; pct: number | null }, words: string) => `<li class="figure"><strong>${pctText(c.pct)}</strong> ${words} (${c.count} of ${s.students}).</li>`;
  return `<h3>${e(name)}</h3>
<p><strong>${s.students}</strong> ${s.students === 1 ? "pupil" : "pupils"} took part in our ${e(inText)} tuition programme.</p>
<ul>
${line(s.expectedOrBetter, "made expected or better than expected progress")}
${line(s.aboveExpectedOrBetter, "made above expected or better than above expected progress")}
${line(s.accelerated, "made accelerated progress")}
${line(s.functionalQualification, `achieved a functional skills qualification in ${e(inText)}`)}
</ul>`;
}

function attainmentList(a: Attainment5, leavers: number, how: string): string {
  if (leavers === 0) return "<p>There were no Year 11 leavers this year.</p>";
  const group = (g: { of: number; count: number; pct: number | null }, who: string) =>
    g.of === 0 ? `<li>None of our Year 11 leavers ${who}.</li>` : `<li>${g.of} Year 11 ${g.of === 1 ? "leaver" : "leavers"} ${who}; ${g.count} of them did so (${pctText(g.pct)}).</li>`;
  return `<ul>
<li class="figure"><strong>${a.count} out of ${leavers}</strong> Year 11 leavers (${pctText(a.pct)}) gained ${how} qualifications at Level 1 or above.</li>
${group(a.pupilPremium, "were pupil premium pupils")}
${group(a.ehcp, "had an education, health and care plan (EHCP)")}
</ul>`;
}
