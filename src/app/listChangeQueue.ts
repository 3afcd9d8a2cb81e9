import { listChangeQueue } from "../workflows/listChanges/listChangeQueue";
import type { ListChangeMessage } from "../workflows/listChanges/listChangeMessage";
import { settings } from "./processSettings";

let send: ((messages: readonly ListChangeMessage[]) => Promise<void>) | undefined;

/** This process's list-changes queue (built on the first notification, so loading the app stays light). */
export function queueListChanges(messages: readonly ListChangeMessage[]): Promise<void> {
  send ??= listChangeQueue(settings.AzureWebJobsStorage);
  return send(messages);
}
