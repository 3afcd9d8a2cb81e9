import type { CaseCommand } from "../../domain/case";
import { applyCaseCommand, type CaseCommandResult, type CasesHandlerPorts } from "./casesHandler";
import { findCaseItem } from "./findCase";

/**
 * The one way to change a case from outside the Cases list — a decision recorded in Teams, a placement starting or
 * ending, a review's outcome, a place offered — by its case reference, through the state machine exactly as a
 * coordinator's edit goes (see `applyCaseCommand`); with `{ effects: "later" }`, answered once committed, its
 * effects queued.
 */
export type CaseCommandPort = (caseRef: string, command: CaseCommand, options?: { effects?: "now" | "later" }) => Promise<CaseCommandResult>;

export type { CaseCommand, CaseCommandResult };

/**
 * The case-command port over the Cases list's ports.
 *
 * @example
 * const caseCommand = caseCommandPort(casesPorts);
 * await caseCommand("LNCIP-2026-0042", { kind: "startPlacement", by: "system", at: now.toISOString() }) // { ok: true, changed: true, … }
 */
export function caseCommandPort(ports: CasesHandlerPorts): CaseCommandPort {
  return async (caseRef, command, options) => {
    const item = await findCaseItem(ports.cases, caseRef);
    if (!item) return { ok: false, code: "notFound", message: `There is no case ${caseRef} in the Cases list.` };
    return applyCaseCommand(ports, item.id, command, options);
  };
}
