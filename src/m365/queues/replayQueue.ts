import { queueClient } from "./workQueue";
import type { ReplayQueue } from "../../workflows/operations/replayPoison";

/**
 * A storage queue as the poison replay uses it, text as stored (host.json: `messageEncoding: "none"`).
 *
 * @example
 * const poison = storageReplayQueue(settings.AzureWebJobsStorage, "case-intake-poison");
 */
export function storageReplayQueue(connectionString: string, name: string): ReplayQueue & { count(): Promise<number> } {
  const client = queueClient(connectionString, name);
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
