import { academicYearOf, type Day } from "../../domain/calendar";
import { placementCharge, poundsAsPence, renewalDueOn } from "../../domain/charges";
import { purchaseOrderGapFound, purchaseOrderRenewalNeeded } from "../messages/schoolMessages";
import { mailOnce, readCase, updatePlacement, type PlacementPorts, type PlacementRecord } from "./placementPorts";
import { purchaseOrderGapOf, startPlacement } from "./placementLifecycle";

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
 * Brings each running placement's charge to date, once a day, as the offer charges it (`placementCharge`): for each
 * school day off site so far, the key stage's average pupil cost pro rata, the pupil premium when the pupil is
 * eligible, and the SEND top-up on the case's PO. Returns how many it updated.
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
    const found = await readCase(ports, row.CaseRef);
    if (!found) continue; // its case cannot be read: charged when a coordinator has corrected it
    const sendTopUp = poundsAsPence(found.row.PoSendTopUp);
    const charge =
      today < row.StartDate
        ? { totalPence: 0 }
        : placementCharge(
            calendar,
            { pattern: record.pattern, keyStage: row.KeyStage, placementStart: row.StartDate, placementEnd: row.EndDate, periodStart: row.StartDate, periodEnd: today, pupilPremium: found.row.PupilPremium === true, sendTopUpPencePerYear: sendTopUp },
            ports.settings.chargeRates,
          );
    await updatePlacement(ports, record, { ChargeToDatePence: charge.totalPence, ChargeUpdatedOn: today });
    updated++;
  }
  return updated;
}

/**
 * No PO, no placement, for each running placement: three weeks before its case's purchase order ends (or on the last
 * school day before that, when it falls in a holiday), the school's finance contact is asked for a new one (once per
 * PO and end date); and on a day the PO does not cover — a new academic
 * year needs a new PO before the placement continues — the finance contact and the Coordinator are told (once per
 * academic year and PO). Returns how many emails went.
 *
 * @example
 * await chasePurchaseOrders(ports, openPlacements, "2027-08-10") // 1: PO-88812 ends on 31 August and the placement runs on
 */
export async function chasePurchaseOrders(ports: PlacementPorts, placements: readonly PlacementRecord[], today: Day): Promise<number> {
  let sent = 0;
  for (const { row } of placements) {
    if (row.PlacementStatus !== "active") continue;
    const found = await readCase(ports, row.CaseRef);
    const c = found?.row;
    if (!c?.PurchaseOrderNumber) continue;
    const school = c.SchoolUrn ? await ports.schools.byUrn(c.SchoolUrn) : undefined;
    if (c.PoValidTo && renewalDueOn(ports.partnershipCalendar.calendar, { purchaseOrderTo: c.PoValidTo, placementEnd: row.EndDate, today })) {
      if (await mailOnce(ports, `mail:poRenewal:${row.CaseRef}:${c.PurchaseOrderNumber}:${c.PoValidTo}`, [school?.FinanceEmail], purchaseOrderRenewalNeeded(row.CaseRef, c.PurchaseOrderNumber, c.PoValidTo))) sent++;
    }
    const gap = purchaseOrderGapOf(c, today);
    if (gap && !(row.EndDate !== undefined && row.EndDate < today)) {
      if (await mailOnce(ports, `mail:poGap:${row.CaseRef}:${c.PurchaseOrderNumber}:${academicYearOf(today)}`, [school?.FinanceEmail, ports.settings.COORDINATOR_EMAIL], purchaseOrderGapFound(row.CaseRef, gap))) sent++;
    }
  }
  return sent;
}
