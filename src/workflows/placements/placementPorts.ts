import type { CaseCommandResult } from "../cases/casesHandler";
import type { CaseCommand } from "../../domain/case";
import { casesList, fromListFields, placementsList, toListFields, type CasesRow, type PlacementsRow } from "../../domain/lists";
import { schoolCalendarFor, shippedCalendars, type PartnershipCalendar, type SchoolCalendar } from "../../domain/calendar";
import { weeklyPatternSchema, type WeeklyPattern } from "../../domain/placement";
import type { ListItem, ListItems } from "../../m365/sharepoint/items";
import type { Mailer } from "../../m365/outlook/mail";
import type { OutlookCalendar } from "../../m365/outlook/calendar";
import type { EffectLedger } from "../../m365/tables/effectLedger";
import type { Settings } from "../../settings/settings";
import type { SchoolDirectory } from "../schools/schoolDirectory";
import { findCaseItem } from "../cases/findCase";
import { sendMailOnce } from "../../m365/outlook/mailOnce";

/**
 * What placements, reviews, meetings and reminders need: the lists, the partnership mailbox's calendar and mail,
 * the effect ledger, the clock, and a way to put a command to a case through the state machine.
 */
export interface PlacementPorts {
  settings: Pick<
    Settings,
    | "PARTNERSHIP_CODE" | "PARTNERSHIP_NAME" | "PARTNERSHIP_CALENDAR" | "COORDINATOR_EMAIL" | "placeRatePencePerYear" | "placesPerKeyStage"
    | "REVIEW_CADENCE_SCHOOL_WEEKS" | "REVIEW_LOCAL_TIME" | "CORE_GROUP_AGENDA_SIZE" | "PLACEMENT_START_SCHOOL_DAYS" | "DEFAULT_ATTENDANCE_BASIS"
    | "AP_PROVIDER_NAME" | "AP_PROVIDER_REGISTERED" | "PO_REMINDER_SCHOOL_DAYS" | "DECISION_PENDING_DAYS" | "INCLUSION_FORUM_MEMBERS" | "IF_AGENDA_SCHOOL_DAYS_BEFORE"
  >;
  cases: ListItems;
  placements: ListItems;
  reviews: ListItems;
  meetings: ListItems;
  schools: SchoolDirectory;
  mailer: Mailer;
  calendar: OutlookCalendar;
  ledger: EffectLedger;
  /** Applies a command to the case with this reference, through the state machine (see `caseCommands`). */
  caseCommand(caseRef: string, command: CaseCommand): Promise<CaseCommandResult>;
  now(): Date;
  log(message: string): void;
}

export type { CaseCommand, CaseCommandResult };

/**
 * The partnership's calendar (term dates the centre follows).
 *
 * @example
 * isSchoolDay(partnershipCalendar(ports).calendar, "2026-12-25") // false
 */
export function partnershipCalendar(ports: Pick<PlacementPorts, "settings">): { source: PartnershipCalendar; calendar: SchoolCalendar } {
  const source = shippedCalendars[ports.settings.PARTNERSHIP_CALENDAR];
  if (!source) throw new Error(`PARTNERSHIP_CALENDAR "${ports.settings.PARTNERSHIP_CALENDAR}" is not a calendar the app knows (${Object.keys(shippedCalendars).join(", ")}).`);
  return { source, calendar: schoolCalendarFor(source) };
}

/**
 * A case read from the Cases list, typed; undefined when missing or unreadable.
 *
 * @example
 * (await readCase(ports, "LNCIP-2026-0042"))?.row.KeyStage // "KS3"
 */
export async function readCase(ports: Pick<PlacementPorts, "cases">, caseRef: string): Promise<{ item: ListItem; row: CasesRow & Record<string, unknown> } | undefined> {
  const item = await findCaseItem(ports.cases, caseRef);
  if (!item) return undefined;
  const parsed = fromListFields(casesList, item.fields);
  return parsed.ok ? { item, row: parsed.row as CasesRow & Record<string, unknown> } : undefined;
}

/** A Placements item, typed, with its pattern parsed. */
export interface PlacementRecord {
  item: ListItem;
  row: PlacementsRow;
  pattern: WeeklyPattern | undefined;
}

/**
 * Reads a Placements item; undefined when a person has edited it into something unreadable (logged).
 *
 * @example
 * placementRecord(item)?.pattern?.monday.location // "centre"
 */
export function placementRecord(item: ListItem, log?: (m: string) => void): PlacementRecord | undefined {
  const parsed = fromListFields(placementsList, item.fields);
  if (!parsed.ok) {
    log?.(`Placement item ${item.id} cannot be read (${parsed.problems.join("; ")}); a coordinator must correct it`);
    return undefined;
  }
  let pattern: WeeklyPattern | undefined;
  try {
    const p = weeklyPatternSchema.safeParse(JSON.parse(parsed.row.Pattern));
    pattern = p.success ? p.data : undefined;
  } catch {
    pattern = undefined;
  }
  return { item, row: parsed.row, pattern };
}

/**
 * A case's placements, newest first (a case placed, ended, reopened and placed again has two).
 *
 * @example
 * (await placementsOf(ports, "LNCIP-2026-0042"))[0]?.row.PlacementStatus // "active"
 */
export async function placementsOf(ports: Pick<PlacementPorts, "placements" | "log">, caseRef: string): Promise<PlacementRecord[]> {
  const items = await ports.placements.all({ filter: `fields/Title eq '${caseRef.replace(/'/g, "''")}'` });
  return items
    .map((i) => placementRecord(i, ports.log))
    .filter((p): p is PlacementRecord => !!p)
    .sort((a, b) => Number(b.item.id) - Number(a.item.id) || b.item.id.localeCompare(a.item.id));
}

/**
 * The case's placement that has not ended, if any.
 *
 * @example
 * (await openPlacementOf(ports, "LNCIP-2026-0042"))?.row.StartDate // "2026-11-30"
 */
export async function openPlacementOf(ports: Pick<PlacementPorts, "placements" | "log">, caseRef: string): Promise<PlacementRecord | undefined> {
  return (await placementsOf(ports, caseRef)).find((p) => p.row.PlacementStatus !== "ended");
}

/**
 * Writes some of a placement's columns (coded values as the list shows them; undefined clears a column).
 *
 * @example
 * await updatePlacement(ports, record, { PlacementStatus: "active" }) // the item's Status becomes "Active"
 */
export async function updatePlacement(ports: Pick<PlacementPorts, "placements">, record: PlacementRecord, changes: Partial<PlacementsRow>): Promise<void> {
  const fields = toListFields(placementsList, { ...record.row, ...changes });
  const changed = Object.fromEntries(Object.keys(changes).map((k) => [k === "CaseRef" ? "Title" : k, fields[k === "CaseRef" ? "Title" : k] ?? null]));
  await ports.placements.update(record.item.id, changed);
}

/**
 * Sends an email once under its key (the ledger), to the distinct addresses given; true the first time.
 *
 * @example
 * await mailOnce(ports, "remind:po:LNCIP-2026-0042:2026-11-25", [finance, referrer], "LNCIP-2026-0042: purchase order still needed", html) // true; again → false
 */
export async function mailOnce(ports: Pick<PlacementPorts, "ledger" | "mailer">, key: string, to: readonly (string | undefined)[], subject: string, html: string): Promise<boolean> {
  return sendMailOnce(ports.ledger, ports.mailer, key, to.map((x) => x?.toLowerCase()), subject, html);
}
