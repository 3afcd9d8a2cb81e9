import { queueClient } from "../../src/m365/queues/workQueue";
import type { App } from "../../src/app/composition";
import { CASE_EFFECTS_QUEUE, carryOutQueuedEffects, caseEffectsMessageSchema } from "../../src/workflows/cases/caseEffectsQueue";

/**
 * What the case-effects function does in the host: carries out the effects a press queued (the chair is answered once
 * the decision is committed; its Decisions row, emails and the card everyone sees follow from the queue). Returns how
 * many queued messages it handled.
 */
export async function carryOutQueuedCaseEffects(app: Pick<App, "ports">, storage: string): Promise<number> {
  const queue = queueClient(storage, CASE_EFFECTS_QUEUE);
  let handled = 0;
  for (;;) {
    const batch = await queue.receiveMessages({ numberOfMessages: 32 }).catch(() => ({ receivedMessageItems: [] }));
    if (batch.receivedMessageItems.length === 0) return handled;
    for (const m of batch.receivedMessageItems) {
      await carryOutQueuedEffects(app.ports.cases, caseEffectsMessageSchema.parse(JSON.parse(m.messageText)));
      await queue.deleteMessage(m.messageId, m.popReceipt);
      handled++;
    }
  }
}
