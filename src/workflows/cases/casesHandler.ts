import { caseStateColumns, caseStateFromRow, commandForStatusChange, decide, type CaseCommand, type CaseContext, type CaseEffect, type CaseRuleViolation, type CaseState } from "../../domain/case";
import type { CasesRow, RowChanges } from "../../domain/lists";
import { isReadable, type ItemRead, type ListItem, type ListItems, type WatchedColumns } from "../../m365/sharepoint/items";
import { ItemChangedError } from "../../m365/sharepoint/graphErrors";
import { EffectInProgressError } from "../../m365/tables/effectLedger";
import type { AppState } from "../../m365/tables/appState";
import type { ListChangeHandler } from "../listChanges/processListChanges";
import { randomUUID } from "node:crypto";

/** The few columns effects need (emails, the Decisions list): never identity or free text. */
export type EffectRow = Pick<CasesRow, "CaseRef" | "CoreGroupOutcome"> & { SchoolUrn?: string; ReferrerEmail?: string };

/** What the Cases handler needs: the list, the capacity the rules check, and who carries out effects. */
export interface CasesHandlerPorts {
  cases: ListItems<CasesRow>;
  state: AppState;
  /** Places and placements running, not counting the case named (its own placement is no rival). */
  /**
   * Places and the placements holding them, not counting the case's own. For `startPlacement` only placements
   * already started hold a place: two decisions at the same moment can set up one placement more than there are
   * places, and that one must wait for a place rather than stop every other from starting.
   */
  capacity(caseRef?: string, command?: CaseCommand["kind"]): Promise<CaseContext>;
  carryOut(effects: readonly CaseEffect[], row: EffectRow): Promise<void>;
  /** A coordinator's edit the rules refuse: it is undone and the coordinator told why. */
  refused(row: EffectRow, message: string, editKey: string): Promise<void>;
  rememberWrite(item: ListItem<CasesRow>): Promise<void>;
  /** Queues a case item's committed effects to be carried out by the case-effects function (see applyCaseCommand). */
  queueEffects?(itemId: string): Promise<void>;
  log(message: string): void;
}

/** Effects decided and written but perhaps not yet carried out (a crash between the two): carried out next time. */
export const STASHED_EFFECTS_SCOPE = "caseEffectsInFlight";

/** The Cases columns whose change may mean something to the workflow (never free text or identity). */
export const casesWatches: WatchedColumns<CasesRow> = {
  Status: { column: "Status", as: "text" },
  WorkflowStatus: { column: "WorkflowStatus", as: "text" },
  CoreGroupOutcome: { column: "CoreGroupOutcome", as: "text" },
  PurchaseOrderNumber: { column: "PurchaseOrderNumber", as: "text" },
  FundingSources: { column: "FundingSources", as: "joined" },
  IfOverrideReason: { column: "IfOverrideReason", as: "text" },
  WorkflowVersion: { column: "WorkflowVersion", as: "number" },
};

/**
 * Turns what a coordinator changed in a case's item into commands for the state machine. The item carries its
 * own truth — the status the workflow last recorded (WorkflowStatus) beside the Status a person may have
 * edited — so each round re-reads the item and decides from it: a stale or repeated notification finds nothing
 * left to do. The next state is written under the item's ETag (a concurrent edit makes it read and decide
 * again); effects are stashed before the write and carried out after it, so a failure in between loses none.
 * An edit the rules refuse is put back and the Coordinator told why.
 *
 * @example
 * await processListChanges(ports, casesHandler(casesPorts))
 */
export function casesHandler(ports: CasesHandlerPorts): ListChangeHandler<CasesRow> {
  return {
    items: ports.cases,
    watches: casesWatches,
    async changed(_before, changed) {
      let inProgress: EffectInProgressError | undefined;
      try {
        await carryOutStashed(ports, changed.id);
      } catch (e) {
        if (!(e instanceof EffectInProgressError)) throw e;
        inProgress = e; // an earlier transition's effects are under way elsewhere: still decide the item's new edit
      }
      await settleItem(ports, changed.id);
      if (inProgress) throw inProgress; // …and let the queue try those effects again
    },
  };
}

/** What applying a command to a case came to: the state it is now in, or the rule that refused it. */
export type CaseCommandResult =
  | { ok: true; state: CaseState; changed: boolean }
  | { ok: false; code: CaseRuleViolation["code"] | "notFound" | "unreadable"; message: string };

/**
 * Applies one command that comes from outside the Cases list — a decision recorded in Teams, a placement
 * starting, a review's "able to return" — to a case item, by the same path a coordinator's edit takes: decide
 * from the item as it is now, write under its ETag (re-reading and deciding again on a conflict), stash the
 * effects before the write and carry them out after it. A coordinator's pending edit on the item is settled
 * first, so it is never overwritten. Repeating a command that was already applied changes nothing.
 *
 * With `effects: "later"` (a press in Teams, which must be answered within seconds) the command is answered once it
 * is committed — its effects stashed and the item written — and its effects, and any earlier transition's still
 * stashed, are queued for the case-effects function, which carries them out in order, each once.
 *
 * @example
 * await applyCaseCommand(ports, "17", { kind: "recordDecision", outcome: "inSchoolSupport", source: "teams",
 *   by: "chair@oakfield.example", at: "2026-11-26T16:05:00Z" })
 * // { ok: true, state: { ...status: "decided" }, changed: true }; again → { ok: true, changed: false }
 */
export async function applyCaseCommand(ports: CasesHandlerPorts, itemId: string, command: CaseCommand, options: { effects?: "now" | "later" } = {}): Promise<CaseCommandResult> {
  const queue = options.effects === "later" ? ports.queueEffects : undefined;
  if (!queue) return commitCommand(ports, itemId, command, true);
  // Queued whatever the outcome: a press repeated after a failure to queue still gets its effects going.
  try {
    return await commitCommand(ports, itemId, command, false);
  } finally {
    await queue(itemId);
  }
}

async function commitCommand(ports: CasesHandlerPorts, itemId: string, command: CaseCommand, carryOutNow: boolean): Promise<CaseCommandResult> {
  // Effects of transitions already written may be under way in another worker right now (each is done once by its
  // key, and the upkeep backstop finishes what a dead worker leaves): that never fails this command.
  if (carryOutNow) await carryOutCommitted(ports, itemId, "leaveInProgress");
  for (let step = 0; step < 10; step++) {
    await settleItem(ports, itemId, "leaveInProgress");
    const item = await ports.cases.read(itemId);
    if (!item) return { ok: false, code: "notFound", message: `The case item ${itemId} is no longer in the Cases list.` };
    if (await adoptWrittenStash(ports, item)) await carryOutCommitted(ports, item.id, "leaveInProgress");
    if (!isReadable(item)) return { ok: false, code: "unreadable", message: `The case item ${itemId} cannot be read; a coordinator must correct it first.` };
    if (nextCommand(item.row, { by: "", at: "" })) continue; // a coordinator edited it meanwhile: settle that first
    const state = caseStateFromRow(item.row);
    const decision = decide(state, command, await ports.capacity(state.caseRef, command.kind));
    if (!decision.ok) return { ok: false, code: decision.error.code, message: decision.error.message };
    if (decision.effects.length === 0 && decision.next === state) return { ok: true, state, changed: false };
    if ((await commitTransition(ports, item, decision)) === "conflict") continue;
    if (carryOutNow) await carryOutCommitted(ports, item.id, "leaveInProgress");
    return { ok: true, state: decision.next, changed: true };
  }
  return { ok: false, code: "notAllowedNow", message: "The case kept changing while this was being recorded; it will be tried again." };
}

/**
 * Carries out an item's committed effects. A queue round lets "in progress elsewhere" fail it, so the queue tries
 * again soon; a command from outside leaves those effects to the worker carrying them out.
 */
async function carryOutCommitted(ports: CasesHandlerPorts, itemId: string, inProgress: "retry" | "leaveInProgress"): Promise<void> {
  try {
    await carryOutStashed(ports, itemId);
  } catch (e) {
    if (inProgress === "retry" || !(e instanceof EffectInProgressError)) throw e;
    ports.log(`Case item ${itemId}: effects are being carried out by another worker (${e.key})`);
  }
}

/** Runs the commands an item's own columns ask for until nothing is left (a coordinator's edits). */
async function settleItem(ports: CasesHandlerPorts, itemId: string, inProgress: "retry" | "leaveInProgress" = "retry"): Promise<void> {
  for (let step = 0; step < 10; step++) {
    const item = await ports.cases.read(itemId);
    if (!item) return;
    if (await adoptWrittenStash(ports, item)) await carryOutCommitted(ports, item.id, inProgress);
    if (!isReadable(item)) {
      ports.log(`Case item ${item.id} cannot be read (${item.problems.length} problem(s)); a coordinator must correct it`);
      return;
    }
    const row = item.row;
    const command = nextCommand(row, { by: item.lastModifiedBy ?? "a coordinator", at: item.lastModified ?? new Date().toISOString() });
    if (!command) return;
    if ("refuse" in command) return revert(ports, item, command.refuse);
    const decision = decide(caseStateFromRow(row), command, await ports.capacity(row.CaseRef, command.kind));
    if (!decision.ok) return revert(ports, item, decision.error.message);
    if ((await commitTransition(ports, item, decision)) === "conflict") continue; // edited meanwhile: read it again
    await carryOutCommitted(ports, item.id, inProgress);
  }
}

/**
 * Writes a transition's next state under the item's ETag. Each attempt stashes its effects under its own name and
 * commits the stash only once its write succeeded, so a round that loses an ETag race never removes, or carries
 * out, another round's effects.
 */
async function commitTransition(
  ports: CasesHandlerPorts,
  item: ListItem<CasesRow>,
  decision: { next: CaseState; effects: CaseEffect[] },
): Promise<"written" | "conflict"> {
  const stash = `${item.id}:${String(decision.next.version).padStart(6, "0")}:${randomUUID()}`;
  // The stash's name goes into the item with the new state: if the process dies before the stash is marked
  // committed, whoever reads the item next knows this attempt's write is the one that landed (adoptWrittenStash).
  const next: CasesRow = { ...item.row, ...caseStateColumns(decision.next), WorkflowTransition: stash };
  const stashed = { effects: decision.effects, row: effectRowOf(next), committed: false };
  await ports.state.put(STASHED_EFFECTS_SCOPE, stash, stashed);
  try {
    const written = await ports.cases.write(item, next, { ifUnchanged: true });
    await ports.state.put(STASHED_EFFECTS_SCOPE, stash, { ...stashed, committed: true });
    await ports.rememberWrite(written);
    return "written";
  } catch (e) {
    if (e instanceof ItemChangedError) {
      await ports.state.remove(STASHED_EFFECTS_SCOPE, stash);
      return "conflict";
    }
    throw e;
  }
}

/**
 * The command a case item's columns ask for, read from the item alone: a Status that differs from the one the
 * workflow recorded, a Core Group outcome typed in for a case awaiting its decision, a PO for a case awaiting
 * one, an override reason not yet recorded. Undefined when there is nothing to do.
 */
export function nextCommand(row: CasesRow, who: { by: string; at: string }): CaseCommand | { refuse: string } | undefined {
  const recorded = row.WorkflowStatus;
  if (row.IfOverrideReason && !row.IfOverrideBy) {
    return { ...who, kind: "recordInclusionForumOverride", byRole: "director", reason: row.IfOverrideReason };
  }
  if (recorded === "readyForCoreGroup" && row.CoreGroupOutcome) {
    return { by: row.DecidedBy ?? who.by, at: row.DecidedAt ?? who.at, kind: "recordDecision", outcome: row.CoreGroupOutcome, source: "sharepoint" };
  }
  if (recorded === "awaitingPo" && row.PurchaseOrderNumber !== undefined && row.FundingSources?.length) {
    return { ...who, kind: "receivePurchaseOrder", number: row.PurchaseOrderNumber, fundingSources: row.FundingSources };
  }
  if (row.Status !== recorded) {
    const mapped = commandForStatusChange(recorded, row.Status, { ...who, reason: row.ReopenReason });
    return mapped.ok ? mapped.command : { refuse: mapped.error.message };
  }
  return undefined;
}

type Stashed = { effects: CaseEffect[]; row: EffectRow; committed: boolean };

/**
 * Marks committed the stash whose write landed in the item but whose attempt died before saying so. Only the stash
 * the item names can be adopted: an attempt that lost the ETag race never wrote its name there.
 */
async function adoptWrittenStash(ports: Pick<CasesHandlerPorts, "state">, item: ItemRead<CasesRow>): Promise<boolean> {
  const written = isReadable(item) ? item.row.WorkflowTransition : item.readable.WorkflowTransition;
  if (written === undefined || !written.startsWith(`${item.id}:`)) return false;
  const stashed = await ports.state.get<Stashed>(STASHED_EFFECTS_SCOPE, written);
  if (!stashed || stashed.value.committed) return false;
  await ports.state.put(STASHED_EFFECTS_SCOPE, written, { ...stashed.value, committed: true });
  return true;
}

/**
 * Adopts, for the upkeep timer's backstop, every stash left uncommitted by an attempt that died after its write:
 * for each item with such a stash, the item says which one (if any) was written.
 */
export async function adoptWrittenStashes(ports: Pick<CasesHandlerPorts, "state" | "cases">): Promise<number> {
  const uncommitted = (await ports.state.list<Stashed>(STASHED_EFFECTS_SCOPE)).filter((s) => !s.value.committed);
  let adopted = 0;
  for (const itemId of new Set(uncommitted.map((s) => s.name.split(":", 1)[0] as string))) {
    const item = await ports.cases.read(itemId);
    if (item && (await adoptWrittenStash(ports, item))) adopted++;
  }
  return adopted;
}

/**
 * Carries out stashed effects — one stash per transition, named item:version, so two rounds never overwrite or
 * remove each other's — for one item, or for every item (the upkeep timer's backstop after a failed round).
 */
export async function carryOutStashed(ports: Pick<CasesHandlerPorts, "state" | "carryOut">, itemId?: string): Promise<number> {
  const stashed = (await ports.state.list<Stashed>(STASHED_EFFECTS_SCOPE)).filter(
    (s) => s.value.committed && (!itemId || s.name.startsWith(`${itemId}:`)),
  );
  // A stash another worker is carrying out right now is left to it (and tried again later), not allowed to hold up
  // the item's other transitions: each effect is done once, by its key, however often it is asked for.
  let inProgress: EffectInProgressError | undefined;
  for (const s of stashed.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }))) {
    try {
      await ports.carryOut(s.value.effects, s.value.row);
    } catch (e) {
      if (!(e instanceof EffectInProgressError)) throw e;
      inProgress = e;
      continue;
    }
    await ports.state.remove(STASHED_EFFECTS_SCOPE, s.name);
  }
  if (inProgress) throw inProgress;
  return stashed.length;
}

function effectRowOf(row: CasesRow): EffectRow {
  return {
    CaseRef: row.CaseRef,
    CoreGroupOutcome: row.CoreGroupOutcome,
    ...(row.SchoolUrn !== undefined ? { SchoolUrn: row.SchoolUrn } : {}),
    ...(row.ReferrerEmail !== undefined ? { ReferrerEmail: row.ReferrerEmail } : {}),
  };
}

async function revert(ports: CasesHandlerPorts, item: ListItem<CasesRow>, message: string): Promise<void> {
  const row = item.row;
  ports.log(`Refused an edit to ${row.CaseRef}: ${message}`);
  const changes: RowChanges<CasesRow> = { Status: row.WorkflowStatus };
  if (row.CoreGroupOutcome && row.WorkflowStatus === "readyForCoreGroup") changes.CoreGroupOutcome = null;
  try {
    const written = await ports.cases.update(item, changes, { ifUnchanged: true });
    await ports.rememberWrite(written);
  } catch (e) {
    if (!(e instanceof ItemChangedError)) throw e;
    return; // edited again meanwhile: the next round decides on the newer edit
  }
  await ports.refused(effectRowOf(row), message, `${item.id}:${item.etag}`);
}

/**
 * The backstop the upkeep timer runs: adopts the stashes whose write landed but whose attempt died before saying
 * so, then carries out every committed stash a failed round left behind. Returns how many stashes it carried out.
 *
 * @example
 * await carryOutLeftovers(casesPorts) // 0 when every round finished
 */
export async function carryOutLeftovers(ports: CasesHandlerPorts): Promise<number> {
  await adoptWrittenStashes(ports);
  return carryOutStashed(ports);
}
