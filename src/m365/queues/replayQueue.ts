import { QueueClient } from "@azure/storage-queue";
import type { TokenCredential } from "@azure/identity";
import { queueClient } from "./workQueue";

/** A queue as replay needs it: receive a batch (hidden while being moved), send text, delete a received one. */
export interface ReplayQueue {
  receive(max: number, visibilitySeconds: number): Promise<{ id: string; popReceipt: string; text: string }[]>;
  send(text: string): Promise<void>;
  delete(id: string, popReceipt: string): Promise<void>;
}

/**
 * A storage queue as the poison replay uses it, text as stored (host.json: `messageEncoding: "none"`).
 *
 * @example
 * const poison = storageReplayQueue(settings.AzureWebJobsStorage, "case-intake-poison");
 */
export function storageReplayQueue(connectionString: string, name: string): ReplayQueue & { count(): Promise<number> } {
  return replayQueueOver(queueClient(connectionString, name));
}

/**
 * The same, for an administrator reaching the storage account with their own Entra sign-in (the account has no
 * shared keys): `https://{account}.queue.core.windows.net`, with a credential such as `az login`'s.
 *
 * @example
 * accountReplayQueue("stlncipflow", "case-intake-poison", new DefaultAzureCredential())
 */
export function accountReplayQueue(accountName: string, name: string, credential: TokenCredential): ReplayQueue & { count(): Promise<number> } {
  return replayQueueOver(new QueueClient(`https://${accountName}.queue.core.windows.net/${name}`, credential));
}

function replayQueueOver(client: QueueClient): ReplayQueue & { count(): Promise<number> } {
  return {
    async receive(max, visibilitySeconds) {
      if (!(await client.exists())) return [];
      const r = await client.receiveMessages({ numberOfMessages: max, visibilityTimeout: visibilitySeconds });
      return r.receivedMessageItems.map((m) => ({ id: m.messageId, popReceipt: m.popReceipt, text: m.messageText }));
    },
    async send(text) {
      await client.createIfNotExists();
      await client.sendMessage(text);
    },
    async delete(id, popReceipt) {
      await client.deleteMessage(id, popReceipt);
    },
    async count() {
      if (!(await client.exists())) return 0;
      return (await client.getProperties()).approximateMessagesCount ?? 0;
    },
  };
}
