import { caseStateColumns, caseStateFromRow, commandForStatusChange, decide, type CaseCommand, type CaseContext, type CaseEffect, type CaseRuleViolation, type CaseState, type PartnershipRole } from "../../domain/case";
import { poundsAsPence } from "../../domain/charges/poundsAsPence";
import { withRowChanges, type CasesRow, type RowChanges } from "../../domain/lists";
import { isReadable, type ItemRead, type ListItem, type ListItems, type WatchedColumns } from "../../m365/sharepoint/items";
import { ItemChangedError } from "../../m365/sharepoint/graphErrors";
import { EffectInProgressError } from "../../m365/tables/effectLedger";
import { longerWait, MailboxBusyError } from "../../m365/outlook/mail";
import { EmailsOwedError } from "./caseEffects";
import { StaleStateError, type AppState } from "../../m365/tables/appState";
import type { ListChangeHandler } from "../listChanges/processListChanges";
import { randomUUID } from "node:crypto";
import type { AuditEntry } from "../../m365/tables/auditTrail";
import type { PeopleDirectory } from "../people/peopleDirectory";
import { authorizeEdit, personBehind, putBack, type Editor } from "./editAuthorization";
import {
  editedColumns,
  keepWorkflowRecord,
  readWorkflowRecord,
  restoreChanges,
  withRecord,
  workflowOwnedColumns,
  workflowRecordedColumns,
  workflowRecordOf,
  workflowWatches,
  type WorkflowRecord,
} from "./workflowShadow";

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
  rememberWrite(item: ListItem<CasesRow>): Promise<void>;
  /**
   * Queues a case item's committed effects to be carried out by the case-effects function (see applyCaseCommand),
   * after `delayMs` when given (the mailbox's Retry-After, for emails owed).
   */
  queueEffects?(itemId: string, delayMs?: number): Promise<void>;
  log(message: string): void;
  /** Who may do what: the partnership's roles, the audit, and who is told of an edit refused or put back. */
  access: CaseAccessPorts;
}

/** What authorising people's edits of the Cases list needs (see editAuthorization and workflowShadow). */
export interface CaseAccessPorts {
  people: PeopleDirectory;
  /** The app's own application (client) id: its writes are never a person's edit (see `authorizeEdit`). */
  appId: string;
  audit(entry: AuditEntry): Promise<void>;
  now(): Date;
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
  // The Director's reasons are free text: only a hash of them is kept, to notice that one was typed.
  ExceptionRefusedReason: { column: "ExceptionRefusedReason", as: "hash" },
  ExtraPlaceReason: { column: "ExtraPlaceReason", as: "hash" },
  WorkflowVersion: { column: "WorkflowVersion", as: "number" },
  // Every column the workflow owns: an edit to any of them reaches the handler and is put back from its record.
  ...workflowWatches,
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
    async changed(_before, changed, _now, round) {
      if (round) {
        // The transition is decided and written in the round; its effects (and any an earlier transition left
        // stashed) follow once the round is over, so an email waiting on Retry-After never holds up the Cases list.
        await settleItem(ports, changed.id, "afterRound");
        round.afterRound(() => carryOutAfterRound(ports, changed.id));
        return;
      }
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
    const guarded = await guardWorkflowRecord(ports, item);
    if (guarded.edited.length) continue; // its workflow columns were edited: put them back first
    if (nextCommand(item.row, { by: "", at: "" })) continue; // a coordinator edited it meanwhile: settle that first
    const state = caseStateFromRow(item.row);
    const decision = decide(state, command, await ports.capacity(state.caseRef, command.kind));
    if (!decision.ok) return { ok: false, code: decision.error.code, message: decision.error.message };
    if (decision.effects.length === 0 && decision.next === state) return { ok: true, state, changed: false };
    if ((await commitTransition(ports, item, decision, guarded)) === "conflict") continue;
    if (carryOutNow) await carryOutCommitted(ports, item.id, "leaveInProgress");
    return { ok: true, state: decision.next, changed: true };
  }
  return { ok: false, code: "notAllowedNow", message: "The case kept changing while this was being recorded; it will be tried again." };
}

/**
 * A case item's committed effects carried out once its list's round is over, in the invocation that asked for the
 * round. Effects another worker is carrying out right now are left to it (the upkeep's backstop finishes what a dead
 * worker leaves); effects that fail are queued for the case-effects function, which retries them (then parks them in
 * case-effects-poison), and stay stashed until done, so none is lost.
 *
 * @example
 * await carryOutAfterRound(casesPorts, "17") // the Core Group card posted, the school invited, …
 */
export async function carryOutAfterRound(ports: CasesHandlerPorts, itemId: string): Promise<void> {
  try {
    await carryOutStashed(ports, itemId);
  } catch (e) {
    if (e instanceof EffectInProgressError) return ports.log(`Case item ${itemId}: effects are being carried out by another worker (${e.key})`);
    if (await owedToTheMailbox(ports, itemId, e)) return;
    ports.log(`Case item ${itemId}: its effects failed (${e instanceof Error ? e.name : "Error"}); queued to be tried again`);
    if (!ports.queueEffects) throw e;
    await ports.queueEffects(itemId);
  }
}

/**
 * Carries out an item's committed effects. A queue round lets "in progress elsewhere" fail it, so the queue tries
 * again soon; a command from outside leaves those effects to the worker carrying them out; a list's round leaves
 * them until after the round (see `carryOutAfterRound`).
 */
async function carryOutCommitted(ports: CasesHandlerPorts, itemId: string, inProgress: "retry" | "leaveInProgress" | "afterRound"): Promise<void> {
  if (inProgress === "afterRound") return;
  try {
    await carryOutStashed(ports, itemId);
  } catch (e) {
    if (await owedToTheMailbox(ports, itemId, e)) return;
    if (inProgress === "retry" || !(e instanceof EffectInProgressError)) throw e;
    ports.log(`Case item ${itemId}: effects are being carried out by another worker (${e.key})`);
  }
}

/**
 * Effects that left emails owed to a busy mailbox (its other effects done) are queued for the case-effects function
 * to come back after the mailbox's Retry-After: nothing waits for Exchange inside an invocation, and nothing is lost
 * (the stash stays until every effect is done). False when `e` is anything else, or there is no queue to use.
 *
 * @example
 * await owedToTheMailbox(ports, "17", new MailboxBusyError("partnership@lncip.example", 42_000)) // true: queued, hidden for 42 s
 */
export async function owedToTheMailbox(ports: Pick<CasesHandlerPorts, "queueEffects" | "log">, itemId: string, e: unknown): Promise<boolean> {
  if (!(e instanceof MailboxBusyError) || !ports.queueEffects) return false;
  await ports.queueEffects(itemId, e.retryAfterMs);
  ports.log(`Case item ${itemId}: emails wait for the partnership mailbox (Exchange's sending limit); tried again in ${Math.ceil(e.retryAfterMs / 1000)} s`);
  return true;
}

/**
 * Runs the commands an item's own columns ask for until nothing is left (a coordinator's edits). The item is first
 * checked against the workflow's own record: edited workflow columns change nothing (the rules decide from the
 * record, the write puts them back). A command is applied only if the item version's editor may give it.
 */
async function settleItem(ports: CasesHandlerPorts, itemId: string, inProgress: "retry" | "leaveInProgress" | "afterRound" = "retry"): Promise<void> {
  for (let step = 0; step < 10; step++) {
    const item = await ports.cases.read(itemId);
    if (!item) return;
    if (await adoptWrittenStash(ports, item)) await carryOutCommitted(ports, item.id, inProgress);
    const guarded = await guardWorkflowRecord(ports, item);
    if (!isReadable(item)) {
      // A workflow column typed into nonsense makes the item unreadable: the record puts it right.
      if (guarded.edited.length) {
        await restoreRecord(ports, item, guarded);
        continue;
      }
      ports.log(`Case item ${item.id} cannot be read (${item.problems.length} problem(s)); a coordinator must correct it`);
      return;
    }
    const row = withRecord(item.row, guarded.record, guarded.edited);
    const asked = nextCommand(row, { by: "", at: "" });
    if (!asked) {
      if (guarded.edited.length && (await restoreRecord(ports, item, guarded)) === "conflict") continue;
      return;
    }
    const current: ListItem<CasesRow> = { ...item, row };
    // A put-back that meets a 412 reads the item again and decides again: the change that beat it may be the app's own
    // write of a column nobody watches (a meeting assigned), whose round would find nothing new and leave the edit.
    if ("refuse" in asked) {
      if ((await revert(ports, current, asked.refuse, guarded)) === "conflict") continue;
      return;
    }
    const allowed = await authorizeEdit(ports.access.people, current, (who) => {
      const command = nextCommand(row, who);
      if (!command || "refuse" in command) throw new Error(`Case item ${item.id}: the command its columns ask for changed while it was authorised`);
      return command;
    }, { id: ports.access.appId, versions: (id) => ports.cases.versions(id) });
    if (!allowed.ok) {
      if ((await refuseEdit(ports, current, asked.kind, allowed.message, allowed.editor, guarded)) === "conflict") continue;
      return;
    }
    const decision = decide(caseStateFromRow(row), allowed.command, await ports.capacity(row.CaseRef, allowed.command.kind));
    if (!decision.ok) {
      if ((await revert(ports, current, decision.error.message, guarded)) === "conflict") continue;
      return;
    }
    if ((await commitTransition(ports, current, decision, guarded)) === "conflict") continue; // edited meanwhile: read it again
    if (guarded.edited.length) await reportRestored(ports, item, row, guarded.edited, allowed.editor);
    await carryOutCommitted(ports, item.id, inProgress);
  }
  // Never counted as handled with the edit neither applied nor put back: the round parks the item and tries it again.
  throw new CaseKeptChangingError(itemId);
}

/** A case item whose every write in one round met a conflict (412): the person's edit is tried again later. */
export class CaseKeptChangingError extends Error {
  constructor(itemId: string) {
    super(`Case item ${itemId} kept changing while its edit was being decided; it will be tried again.`);
    this.name = "CaseKeptChangingError";
  }
}

type Guarded = { record: WorkflowRecord; edited: ReturnType<typeof editedColumns> };

/**
 * The workflow's record of an item and the workflow columns in which the item differs from it (a person's edit: the
 * app's own writes keep the record first, and adoptWrittenStash keeps it for a write whose attempt died). An item read
 * for the first time since records were kept (written before) becomes its own record.
 */
async function guardWorkflowRecord(ports: Pick<CasesHandlerPorts, "state">, item: ItemRead<CasesRow>): Promise<Guarded> {
  const columns = isReadable(item) ? item.row : item.readable;
  const record = await readWorkflowRecord(ports.state, item.id);
  if (!record) {
    const seeded = workflowRecordOf(columns);
    await keepWorkflowRecord(ports.state, item.id, seeded);
    // Created only if no other worker kept one first (a later transition's): decide from whichever is kept.
    const kept = (await readWorkflowRecord(ports.state, item.id)) ?? seeded;
    return { record: kept, edited: editedColumns(columns, kept) };
  }
  return { record, edited: editedColumns(columns, record) };
}

/** Writes the record back over edited workflow columns (under the item's ETag), audits it and tells the Coordinator. */
async function restoreRecord(ports: CasesHandlerPorts, item: ItemRead<CasesRow>, guarded: Guarded): Promise<"written" | "conflict"> {
  try {
    const written = await ports.cases.update(item, restoreChanges(guarded.record, guarded.edited), { ifUnchanged: true });
    if (isReadable(written)) await ports.rememberWrite(written);
  } catch (e) {
    if (!(e instanceof ItemChangedError)) throw e;
    return "conflict";
  }
  const who = await ports.access.people.editor(await personBehind(item, { id: ports.access.appId, versions: (id) => ports.cases.versions(id) }));
  const row = isReadable(item) ? item.row : { ...item.readable, CaseRef: item.readable.CaseRef ?? `(case item ${item.id})` };
  await reportRestored(ports, item, row, guarded.edited, { label: who.label, email: who.kind === "person" ? who.email : undefined });
  return "written";
}

async function reportRestored(ports: CasesHandlerPorts, item: ItemRead<CasesRow>, row: Partial<CasesRow> & { CaseRef: string }, edited: readonly string[], editor: Editor): Promise<void> {
  const editKey = `${item.id}:${versionKey(item.etag)}`;
  ports.log(`${row.CaseRef}: workflow columns edited in SharePoint were put back (${edited.join(", ")})`);
  await ports.access.audit({ caseRef: row.CaseRef, key: `${row.CaseRef}:workflowColumnsRestored:${editKey}`, at: ports.access.now(), by: editor.label, source: "sharepoint", action: "workflowColumnsRestored", detail: edited.join(", ") });
  const message = `${editor.label} changed ${edited.join(", ")} of ${row.CaseRef} in SharePoint. Only the workflow writes ${edited.length > 1 ? "these columns" : "this column"}: ${edited.length > 1 ? "they have" : "it has"} been put back and nothing about the case changed.`;
  await stashPutBackNotice(ports, item.id, effectRowOf(row as CasesRow), { key: `mail:workflowColumnsRestored:${row.CaseRef}:${editKey}`, kind: "tellEditPutBack", why: "workflowColumnsRestored", message, editKey, editor });
}

/** An item version's ETag as a key part (its GUID and version number). */
function versionKey(etag: string): string {
  return etag.replace(/[^A-Za-z0-9,-]/g, "");
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
  guarded?: Guarded,
): Promise<"written" | "conflict"> {
  const stash = `${item.id}:${String(decision.next.version).padStart(6, "0")}:${randomUUID()}`;
  // The stash's name goes into the item with the new state: if the process dies before the stash is marked
  // committed, whoever reads the item next knows this attempt's write is the one that landed (adoptWrittenStash).
  const changes = transitionChanges(item.row, decision.next, stash, guarded);
  const next = applied(item.row, changes);
  const record = workflowRecordOf(next);
  const stashed: Stashed = { effects: decision.effects, row: effectRowOf(next), committed: false, record };
  await ports.state.put(STASHED_EFFECTS_SCOPE, stash, stashed);
  try {
    const written = await ports.cases.update(item, changes, { ifUnchanged: true });
    // The record first, then the stash committed: a stash committed (or carried out and removed) always has its record.
    await keepWorkflowRecord(ports.state, item.id, record);
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
 * What a transition writes: the next state's columns (a workflow column the next state no longer has is cleared,
 * so the item never shows a stale one), the stash's name, and the record over any workflow column a person edited.
 */
function transitionChanges(row: CasesRow, next: CaseState, stash: string, guarded?: Guarded): RowChanges<CasesRow> {
  const columns = caseStateColumns(next) as Record<string, unknown>;
  const changes: Record<string, unknown> = { ...(guarded ? restoreChanges(guarded.record, guarded.edited) : {}) };
  for (const [k, v] of Object.entries(columns)) {
    if (v !== undefined) changes[k] = v;
    else if ((workflowOwnedColumns as readonly string[]).includes(k) && row[k as keyof CasesRow] !== undefined) changes[k] = null;
    else if ((workflowRecordedColumns as readonly string[]).includes(k) && guarded?.record[k as keyof WorkflowRecord] !== undefined) changes[k] = null;
  }
  changes.WorkflowTransition = stash;
  return changes as RowChanges<CasesRow>;
}

/** A row with changes applied (null clears), as the item holds it after the write. */
function applied(row: CasesRow, changes: RowChanges<CasesRow>): CasesRow {
  return withRowChanges(row, changes);
}

/**
 * The command a case item's columns ask for, read from the item alone: a Status that differs from the one the
 * workflow recorded, a Core Group outcome typed in for a case awaiting its decision, a PO for a case awaiting
 * one, a reason typed by the Director and not yet recorded (an Inclusion Forum override — on a case awaiting the
 * Director's exception, the exception granted —, an exception refused, one place more than the key stage's number).
 * `role` is the editor's, as the partnership's roles know them (the rules refuse what it may not do). Undefined when
 * there is nothing to do.
 */
export function nextCommand(row: CasesRow, who: { by: string; at: string; role?: PartnershipRole | undefined }): CaseCommand | { refuse: string } | undefined {
  const recorded = row.WorkflowStatus;
  const base = { by: who.by, at: who.at };
  const byRole = who.role ?? "other";
  if (recorded === "awaitingDirectorsException" && row.Status === "triage") {
    // Moving a case awaiting the exception into triage is the grant itself (its reason in the override reason): the
    // permission table's grantDirectorsException row, whether or not the reason came with the status.
    return { ...base, kind: "grantDirectorsException", byRole, reason: row.IfOverrideReason ?? "" };
  }
  if (row.IfOverrideReason && !row.IfOverrideBy) {
    return { ...base, kind: "recordInclusionForumOverride", byRole, reason: row.IfOverrideReason };
  }
  if (recorded === "awaitingDirectorsException" && row.ExceptionRefusedReason && !row.ExceptionRefusedBy && row.Status !== "triage") {
    return { ...base, kind: "refuseDirectorsException", byRole, reason: row.ExceptionRefusedReason };
  }
  if (row.ExtraPlaceReason && !row.ExtraPlaceBy) {
    return { ...base, kind: "approveExtraPlace", byRole, reason: row.ExtraPlaceReason };
  }
  if (recorded === "readyForCoreGroup" && row.CoreGroupOutcome) {
    // Who decided is the app's to write (the chair, named from the panel): a typed "decided by" is never read.
    return { by: who.by, at: row.DecidedAt ?? who.at, kind: "recordDecision", outcome: row.CoreGroupOutcome, source: "sharepoint" };
  }
  if (recorded === "awaitingPo" && row.PurchaseOrderNumber !== undefined && row.FundingSources?.length) {
    return { ...base, kind: "receivePurchaseOrder", number: row.PurchaseOrderNumber, fundingSources: row.FundingSources, from: row.PoValidFrom, to: row.PoValidTo, sendTopUpPencePerYear: poundsAsPence(row.PoSendTopUp) };
  }
  if (row.Status !== recorded) {
    // The Director's reason goes with the status: to Closed (refused) the reason the school is given (to triage, the
    // grant, is above); otherwise the reason for reopening or withdrawing.
    const reason = recorded === "awaitingDirectorsException" && row.Status === "closed" ? row.ExceptionRefusedReason : row.ReopenReason;
    const mapped = commandForStatusChange(recorded, row.Status, { ...base, role: byRole, reason });
    return mapped.ok ? mapped.command : { refuse: mapped.error.message };
  }
  return undefined;
}

type Stashed = { effects: CaseEffect[]; row: EffectRow; committed: boolean; /** The workflow's record after the write. */ record?: WorkflowRecord };

/**
 * Marks committed the stash whose write landed in the item but whose attempt died before saying so. Only the stash
 * the item names can be adopted: an attempt that lost the ETag race never wrote its name there.
 */
async function adoptWrittenStash(ports: Pick<CasesHandlerPorts, "state">, item: ItemRead<CasesRow>): Promise<boolean> {
  const written = isReadable(item) ? item.row.WorkflowTransition : item.readable.WorkflowTransition;
  if (written === undefined || !written.startsWith(`${item.id}:`)) return false;
  const stashed = await ports.state.get<Stashed>(STASHED_EFFECTS_SCOPE, written);
  if (!stashed || stashed.value.committed) return false;
  // The write landed: its record is the workflow's (kept before the stash is marked committed, as a live attempt does).
  if (stashed.value.record) await keepWorkflowRecord(ports.state, item.id, stashed.value.record);
  try {
    // Under the version read: a worker that adopted it first may have carried it out and removed it since, and a
    // blind write would bring the stash back to be carried out again.
    await ports.state.put(STASHED_EFFECTS_SCOPE, written, { ...stashed.value, committed: true }, stashed.version);
  } catch (e) {
    if (e instanceof StaleStateError) return false; // adopted by another worker, which carries it out
    throw e;
  }
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
 * remove each other's — for one item, or for every item (the upkeep timer's backstop after a failed round). An
 * item's stashes go in order and stop at the first that fails; for every item, each item stands alone: one item's
 * failing stash is reported (thrown once the others are done) and never keeps the other items' effects waiting.
 * Returns how many stashes were carried out (and removed).
 */
export async function carryOutStashed(ports: Pick<CasesHandlerPorts, "state" | "carryOut">, itemId?: string): Promise<number> {
  const stashed = (await ports.state.list<Stashed>(STASHED_EFFECTS_SCOPE)).filter(
    (s) => s.value.committed && (!itemId || s.name.startsWith(`${itemId}:`)),
  );
  const byItem = new Map<string, typeof stashed>();
  for (const s of stashed.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }))) {
    const item = s.name.split(":", 1)[0] as string;
    byItem.set(item, [...(byItem.get(item) ?? []), s]);
  }
  // A stash another worker is carrying out right now is left to it (and tried again later), not allowed to hold up
  // the item's other transitions: each effect is done once, by its key, however often it is asked for. A stash that
  // fails is kept for the next try and, for the upkeep's backstop (every item), never stops the other cases' stashes.
  let inProgress: EffectInProgressError | undefined;
  let owed: EmailsOwedError | undefined;
  let failed: unknown;
  let carried = 0;
  for (const stashes of byItem.values()) {
    for (const s of stashes) {
      try {
        await ports.carryOut(s.value.effects, s.value.row);
      } catch (e) {
        if (e instanceof EffectInProgressError) {
          inProgress = e;
          continue;
        }
        if (e instanceof EmailsOwedError) {
          // Everything else the transition asked for is done; only its emails wait for the mailbox. They are kept as
          // a stash of their own (sorted straight after this one), so the item's later transitions need not wait.
          await owe(ports, s.name, s.value, e);
          owed = longerWait(owed, e);
          carried++;
          continue;
        }
        failed ??= e;
        break; // this item's later transitions wait for this one; the other items go on
      }
      await ports.state.remove(STASHED_EFFECTS_SCOPE, s.name);
      carried++;
    }
  }
  if (failed) throw failed;
  if (owed) throw owed;
  if (inProgress) throw inProgress;
  return carried;
}

/** A stash's owed emails kept under `<stash>:owed` (the stash itself when it is one) in place of the stash. */
async function owe(ports: Pick<CasesHandlerPorts, "state">, name: string, stash: Stashed, e: EmailsOwedError): Promise<void> {
  const owedName = name.endsWith(":owed") ? name : `${name}:owed`;
  await ports.state.put(STASHED_EFFECTS_SCOPE, owedName, { row: stash.row, committed: true, effects: [...e.owed] } satisfies Stashed);
  if (owedName !== name) await ports.state.remove(STASHED_EFFECTS_SCOPE, name);
}

function effectRowOf(row: CasesRow): EffectRow {
  return {
    CaseRef: row.CaseRef,
    CoreGroupOutcome: row.CoreGroupOutcome,
    ...(row.SchoolUrn !== undefined ? { SchoolUrn: row.SchoolUrn } : {}),
    ...(row.ReferrerEmail !== undefined ? { ReferrerEmail: row.ReferrerEmail } : {}),
  };
}

/**
 * Writes a refused edit's put-back (and the record over any workflow column edited with it) under the item's ETag.
 * "conflict": the item changed meanwhile — a person, or the app's own write of a column nobody watches — so the
 * caller reads it again and decides again, never counting the edit handled.
 */
async function writePutBack(ports: CasesHandlerPorts, item: ListItem<CasesRow>, guarded: Guarded): Promise<"written" | "conflict"> {
  try {
    const written = await ports.cases.update(item, { ...putBack(item.row), ...restoreChanges(guarded.record, guarded.edited) }, { ifUnchanged: true });
    await ports.rememberWrite(written);
    return "written";
  } catch (e) {
    if (!(e instanceof ItemChangedError)) throw e;
    return "conflict";
  }
}

/**
 * Keeps the notice of an edit put back as a stash of its own, written as soon as the put-back is, and carried out
 * with the item's effects after the round: an email never holds up the Cases list, and a busy mailbox leaves the
 * notice owed (sent after its Retry-After) rather than lost with the edit it tells of, which is no longer there to
 * be found again.
 */
async function stashPutBackNotice(ports: Pick<CasesHandlerPorts, "state">, itemId: string, row: EffectRow, notice: Extract<CaseEffect, { kind: "tellEditPutBack" }>): Promise<void> {
  await ports.state.put(STASHED_EFFECTS_SCOPE, `${itemId}:putBack:${versionKey(notice.editKey)}`, { row, committed: true, effects: [notice] } satisfies Stashed);
}

/** Puts back an edit the rules refuse (and any workflow column edited with it), and tells the Coordinator why. */
async function revert(ports: CasesHandlerPorts, item: ListItem<CasesRow>, message: string, guarded: Guarded): Promise<"written" | "conflict"> {
  const row = item.row;
  ports.log(`Refused an edit to ${row.CaseRef}: ${message}`);
  if ((await writePutBack(ports, item, guarded)) === "conflict") return "conflict";
  const editKey = `${item.id}:${item.etag}`;
  await stashPutBackNotice(ports, item.id, effectRowOf(row), { key: `mail:refused:${row.CaseRef}:${editKey}`, kind: "tellEditPutBack", why: "refused", message, editKey });
  return "written";
}

/**
 * Puts back an edit its editor may not make (the permission table), audits the attempt (who, what) and tells the
 * editor and the Coordinator why, in the users' words.
 */
async function refuseEdit(ports: CasesHandlerPorts, item: ListItem<CasesRow>, asked: CaseCommand["kind"], message: string, editor: Editor, guarded: Guarded): Promise<"written" | "conflict"> {
  const row = item.row;
  ports.log(`Refused an edit to ${row.CaseRef} (${asked}): not permitted to its editor`);
  if ((await writePutBack(ports, item, guarded)) === "conflict") return "conflict";
  const editKey = `${item.id}:${versionKey(item.etag)}`;
  await ports.access.audit({ caseRef: row.CaseRef, key: `${row.CaseRef}:notPermitted:${editKey}`, at: ports.access.now(), by: editor.label, source: "sharepoint", action: `notPermitted:${asked}`, from: row.WorkflowStatus, to: row.Status, detail: message });
  await stashPutBackNotice(ports, item.id, effectRowOf(row), { key: `mail:notPermitted:${row.CaseRef}:${editKey}`, kind: "tellEditPutBack", why: "notPermitted", message, editKey, editor });
  return "written";
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
  try {
    return await carryOutStashed(ports);
  } catch (e) {
    // Emails owed to a busy mailbox are no failure (every other stash was carried out): they stay stashed, and go
    // once the mailbox takes them — from the case-effects queue, or at the next upkeep.
    if (!(e instanceof MailboxBusyError)) throw e;
    ports.log(`Leftover case effects: emails still wait for the partnership mailbox (Exchange's sending limit, ${Math.ceil(e.retryAfterMs / 1000)} s); kept`);
    return 0;
  }
}
