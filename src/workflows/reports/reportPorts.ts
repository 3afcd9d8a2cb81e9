import type { SchoolCalendar } from "../../domain/calendar";
import type { AttendanceRow, CasesRow, DecisionsRow, PlacementsRow, QualificationsRow, ReviewsRow, SchoolsRow, VisitsRow } from "../../domain/lists";
import type { KeyStage } from "../../domain/referral/keyStage";
import type { PurchaseOrder } from "../../domain/reports";
import type { Mailer } from "../../m365/outlook/mail";
import type { DocumentLibrary } from "../../m365/sharepoint/documentLibrary";
import type { ListItems } from "../../m365/sharepoint/items";
import type { AppState } from "../../m365/tables/appState";
import type { AuditTrail } from "../../m365/tables/auditTrail";
import type { EffectLedger } from "../../m365/tables/effectLedger";
import type { ChargeLinesFor } from "./charges";

/** The lists the reports read, each typed (src/domain/lists). */
export interface ReportLists {
  cases: ListItems<CasesRow>;
  schools: ListItems<SchoolsRow>;
  decisions: ListItems<DecisionsRow>;
  placements: ListItems<PlacementsRow>;
  reviews: ListItems<ReviewsRow>;
  attendance: ListItems<AttendanceRow>;
  qualifications: ListItems<QualificationsRow>;
  visits: ListItems<VisitsRow>;
}

/**
 * What the report workflows need: the lists, the partnership's calendar and numbers, who is told, the mailbox that
 * sends, the Reports library, the ledger (each email once) and the app's state (each round remembered once done).
 */
export interface ReportPorts {
  lists: ReportLists;
  /** The partnership's term dates (the centre's calendar): terms, school days, the academic year. */
  calendar: SchoolCalendar;
  /** The places the partnership aims to offer per key stage (PLACES_KS3, PLACES_KS4). */
  places: Record<KeyStage, number>;
  /** A full-time place's yearly cost per key stage, in pence. */
  ratePencePerYear: Record<KeyStage, number>;
  /** Where the charge lines come from: one function, so the charging rules can be swapped (see charges.ts). */
  chargeLines: ChargeLinesFor;
  /** Each school's purchase orders with their values, when the app keeps them (none yet: "not recorded"). */
  purchaseOrders(): Promise<PurchaseOrder[]>;
  partnershipName: string;
  directorEmail: string;
  /** REPORTS_TIME: the UK time the reports go out (the Director's week on Mondays, statements, the summary). */
  time: string;
  /** The address of a case's item in SharePoint, for links in the Director's email (a sign-in is needed). */
  caseUrl(itemId: string): Promise<string>;
  mailer: Mailer;
  ledger: EffectLedger;
  state: AppState;
  audit: AuditTrail;
  library: DocumentLibrary;
  now(): Date;
  log(message: string): void;
}
