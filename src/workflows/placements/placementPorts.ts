import type { CaseCommandPort } from "../cases/caseCommand";
import type { CasesRow, MeetingsRow, PlacementsRow, ProvidersRow, ReviewsRow, RowChanges } from "../../domain/lists";
import type { AppState } from "../../m365/tables/appState";
import type { PartnershipCalendar, SchoolCalendar } from "../../domain/calendar";
import { weeklyPatternSchema, type WeeklyPattern } from "../../domain/placement";
import { isReadable, titleIs, type ItemRead, type ListItem, type ListItems, type RowQuery } from "../../m365/sharepoint/items";
import { odataString } from "../../m365/odata";
import type { Mailer } from "../../m365/outlook/mail";
import type { OutlookCalendar } from "../../m365/outlook/calendar";
import type { EffectLedger } from "../../m365/tables/effectLedger";
import type { Settings } from "../../settings/settings";
import type { SchoolDirectory } from "../schools/schoolDirectory";
import { findCaseItem } from "../cases/findCase";
import { sendMailOnce } from "../../m365/outlook/mailOnce";
import type { Message } from "../messages/message";
import type { DegradedPorts } from "../operations/degradedParts";

/**
 * What placements, reviews, meetings and reminders need: the lists, the partnership mailbox's calendar and mail,
 * the effect ledger, the clock, and a way to put a command to a case through the state machine.
 */
export interface PlacementPorts {
  settings: Pick<
    Settings,
    | "PARTNERSHIP_CODE" | "PARTNERSHIP_NAME" | "COORDINATOR_EMAIL" | "chargeRates" | "placesPerKeyStage"
    | "REVIEW_CADENCE_SCHOOL_WEEKS" | "REVIEW_LOCAL_TIME" | "CORE_GROUP_AGENDA_SIZE" | "PLACEMENT_START_SCHOOL_DAYS" | "DEFAULT_ATTENDANCE_BASIS"
    | "PLACEMENT_PATTERNS" | "PO_REMINDER_SCHOOL_DAYS" | "DECISION_PENDING_DAYS" | "INCLUSION_FORUM_MEMBERS" | "IF_AGENDA_SCHOOL_DAYS_BEFORE"
  >;
  cases: ListItems<CasesRow>;
  placements: ListItems<PlacementsRow>;
  reviews: ListItems<ReviewsRow>;
  meetings: ListItems<MeetingsRow>;
  /** The partnership's alternative providers: who new placements' AP days go to, and the checks due at each. */
  providers: ListItems<ProvidersRow>;
  /** The app's own state: each placement's last accepted weekly pattern (what a refused edit is put back to). */
  state: AppState;
  schools: SchoolDirectory;
  mailer: Mailer;
  calendar: OutlookCalendar;
  /** The term dates the centre follows (the partnership's shipped calendar, PARTNERSHIP_CALENDAR). */
  partnershipCalendar: { source: PartnershipCalendar; calendar: SchoolCalendar };
  ledger: EffectLedger;
  /** The one way to change a case (through the state machine). */
  caseCommand: CaseCommandPort;
  /**
   * Records a placement the app itself has just written, so its change notification is not taken for a
   * coordinator's edit (see `rememberWrite` in src/workflows/listChanges). Optional: without it the Placements
   * handler looks at the app's own placements too, and finds nothing to do.
   */
  rememberWrite?(item: ListItem<PlacementsRow>): Promise<void>;
  now(): Date;
  log(message: string): void;
  /**
   * Where reviews and invitations waiting for Teams are kept and the Coordinator told (src/workflows/meetings/
   * awaitingTeams.ts). Without it, an event made without its Teams meeting fails the effect, as an error.
   */
  degraded?: DegradedPorts | undefined;
}


/**
 * A case read from the Cases list, typed; undefined when missing or unreadable.
 *
 * @example
 * (await readCase(ports, "LNCIP-2026-0042"))?.row.KeyStage // "KS3"
 */
export async function readCase(ports: Pick<PlacementPorts, "cases">, caseRef: string): Promise<{ item: ListItem<CasesRow>; row: CasesRow } | undefined> {
  const item = await findCaseItem(ports.cases, caseRef);
  return item && isReadable(item) ? { item, row: item.row } : undefined;
}

/** A Placements item, typed, with its pattern parsed. */
export interface PlacementRecord {
  item: ListItem<PlacementsRow>;
  row: PlacementsRow;
  pattern: WeeklyPattern | undefined;
}

/**
 * A Placements item with its weekly pattern read (undefined when the pattern a person typed is not one).
 *
 * @example
 * placementRecord(item).pattern?.monday.location // "centre"
 */
export function placementRecord(item: ListItem<PlacementsRow>): PlacementRecord {
  let pattern: WeeklyPattern | undefined;
  try {
    const p = weeklyPatternSchema.safeParse(JSON.parse(item.row.Pattern));
    pattern = p.success ? p.data : undefined;
  } catch {
    pattern = undefined;
  }
  return { item, row: item.row, pattern };
}

/**
 * A case's placements, newest first (a case placed, ended, reopened and placed again has two).
 *
 * @example
 * (await placementsOf(ports, "LNCIP-2026-0042"))[0]?.row.PlacementStatus // "active"
 */
export async function placementsOf(ports: Pick<PlacementPorts, "placements">, caseRef: string): Promise<PlacementRecord[]> {
  const items = await ports.placements.all({ filter: titleIs(caseRef) });
  return newestFirst(items.map(placementRecord));
}

/** Placements newest first (SharePoint's item ids only grow). */
function newestFirst(records: PlacementRecord[]): PlacementRecord[] {
  return records.sort((a, b) => Number(b.item.id) - Number(a.item.id) || b.item.id.localeCompare(a.item.id));
}

/** The placements that have not ended: one query, kept for the invocation (see `keep` in src/m365/sharepoint/items.ts). */
const notEnded: RowQuery = { filter: `fields/PlacementStatus ne ${odataString("Ended")}`, keep: true };

/**
 * Every placement that has not ended, readable or not (an unreadable one may still hold a place), read once per
 * invocation: the places counted, the placements running at each provider and a case's open placement all come from
 * this one query. The invocation's own write to the Placements list (or a delta round that finds it changed) makes the
 * next call read it again, so a check made after the invocation set up a placement sees it, and every placement set
 * up before it.
 *
 * @example
 * (await openPlacements(ports)).length // 12
 */
export function openPlacements(ports: Pick<PlacementPorts, "placements">): Promise<ItemRead<PlacementsRow>[]> {
  return ports.placements.readAll(notEnded);
}

/**
 * The case's placement that has not ended, if any (from the invocation's read of the placements not ended).
 *
 * @example
 * (await openPlacementOf(ports, "LNCIP-2026-0042"))?.row.StartDate // "2026-11-30"
 */
export async function openPlacementOf(ports: Pick<PlacementPorts, "placements">, caseRef: string): Promise<PlacementRecord | undefined> {
  const theCase = (await openPlacements(ports)).filter((i): i is ListItem<PlacementsRow> => isReadable(i) && i.row.CaseRef === caseRef);
  return newestFirst(theCase.map(placementRecord)).find((p) => p.row.PlacementStatus !== "ended");
}

/**
 * The case's placement that has not ended, read from the list as it is now (never the invocation's earlier read): what
 * an effect's witness asks after a crash.
 *
 * @example
 * (await openPlacementNow(ports, "LNCIP-2026-0042"))?.item.id // "41"
 */
export async function openPlacementNow(ports: Pick<PlacementPorts, "placements">, caseRef: string): Promise<PlacementRecord | undefined> {
  return (await placementsOf(ports, caseRef)).find((p) => p.row.PlacementStatus !== "ended");
}

/**
 * Writes some of a placement's columns (coded values as the list shows them; null clears a column).
 *
 * @example
 * await updatePlacement(ports, record, { PlacementStatus: "active" }) // the item's Status becomes "Active"
 */
export async function updatePlacement(ports: Pick<PlacementPorts, "placements">, record: PlacementRecord, changes: RowChanges<PlacementsRow>): Promise<void> {
  await ports.placements.update(record.item, changes);
}

/**
 * Sends an email once under its key (the ledger), to the distinct addresses given; true the first time.
 *
 * @example
 * await mailOnce(ports, "remind:po:LNCIP-2026-0042:2026-11-25", [finance, referrer], purchaseOrderStillNeeded("LNCIP-2026-0042")) // true; again → false
 */
export async function mailOnce(ports: Pick<PlacementPorts, "ledger" | "mailer">, key: string, to: readonly (string | undefined)[], message: Message): Promise<boolean> {
  return sendMailOnce(ports.ledger, ports.mailer, key, to.map((x) => x?.toLowerCase()), message.subject, message.html);
}
