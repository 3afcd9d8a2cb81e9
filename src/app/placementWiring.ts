import type { AppPorts } from "./composition";
import type { CaseCommand } from "../domain/case";
import type { CaseCommandResult } from "../workflows/cases/casesHandler";
import { listItems } from "../m365/sharepoint/items";
import { outlookCalendar } from "../m365/outlook/calendar";
import type { PlacementPorts } from "../workflows/placements/placementPorts";

/**
 * The ports of placements, reviews, meetings and reminders, from the app's ports: the lists, the partnership
 * mailbox's calendar, and `caseCommand` (the app's `caseCommands`) to move a case through the state machine.
 *
 * @example
 * const ports = placementPorts(app, log, caseCommands(app, log));
 * await syncReviews(ports, "LNCIP-2026-0042")
 */
export function placementPorts(ports: AppPorts, log: (m: string) => void, caseCommand: (caseRef: string, command: CaseCommand) => Promise<CaseCommandResult>): PlacementPorts {
  return {
    settings: ports.settings,
    cases: ports.cases,
    placements: listItems(ports.list("Placements")),
    reviews: listItems(ports.list("Reviews")),
    meetings: listItems(ports.list("Meetings")),
    schools: ports.schools,
    mailer: ports.mailer,
    calendar: outlookCalendar(ports.graph, ports.settings.PARTNERSHIP_MAILBOX),
    ledger: ports.ledger,
    caseCommand,
    now: ports.now,
    log,
  };
}
