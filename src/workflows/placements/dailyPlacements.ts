import type { Day } from "../../domain/calendar";
import { chargeToDate } from "../../domain/placement";
import { updatePlacement, type PlacementPorts, type PlacementRecord } from "./placementPorts";
import { startPlacement } from "./placementLifecycle";

/**
 * Starts the placements whose start date has come (the case goes "In placement", its reviews go into Outlook).
 * Returns how many started.
 *
 * @example
 * await startDuePlacements(ports, openPlacements, "2026-11-30") // 1
 */
export async function startDuePlacements(ports: PlacementPorts, placements: readonly PlacementRecord[], today: Day): Promise<number> {
  let started = 0;
  for (const record of placements) {
    if (record.row.PlacementStatus === "settingUp" && record.row.StartDate <= today && (await startPlacement(ports, record)) === "started") started++;
  }
  return started;
}

/**
 * Brings each running placement's charge to date (pro rata, ChargeToDatePence), once a day. Returns how many it
 * updated.
 *
 * @example
 * await keepChargesToDate(ports, openPlacements, "2026-12-02") // 3
 */
export async function keepChargesToDate(ports: PlacementPorts, placements: readonly PlacementRecord[], today: Day): Promise<number> {
  const { calendar } = ports.partnershipCalendar;
  let updated = 0;
  for (const record of placements) {
    const row = record.row;
    if (row.PlacementStatus !== "active" || !record.pattern || row.ChargeUpdatedOn === today) continue;
    const charge = chargeToDate(calendar, { ratePencePerYear: ports.settings.placeRatePencePerYear[row.KeyStage], startDate: row.StartDate, endDate: row.EndDate, pattern: record.pattern, today });
    await updatePlacement(ports, record, { ChargeToDatePence: charge.pence, ChargeUpdatedOn: today });
    updated++;
  }
  return updated;
}
