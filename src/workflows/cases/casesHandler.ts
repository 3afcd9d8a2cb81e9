import { caseStateColumns, caseStateFromRow, commandForStatusChange, decide, type CaseCommand, type CaseContext, type CaseEffect } from "../../domain/case";
import { caseStatusFromLabel, caseStatusLabel, type CaseStatus } from "../../domain/case/caseStatus";
import { coreGroupOutcomeLabels, type CoreGroupOutcome } from "../../domain/case/outcomes";
import { casesList, fromListFields, toListFields, type CasesRow } from "../../domain/lists";
import type { ListItem, ListItems } from "../../m365/sharepoint/items";
import { ItemChangedError } from "../../m365/sharepoint/graphErrors";
import type { ListChangeHandler, Snapshot } from "../listChanges/processListChanges";

/** What the Cases handler needs: the list, the capacity the rules check, and who carries out effects. */
export interface CasesHandlerPorts {
  cases: ListItems;
  capacity(): Promise<CaseContext>;
  carryOut(effects: readonly CaseEffect[], row: CasesRow): Promise<void>;
  /** A coordinator's edit the rules refuse: it is undone and the coordinator told why. */
  refused(row: CasesRow, message: string, editKey: string): Promise<void>;
  rememberWrite(item: ListItem): Promise<void>;
  log(message: string): void;
}

/** The Cases columns whose change means something to the workflow (never free text or identity). */
export function casesSnapshot(item: ListItem): Snapshot {
  const f = item.fields;
  const text = (k: string) => (typeof f[k] === "string" ? (f[k] as string) : null);
  return {
    Status: text("Status"),
    CoreGroupOutcome: text("CoreGroupOutcome"),
    PurchaseOrderNumber: text("PurchaseOrderNumber"),
    FundingSources: Array.isArray(f.FundingSources) ? (f.FundingSources as string[]).join("|") : null,
    IfOverrideReason: text("IfOverrideReason"),
    WorkflowVersion: typeof f.WorkflowVersion === "number" ? f.WorkflowVersion : null,
  };
}

/**
 * Turns what a coordinator changed in a case's item into commands for the state machine: a new Status, a Core
 * Group outcome recorded in SharePoint, a PO number arriving, the Director's override reason. The resulting
 * state is written back (with the item's ETag: a concurrent edit makes it re-read and decide again) and the
 * effects carried out. An edit the rules refuse is put back and the coordinator is told why.
 *
 * @example
 * await processListChanges(ports, casesHandler(casesPorts))
 */
export function casesHandler(ports: CasesHandlerPorts): ListChangeHandler {
  return {
    list: "Cases",
    snapshot: casesSnapshot,
    async changed(before, after) {
      if (!before) return; // first sight of an item the app did not write: remember it, nothing happened yet
      const parsed = fromListFields(casesList, after.fields);
      if (!parsed.ok) {
        ports.log(`Case item ${after.id} cannot be read (${parsed.problems.length} problem(s)); a coordinator must correct it`);
        return;
      }
      const row = parsed.row;
      const by = lastEditor(after);
      const at = after.lastModified ?? new Date().toISOString();
      // A status edit is decided from the status the app last recorded (the snapshot), not the one just typed in.
      let current: CaseStatus | undefined = typeof before.Status === "string" ? caseStatusFromLabel(before.Status) : undefined;
      // The workflow version the app last wrote: if the item has moved past it, another round already applied
      // this edit (two notifications processed at once) and this round must not apply it again.
      let version = typeof before.WorkflowVersion === "number" ? before.WorkflowVersion : row.WorkflowVersion;
      for (const command of commandsFor(before, row, { by, at })) {
        if ("refuse" in command) {
          await revert(ports, after, row, before, command.refuse);
          return;
        }
        const outcome = await apply(ports, after.id, command, current, version);
        if (outcome === "handledElsewhere") return;
        if (typeof outcome === "string") {
          await revert(ports, after, row, before, outcome);
          return;
        }
        current = outcome.status;
        version = outcome.version;
      }
    },
  };
}

type Planned = CaseCommand | { refuse: string };

/** The commands a change means, in order (several columns may change in one edit). */
export function commandsFor(before: Snapshot, row: CasesRow, who: { by: string; at: string }): Planned[] {
  const commands: Planned[] = [];
  const r = row as CasesRow & Record<string, unknown>;
  const beforeStatus = typeof before.Status === "string" ? caseStatusFromLabel(before.Status) : undefined;
  if (typeof before.IfOverrideReason !== "string" && row.IfOverrideReason) {
    commands.push({ ...who, kind: "recordInclusionForumOverride", byRole: "director", reason: row.IfOverrideReason });
  }
  const po = typeof r.PurchaseOrderNumber === "string" ? r.PurchaseOrderNumber : undefined;
  if (po && before.PurchaseOrderNumber !== po && Array.isArray(r.FundingSources)) {
    commands.push({ ...who, kind: "receivePurchaseOrder", number: po, fundingSources: r.FundingSources as string[] });
  }
  const outcomeLabel = row.CoreGroupOutcome ? coreGroupOutcomeLabels[row.CoreGroupOutcome] : null;
  if (row.CoreGroupOutcome && before.CoreGroupOutcome !== outcomeLabel) {
    commands.push({ by: row.DecidedBy ?? who.by, at: row.DecidedAt ?? who.at, kind: "recordDecision", outcome: row.CoreGroupOutcome as CoreGroupOutcome, source: "sharepoint" });
  } else if (beforeStatus && beforeStatus !== row.Status) {
    const mapped = commandForStatusChange(beforeStatus, row.Status, { ...who, reason: row.ReopenReason });
    commands.push(mapped.ok ? mapped.command : { refuse: mapped.error.message });
  }
  return commands;
}

/**
 * Decides one command against the item as it is now (with `status` standing for the status the app last
 * recorded) and writes the result; re-reads and decides again on a concurrent edit.
 */
async function apply(
  ports: CasesHandlerPorts,
  itemId: string,
  command: CaseCommand,
  status: CaseStatus | undefined,
  expectedVersion: number,
): Promise<{ status: CaseStatus; version: number } | "handledElsewhere" | string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const item = await ports.cases.get(itemId);
    if (!item) return "handledElsewhere";
    const parsed = fromListFields(casesList, item.fields);
    if (!parsed.ok) return `The case item cannot be read: ${parsed.problems.join("; ")}`;
    if (parsed.row.WorkflowVersion !== expectedVersion) return "handledElsewhere";
    const state = { ...caseStateFromRow(parsed.row), status: status ?? parsed.row.Status };
    const decision = decide(state, command, await ports.capacity());
    if (!decision.ok) return decision.error.message;
    if (decision.effects.length === 0) return { status: decision.next.status, version: decision.next.version };
    const row = { ...parsed.row, ...caseStateColumns(decision.next) } as CasesRow;
    try {
      const written = await ports.cases.update(item.id, toListFields(casesList, row), item.etag);
      await ports.rememberWrite({ ...item, ...written, fields: { ...item.fields, ...written.fields } });
    } catch (e) {
      if (e instanceof ItemChangedError) continue;
      throw e;
    }
    await ports.carryOut(decision.effects, row);
    return { status: decision.next.status, version: decision.next.version };
  }
  return "The case kept changing while the workflow was applying an edit; please make the change again.";
}

async function revert(ports: CasesHandlerPorts, item: ListItem, row: CasesRow, before: Snapshot, message: string): Promise<void> {
  ports.log(`Refused an edit to ${row.CaseRef}: ${message}`);
  const status = typeof before.Status === "string" ? before.Status : caseStatusLabel(row.Status as CaseStatus);
  const fields: Record<string, unknown> = { Status: status };
  if (typeof before.CoreGroupOutcome !== "string" && row.CoreGroupOutcome) fields.CoreGroupOutcome = null;
  try {
    const written = await ports.cases.update(item.id, fields, item.etag);
    await ports.rememberWrite({ ...item, ...written, fields: { ...item.fields, ...written.fields } });
  } catch (e) {
    if (!(e instanceof ItemChangedError)) throw e;
  }
  await ports.refused(row, message, `${item.id}:${item.etag}`);
}

function lastEditor(item: ListItem): string {
  return item.lastModifiedBy ?? "a coordinator";
}
