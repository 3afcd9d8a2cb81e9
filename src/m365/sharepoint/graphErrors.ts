import { GraphError } from "@microsoft/microsoft-graph-client";

/** The HTTP status of a failed Graph call, or undefined for anything that is not a Graph error. */
export function graphStatus(e: unknown): number | undefined {
  return e instanceof GraphError ? e.statusCode : undefined;
}

/** Someone else changed the item since it was read (412 on If-Match): read it again and decide again. */
export class ItemChangedError extends Error {
  constructor(readonly listName: string, readonly itemId: string) {
    super(`Item ${itemId} in ${listName} was changed by someone else since it was read; it will be read again.`);
    this.name = "ItemChangedError";
  }
}

/** The stored delta link is no longer valid (410): enumerate the list again from the start. */
export class DeltaExpiredError extends Error {
  constructor(readonly listName: string, readonly restartUrl: string | undefined) {
    super(`The change token for ${listName} has expired; the list will be read again from the start.`);
    this.name = "DeltaExpiredError";
  }
}
