import type { AppPorts } from "./composition";
import type { CaseCommand } from "../domain/case";
import { casesList, fromListFields } from "../domain/lists";
import { schoolCalendarFor, shippedCalendars } from "../domain/calendar";
import { listItems } from "../m365/sharepoint/items";
import type { TeamsChannel } from "../teams/teamsChannel";
import type { CaseCommandResult } from "../workflows/cases/casesHandler";
import type { CoreGroupCardEffects } from "../workflows/cases/caseEffects";
import { postCoreGroupCard, refreshCoreGroupCard, type CoreGroupPorts } from "../workflows/coreGroup";

/**
 * The Core Group card workflows' ports, from the app's ports and the bot's Teams channel. `applyCommand` is passed
 * in (it is `caseCommands`, whose effects in turn post and refresh cards).
 *
 * @example
 * const cg = coreGroupPortsFrom(appPorts(settings), teams, caseCommands(ports, log, () => teams), log)
 */
export function coreGroupPortsFrom(
  ports: AppPorts,
  teams: TeamsChannel,
  applyCommand: (caseRef: string, command: CaseCommand) => Promise<CaseCommandResult>,
  log: (m: string) => void,
): CoreGroupPorts {
  const placements = listItems(ports.list("Placements"));
  const [host, sitePath] = ports.settings.SHAREPOINT_SITE.split(":");
  const calendar = shippedCalendars[ports.settings.PARTNERSHIP_CALENDAR];
  if (!calendar) throw new Error(`PARTNERSHIP_CALENDAR "${ports.settings.PARTNERSHIP_CALENDAR}" is not a shipped calendar (${Object.keys(shippedCalendars).join(", ")}).`);
  return {
    cases: ports.cases,
    meetings: listItems(ports.list("Meetings")),
    panel: listItems(ports.list("CoreGroupPanel")),
    decisions: listItems(ports.list("Decisions")),
    schools: ports.schools,
    state: ports.state,
    ledger: ports.ledger,
    teams,
    applyCommand,
    async capacity(keyStage) {
      let active = 0;
      for (const p of await placements.all({ filter: "fields/PlacementStatus ne 'Ended'" })) if (p.fields.KeyStage === keyStage) active++;
      let waitingList = 0;
      for (const item of await ports.cases.all({ filter: `fields/KeyStage eq '${keyStage}'` })) {
        const parsed = fromListFields(casesList, item.fields);
        if (parsed.ok && parsed.row.WorkflowStatus === "waitingList") waitingList++;
      }
      return { placesLeft: ports.settings.placesPerKeyStage[keyStage] - active, waitingList };
    },
    quorumSchools: ports.settings.CORE_GROUP_QUORUM,
    defaultChairId: ports.settings.CORE_GROUP_CHAIR,
    calendar: schoolCalendarFor(calendar),
    // The site's webUrl as Graph gives it (where its pages are: the tenant's SharePoint, or the local sandbox's).
    caseUrl: async (itemId) => `${await ports.site.webUrl().catch(() => `https://${host}${sitePath}`)}/Lists/Cases/DispForm.aspx?ID=${encodeURIComponent(itemId)}`,
    now: ports.now,
    log,
  };
}

/**
 * The `postCoreGroupCard` / `updateCoreGroupCard` effects carried out through the Teams channel, when the bot
 * provides one; undefined (effects stay pending) when it does not.
 */
export function coreGroupCardEffects(
  ports: AppPorts,
  teams: (() => TeamsChannel | undefined) | undefined,
  applyCommand: (caseRef: string, command: CaseCommand) => Promise<CaseCommandResult>,
  log: (m: string) => void,
): CoreGroupCardEffects | undefined {
  const channel = teams?.();
  if (!channel) return undefined;
  const cg = coreGroupPortsFrom(ports, channel, applyCommand, log);
  return {
    post: async (caseRef, postingKey) => void (await postCoreGroupCard(cg, caseRef, postingKey)),
    refresh: (caseRef) => refreshCoreGroupCard(cg, caseRef),
  };
}
