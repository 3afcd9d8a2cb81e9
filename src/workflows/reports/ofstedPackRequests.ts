import { londonDay } from "../../domain/calendar";
import type { SchoolsRow } from "../../domain/lists";
import { ofstedPack } from "../../domain/reports";
import { sendOnce } from "../../m365/outlook/mailOnce";
import { isReadable, type ListItem, type WatchedColumns } from "../../m365/sharepoint/items";
import { ofstedPackDocx, ofstedPackFileName, ofstedPackSubject } from "../../reports/ofstedPackDocx";
import type { ListChangeHandler } from "../listChanges/processListChanges";
import { confirmSchoolAddressChanges, type SchoolAddressPorts } from "../schools/schoolAddressChanges";
import { ofstedPackCover, ofstedPackNotForYou, ofstedPackOnItsWay } from "../messages/schoolMessages";
import type { ReportPorts } from "./reportPorts";
import { readReportRows, reportMarks } from "./reportRows";

const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** Who asked for a pack, and how: a Coordinator's tick in the Schools list, or the school's SENCO in Teams. */
export interface OfstedPackRequest {
  /** Makes the request's email once: the tick's edit, or the Teams message. */
  key: string;
  by: string;
  via: "sharepoint" | "teams";
}

export interface OfstedPackSent {
  urn: string;
  school: string;
  to: string;
  pupils: number;
  /** False when this request's pack had already been sent (a repeated notification or message). */
  firstTime: boolean;
}

/**
 * Sends a school's Ofsted pack (a Word document) to the school's SENCO address in the Schools list, and nowhere
 * else: only that school's programme-managed pupils are in it (the domain's `ofstedPack` chooses them by the
 * placement's home school), and the subject names the school and the day, never a pupil. Once per request (the
 * effect ledger). Each pupil's audit trail records who asked and where the pack went.
 *
 * @example
 * await sendOfstedPack(ports, "120345", { key: "tick:2026-12-01T10:15:00Z", by: "coordinator@lncip.example", via: "sharepoint" })
 * // { urn: "120345", school: "Oakfield Academy", to: "senco@oakfieldacade.example", pupils: 3, firstTime: true }
 */
export async function sendOfstedPack(ports: ReportPorts, urn: string, request: OfstedPackRequest): Promise<OfstedPackSent> {
  const rows = await readReportRows(ports.lists);
  const school = rows.schools.find((s) => s.Urn === urn);
  if (!school) throw new Error(`School ${urn} is not in the Schools list`);
  if (!school.SencoEmail) throw new Error(`School ${urn} has no SENCO email in the Schools list`);
  const today = londonDay(ports.now());
  const own = rows.placements.filter((p) => (p.SchoolUrn ?? rows.cases.find((c) => c.CaseRef === p.CaseRef)?.SchoolUrn) === urn);
  const from = own.map((p) => p.StartDate).sort()[0] ?? today;
  const ownRefs = new Set(own.map((p) => p.CaseRef));
  const marks = (await reportMarks(ports.lists, from, today)).filter((m) => ownRefs.has(m.CaseRef));
  const pack = ofstedPack({ school, today, cases: rows.cases, placements: rows.placements, reviews: rows.reviews, qualifications: rows.qualifications, marks, visits: rows.visits });
  const docx = await ofstedPackDocx(pack);
  const cover = ofstedPackCover(pack.school.name, pack.pupils.length, ports.partnershipName);
  const firstTime = await sendOnce(ports.ledger, ports.mailer, `mail:ofsted-pack:${urn}:${request.key}`, {
    to: [school.SencoEmail],
    subject: ofstedPackSubject(pack),
    html: cover.html,
    attachments: [{ name: ofstedPackFileName(pack), contentType: DOCX, contentBytes: docx }],
  });
  for (const p of pack.pupils) {
    await ports.audit.append({ caseRef: p.caseRef, key: `ofsted-pack:${urn}:${request.key}`, at: ports.now(), by: request.by, source: request.via, action: "sendOfstedPack", to: school.SencoEmail, detail: `Ofsted pack for ${urn} sent to the school's SENCO` });
  }
  return { urn, school: pack.school.name, to: school.SencoEmail, pupils: pack.pupils.length, firstTime };
}

/**
 * The Schools columns whose change means something: the Ofsted pack's tick, and the role addresses (hashed, so no
 * address is kept in the seen-snapshots), whose change is confirmed to the old and the new address.
 */
export const schoolsWatches: WatchedColumns<SchoolsRow> = {
  ofstedPackRequested: { column: "OfstedPackRequested", as: "boolean" },
  attendanceLeadEmail: { column: "AttendanceLeadEmail", as: "hash" },
  sencoEmail: { column: "SencoEmail", as: "hash" },
  dslEmail: { column: "DslEmail", as: "hash" },
  financeEmail: { column: "FinanceEmail", as: "hash" },
};

/**
 * A Coordinator's tick in the Schools list ("Send Ofsted pack to the SENCO"): the school's pack goes to its SENCO,
 * then the app clears the tick and records when it sent it. Partnership staff are the only people who can edit the
 * Schools list (SharePoint's permissions), and the pack can go only to the school's own SENCO address, so a tick can
 * never send a pupil's record anywhere else. A repeated notification, or a crash between sending and clearing, sends
 * nothing twice: the email is keyed by the tick's own edit. A changed role address is first confirmed to the old and
 * the new address (src/workflows/schools/schoolAddressChanges.ts).
 *
 * @example
 * watchedList(schoolsHandler(ports, rememberWrite, addressPorts)) // the Schools list, watched through this handler
 */
export function schoolsHandler(ports: ReportPorts, rememberWrite: (item: ListItem<SchoolsRow>) => Promise<void>, addresses: SchoolAddressPorts): ListChangeHandler<SchoolsRow> {
  return {
    items: ports.lists.schools,
    watches: schoolsWatches,
    async changed(_before, item) {
      if (!isReadable(item)) return ports.log(`Schools item ${item.id} cannot be read (${item.problems.length} problem(s)); a coordinator must correct it`);
      await confirmSchoolAddressChanges(addresses, item);
      if (item.row.OfstedPackRequested !== true) return;
      const sent = await sendOfstedPack(ports, item.row.Urn, { key: `tick:${item.lastModified ?? item.etag}`, by: item.lastModifiedBy ?? "a coordinator", via: "sharepoint" });
      // Only the app's two columns are written (no ETag): a coordinator's edit to the school meanwhile stands.
      const written = await ports.lists.schools.update(item, { OfstedPackRequested: false, OfstedPackSentAt: ports.now().toISOString() });
      await rememberWrite(written);
      ports.log(`Ofsted pack for school ${sent.urn}: ${sent.pupils} pupil(s), ${sent.firstTime ? "sent" : "already sent"} to the school's SENCO`);
    },
  };
}

/**
 * A SENCO's "Ofsted pack" in Teams: the requester's email (from Teams) must be a SENCO address in the Schools list;
 * each school with that SENCO gets its own pack, by email to that address. Anyone else is told who to ask. Answers
 * what the bot says (no pupil named).
 *
 * @example
 * await ofstedPackForSenco(ports, { email: "senco@oakfieldacade.example", key: "teams:1733140800000" })
 * // "The Ofsted pack for Oakfield Academy is on its way to senco@oakfieldacade.example, the SENCO address the partnership holds for the school."
 */
export async function ofstedPackForSenco(ports: ReportPorts, request: { email: string | undefined; key: string }): Promise<string> {
  const email = request.email?.trim().toLowerCase();
  const schools = email ? (await ports.lists.schools.all()).map((s) => s.row).filter((s) => s.SencoEmail.toLowerCase() === email) : [];
  if (!email || schools.length === 0) {
    ports.log("An Ofsted pack was asked for in Teams by someone who is not a school's SENCO; nothing was sent");
    return ofstedPackNotForYou();
  }
  const sent: OfstedPackSent[] = [];
  for (const s of schools) sent.push(await sendOfstedPack(ports, s.Urn, { key: request.key, by: email, via: "teams" }));
  return ofstedPackOnItsWay(
    sent.map((s) => s.school),
    email,
  );
}
