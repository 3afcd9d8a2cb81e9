import type { AppPorts } from "./composition";
import { casesList } from "../domain/lists";
import { adoptWrittenStashes, applyCaseCommand, carryOutStashed, casesHandler, casesSnapshot, type CaseCommandResult, type CasesHandlerPorts } from "../workflows/cases/casesHandler";
import type { CaseCommand } from "../domain/case";
import { findCaseItem } from "../workflows/cases/findCase";
import { carryOutCaseEffects, tellCoordinatorRefused, type CaseEffectPorts } from "../workflows/cases/caseEffects";
import { rememberWrite, seenScope, type ListChangeHandler } from "../workflows/listChanges/processListChanges";
import type { WatchedList } from "../workflows/listChanges/ensureSubscriptions";
import { listItems } from "../m365/sharepoint/items";
import type { ListItem } from "../m365/sharepoint/items";
import type { TeamsChannel } from "../teams/teamsChannel";
import { coreGroupCardEffects } from "./coreGroupPorts";
import { attendanceHandler } from "../workflows/attendance/attendanceHandler";
import { placementPorts } from "./placementWiring";
import { placementEffects } from "../workflows/placements/placementEffects";
import { placementsHandler } from "../workflows/placements/placementsHandler";
import { reviewsHandler } from "../workflows/reviews/reviewOutcomes";

/** The bot's Teams channel, when there is one (the Core Group cards are posted and refreshed through it). */
export type TeamsChannelSource = () => TeamsChannel | undefined;

/** The lists the app watches for changes (each needs a subscription). */
export const WATCHED_LISTS = ["Cases", "Placements", "Reviews", "Attendance"] as const;

export function watchedLists(ports: AppPorts): WatchedList[] {
  return WATCHED_LISTS.map((name) => ({ name, resource: async () => (await ports.list(name).path()).replace(/^\//, "") }));
}

/** Remembers what the app wrote to a case item, so its own write is not taken for a coordinator's edit. */
export function rememberCaseWrite(ports: AppPorts): (item: ListItem) => Promise<void> {
  return async (item) => {
    await ports.state.put(seenScope(casesList.name), item.id, casesSnapshot(item));
  };
}

/** What carrying out a case's effects needs, from the app's ports. */
function caseEffectPorts(ports: AppPorts, log: (m: string) => void, teams?: TeamsChannelSource): CaseEffectPorts {
  return {
    ledger: ports.ledger,
    audit: ports.audit,
    mailer: ports.mailer,
    schools: ports.schools,
    decisions: listItems(ports.list("Decisions")),
    state: ports.state,
    sencoEmail: ports.settings.PARTNERSHIP_SENCO_EMAIL,
    coordinatorEmail: ports.settings.COORDINATOR_EMAIL,
    log,
    coreGroupCards: coreGroupCardEffects(ports, teams, (caseRef, command) => caseCommands(ports, log, teams)(caseRef, command), log),
    placementWork: placementEffects(placementPorts(ports, log, (caseRef, command) => caseCommands(ports, log, teams)(caseRef, command))),
  };
}

/** The Cases list's ports: capacity from the Placements list, effects carried out once, edits remembered. */
function casesHandlerPorts(ports: AppPorts, log: (m: string) => void, teams?: TeamsChannelSource): CasesHandlerPorts {
  const effectPorts = caseEffectPorts(ports, log, teams);
  const placements = listItems(ports.list("Placements"));
  return {
    cases: ports.cases,
    state: ports.state,
    capacity: async (caseRef, command) => {
      const active = { KS3: 0, KS4: 0 };
      for (const p of await placements.all({ filter: "fields/PlacementStatus ne 'Ended'" })) {
        if (caseRef && p.fields.Title === caseRef) continue; // "not counting this case": its own placement is not a rival
        if (command === "startPlacement" && p.fields.PlacementStatus !== "Active") continue; // a start needs a place no started placement holds
        if (p.fields.KeyStage === "KS3" || p.fields.KeyStage === "KS4") active[p.fields.KeyStage]++;
      }
      return { places: ports.settings.placesPerKeyStage, activePlacements: active };
    },
    carryOut: (effects, row) => carryOutCaseEffects(effectPorts, effects, row),
    refused: (row, message, editKey) => tellCoordinatorRefused(effectPorts, row, message, `mail:refused:${row.CaseRef}:${editKey}`),
    rememberWrite: rememberCaseWrite(ports),
    log,
  };
}

/**
 * Applies a command from outside the Cases list (a Teams decision, a placement starting, a review outcome) to the
 * case with this reference, as a coordinator's edit would be: see `applyCaseCommand`.
 *
 * @example
 * await caseCommands(ports, log)("LNCIP-2026-0042", { kind: "startPlacement", by: "system", at: now.toISOString() })
 */
export function caseCommands(ports: AppPorts, log: (m: string) => void, teams?: TeamsChannelSource): (caseRef: string, command: CaseCommand) => Promise<CaseCommandResult> {
  const handlerPorts = casesHandlerPorts(ports, log, teams);
  return async (caseRef, command) => {
    const item = await findCaseItem(ports.cases, caseRef);
    if (!item) return { ok: false, code: "notFound", message: `There is no case ${caseRef} in the Cases list.` };
    return applyCaseCommand(handlerPorts, item.id, command);
  };
}

/**
 * The handler for each watched list. Cases drive the state machine now; Placements, Reviews and Attendance are
 * watched (their subscriptions and delta links are kept) and get handlers with the placement and attendance work.
 */
export function listChangeHandlers(ports: AppPorts, log: (m: string) => void, teams?: TeamsChannelSource): Map<string, ListChangeHandler> {
  const cases = casesHandler(casesHandlerPorts(ports, log, teams));
  return new Map<string, ListChangeHandler>([
    ["Cases", cases],
    ["Placements", placementsHandler(placementPorts(ports, log, caseCommands(ports, log, teams)))],
    ["Reviews", reviewsHandler(placementPorts(ports, log, caseCommands(ports, log, teams)))],
    ["Attendance", attendanceHandler({ attendance: listItems(ports.list("Attendance")), audit: ports.audit, log })],
  ]);
}

export { rememberWrite };

/** The backstop: carries out case effects a failed round left stashed (run by the upkeep timer). */
export async function carryOutLeftoverCaseEffects(ports: AppPorts, log: (m: string) => void, teams?: TeamsChannelSource): Promise<number> {
  const effectPorts = caseEffectPorts(ports, log, teams);
  await adoptWrittenStashes({ state: ports.state, cases: ports.cases });
  return carryOutStashed({ state: ports.state, carryOut: (effects, row) => carryOutCaseEffects(effectPorts, effects, row) });
}
