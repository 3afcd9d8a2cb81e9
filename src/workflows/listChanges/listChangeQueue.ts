import { groupCommit } from "../../m365/queues/groupCommit";
import { workQueue } from "../../m365/queues/workQueue";
import { LIST_CHANGES_QUEUE, listChangeMessageSchema, mergeListChangeMessages, type ListChangeMessage } from "./listChangeMessage";

/**
 * The list-changes queue as the notification webhook writes it: each POST's accepted notifications are written before
 * its 202, and the POSTs that arrive while a write is under way go together in the next, one message per
 * subscription (`mergeListChangeMessages`). A burst of Graph's notifications then costs a few queue writes and a few
 * delta rounds' worth of messages instead of one of each per notification, and the answer waits on one write at most
 * one write behind.
 *
 * @example
 * const send = listChangeQueue(settings.AzureWebJobsStorage);
 * await send([{ subscriptionId: "s1", receivedAt: "2026-12-02T09:00:00.000Z" }]);
 */
export function listChangeQueue(connectionString: string): (messages: readonly ListChangeMessage[]) => Promise<void> {
  const queue = workQueue(connectionString, LIST_CHANGES_QUEUE, listChangeMessageSchema);
  return groupCommit<ListChangeMessage>(async (messages) => {
    await Promise.all(mergeListChangeMessages(messages).map((m) => queue.send(m)));
  });
}
