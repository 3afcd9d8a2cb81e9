import { coreGroupOutcomeLabels } from "../domain/case/outcomes";
import { caseStatusLabels } from "../domain/case/caseStatus";
import type { DirectorsWeek, WaitingCase } from "../domain/reports/directorsWeek";
import { chartPng, type ChartSpec } from "./charts";
import { e, poundsText, shortDate } from "./html";

/** An email with pictures shown in its body: each inline attachment is referenced as `cid:{contentId}`. */
export interface ReportEmail {
  subject: string;
  html: string;
  attachments: { name: string; contentType: string; contentBytes: Buffer; contentId?: string; isInline?: boolean }[];
}

export interface DirectorsWeekEmailOptions {
  partnershipName: string;
  /** A link to a case's record (it needs a sign-in), when the lists' address is known; undefined: no link. */
  caseUrl?: (caseRef: string) => string | undefined;
}

const PLACES_CID = "places-over-year@inclusion-flow";
const ATTENDANCE_CID = "attendance-by-week@inclusion-flow";

/**
 * The Director's Monday email: the week's figures as tables, and two charts (places used over the year against the
 * aim, and attendance week by week) drawn on the server as PNGs attached inline, so Outlook shows them in the body.
 * Case references, schools and numbers only: no pupil is named, in the subject or anywhere in the body.
 *
 * @example
 * const mail = await directorsWeekEmail(week, { partnershipName: "LNCIP" });
 * mail.subject // "Director's week: w/c 2 Mar 2026"
 * mail.attachments.map((a) => a.contentId) // ["places-over-year@inclusion-flow", "attendance-by-week@inclusion-flow"]
 */
export async function directorsWeekEmail(week: DirectorsWeek, options: DirectorsWeekEmailOptions): Promise<ReportEmail> {
  const [placesPng, attendancePng] = await Promise.all([chartPng(placesChart(week)), chartPng(attendanceChart(week))]);
  const ref = (caseRef: string) => {
    const url = options.caseUrl?.(caseRef);
    return url ? `<a href="${e(url)}">${e(caseRef)}</a>` : e(caseRef);
  };
  const table = (head: string[], rows: string[][], empty: string, numeric: number[] = []) =>
    rows.length === 0
      ? `<p style="margin:4px 0 12px;color:#555">${e(empty)}</p>`
      : `<table style="border-collapse:collapse;margin:4px 0 12px;font-size:14px">
<tr>${head.map((h, i) => `<th style="${cell}${numeric.includes(i) ? "text-align:right;" : ""}background:#eef2f8">${e(h)}</th>`).join("")}</tr>
${rows.map((r) => `<tr>${r.map((c, i) => `<td style="${cell}${numeric.includes(i) ? "text-align:right;" : ""}">${c}</td>`).join("")}</tr>`).join("\n")}
</table>`;
  const waiting = (list: WaitingCase[], empty: string, sinceWord: string) =>
    table(
      ["Case", "Key stage", "Status", sinceWord, "School days"],
      list.map((w) => [ref(w.caseRef), e(w.keyStage), e(caseStatusLabels[w.status]), e(shortDate(w.since)), String(w.schoolDays)]),
      empty,
      [4],
    );
  const h2 = (text: string) => `<h2 style="font-size:17px;margin:20px 0 4px;color:#1d4f91">${e(text)}</h2>`;

  const html = `<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>${e(subjectOf(week))}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#1b1b1b;font-size:14px;line-height:1.4">
<p>${e(options.partnershipName)}: the week of ${e(shortDate(week.thisWeek.first))}. Figures as of this morning; last week is ${e(shortDate(week.lastWeek.first))} to ${e(shortDate(week.lastWeek.last))}.</p>
${h2("Places")}
${table(
  ["Key stage", "Aim", "Used", "Active", "Being set up", "Free"],
  (["KS3", "KS4"] as const).map((ks) => {
    const p = week.places[ks];
    return [ks, String(p.aim), String(p.used), String(p.active), String(p.settingUp), String(p.free)];
  }),
  "",
  [1, 2, 3, 4, 5],
)}
<p><img src="cid:${PLACES_CID}" width="640" alt="${e(placesAlt(week))}" style="max-width:100%;height:auto"></p>
${h2(`Waiting list (${week.waitingList.length})`)}
${waiting(week.waitingList, "No one is on the waiting list.", "On the list since")}
${h2(`Awaiting triage (${week.awaitingTriage.length})`)}
${waiting(week.awaitingTriage, "No referral is awaiting triage.", "Received")}
${h2(`Awaiting a Core Group decision (${week.awaitingDecision.length})`)}
${waiting(week.awaitingDecision, "No referral is awaiting a decision.", "Received")}
${h2(`Decisions last week (${week.decisionsLastWeek.length})`)}
${table(["Case", "Decision", "Decided"], week.decisionsLastWeek.map((d) => [ref(d.caseRef), e(coreGroupOutcomeLabels[d.outcome]), e(shortDate(d.decidedOn))]), "No decisions were recorded last week.")}
${h2("Placements starting and ending this week")}
${table(
  ["Case", "Key stage", "", "Day"],
  [...week.placementsStarting.map((p) => [ref(p.caseRef), e(p.keyStage), "Starts", e(shortDate(p.startDate))]), ...week.placementsEnding.map((p) => [ref(p.caseRef), e(p.keyStage), "Ends", e(shortDate(p.endDate))])],
  "No placement starts or ends this week.",
)}
${h2(`Reviews overdue (${week.reviewsOverdue.length})`)}
${table(["Case", "Review", "Was due", "School days overdue"], week.reviewsOverdue.map((r) => [ref(r.caseRef), String(r.number), e(shortDate(r.due)), String(r.schoolDaysOverdue)]), "No review is overdue.", [1, 3])}
${h2("Schools with no visit this term")}
${table(["School", "Pupils not visited (cases)"], week.schoolsWithNoVisitThisTerm.map((s) => [e(s.school), s.caseRefs.map(ref).join(", ")]), "Every school has visited its placed pupils this term.")}
${h2("Attendance last week, by home school")}
${table(
  ["School", "Pupils", "Possible sessions", "Attended", "Unauthorised", "Attendance"],
  week.attendanceLastWeek.map((a) => [e(a.school), String(a.pupils), String(a.possible), String(a.present), String(a.unauthorised), a.attendancePercent === undefined ? "–" : `${a.attendancePercent}%`]),
  "No sessions were recorded last week.",
  [1, 2, 3, 4, 5],
)}
<p><img src="cid:${ATTENDANCE_CID}" width="640" alt="${e(attendanceAlt(week))}" style="max-width:100%;height:auto"></p>
${h2("Charges to date, by school, against purchase orders")}
${table(
  ["School", "Charged to date", "Purchase order", "PO value", "Used", "Left"],
  week.chargesToDate.flatMap((s) =>
    (s.purchaseOrders.length ? s.purchaseOrders : [undefined]).map((po, i) => [
      i === 0 ? e(s.school) : "",
      i === 0 ? poundsText(s.chargedPence) : "",
      po ? e(po.PurchaseOrderNumber || "(no PO number)") : "–",
      po?.valuePence === undefined ? "not recorded" : poundsText(po.valuePence),
      po ? poundsText(po.usedPence) : "–",
      po?.leftPence === undefined ? "–" : po.leftPence < 0 ? `<strong style="color:#a00">${poundsText(po.leftPence)}</strong>` : poundsText(po.leftPence),
    ]),
  ),
  "No charges yet this year.",
  [1, 3, 4, 5],
)}
<p style="color:#555;font-size:12px">Sent by Inclusion Flow every Monday at 08:00. Case references link to the records (sign-in needed).</p>
</body></html>
`;
  return {
    subject: subjectOf(week),
    html,
    attachments: [
      { name: "places-over-year.png", contentType: "image/png", contentBytes: placesPng, contentId: PLACES_CID, isInline: true },
      { name: "attendance-by-week.png", contentType: "image/png", contentBytes: attendancePng, contentId: ATTENDANCE_CID, isInline: true },
    ],
  };
}

const cell = "border:1px solid #bbb;padding:3px 8px;text-align:left;";

/** The subject: the week only (no case, no pupil). */
export function subjectOf(week: Pick<DirectorsWeek, "thisWeek">): string {
  return `Director's week: w/c ${shortDate(week.thisWeek.first)}`;
}

function weekLabel(day: string): string {
  return shortDate(day).replace(/ \d{4}$/, "");
}

/** Places in use each school week, one line per key stage, with each key stage's aim as a dashed rule. */
export function placesChart(week: DirectorsWeek): ChartSpec {
  const values = week.placesOverYear.flatMap((w) => [
    { week: weekLabel(w.weekOf), keyStage: "KS3", places: w.KS3 },
    { week: weekLabel(w.weekOf), keyStage: "KS4", places: w.KS4 },
  ]);
  const aims = (["KS3", "KS4"] as const).map((ks) => ({ keyStage: ks, aim: week.places[ks].aim }));
  const colour = { field: "keyStage", type: "nominal", title: "Key stage", scale: { domain: ["KS3", "KS4"], range: ["#1d4f91", "#d9822b"] } } as const;
  return {
    title: { text: `Places used each week, ${week.academicYear}`, subtitle: "Dashed lines: the places the partnership aims to offer" },
    width: 560,
    height: 220,
    layer: [
      { data: { values }, mark: { type: "line", point: true }, encoding: { x: { field: "week", type: "ordinal", sort: null, title: "Week beginning", axis: { labelAngle: -45 } }, y: { field: "places", type: "quantitative", title: "Places used", axis: { tickMinStep: 1, format: "d" } }, color: colour } },
      { data: { values: aims }, mark: { type: "rule", strokeDash: [6, 4] }, encoding: { y: { field: "aim", type: "quantitative" }, color: colour } },
    ],
  } as ChartSpec;
}

/** All placed pupils' attendance each school week (weeks with no possible session left out). */
export function attendanceChart(week: DirectorsWeek): ChartSpec {
  const values = week.attendanceByWeek.filter((w) => w.attendancePercent !== undefined).map((w) => ({ week: weekLabel(w.weekOf), attendance: w.attendancePercent }));
  return {
    title: `Placed pupils' attendance by week, ${week.academicYear}`,
    width: 560,
    height: 200,
    data: { values },
    mark: { type: "bar", color: "#1d4f91" },
    encoding: {
      x: { field: "week", type: "ordinal", sort: null, title: "Week beginning", axis: { labelAngle: -45 } },
      y: { field: "attendance", type: "quantitative", title: "Attendance %", scale: { domain: [0, 100] } },
    },
  } as ChartSpec;
}

function placesAlt(week: DirectorsWeek): string {
  const last = week.placesOverYear.at(-1);
  return last ? `Chart: places used each week this year; last week KS3 ${last.KS3} of ${week.places.KS3.aim}, KS4 ${last.KS4} of ${week.places.KS4.aim}.` : "Chart: places used each week this year.";
}

function attendanceAlt(week: DirectorsWeek): string {
  const last = week.attendanceByWeek.filter((w) => w.attendancePercent !== undefined).at(-1);
  return last ? `Chart: placed pupils' attendance by week; the latest week ${last.attendancePercent}%.` : "Chart: placed pupils' attendance by week.";
}
