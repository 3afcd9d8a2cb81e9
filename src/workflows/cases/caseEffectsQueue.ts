import { z } from "zod";
import { carryOutStashed, owedToTheMailbox, type CasesHandlerPorts } from "./casesHandler";

/**
 * The queue message asking for a case item's committed effects to be carried out: the item's id only (no personal
 * data reaches a queue). Sent after a command answered before its effects (a press in Teams: see `applyCaseCommand`).
 */
export const caseEffectsMessageSchema = z.strictObject({ itemId: z.string().regex(/^[0-9A-Za-z-]{1,64}$/) });
export type CaseEffectsMessage = z.infer<typeof caseEffectsMessageSchema>;
export const CASE_EFFECTS_QUEUE = "case-effects";

/**
 * Carries out a case item's committed effects, in the order of their transitions, each once (the effect ledger's
 * keys). Effects under way in another worker make it fail, so the queue tries again shortly; a repeat finds nothing.
 * Emails owed to a busy mailbox queue the item again for after the mailbox's Retry-After, the rest done meanwhile.
 *
 * @example
 * await carryOutQueuedEffects(casesPorts, { itemId: "17" }) // 1: the decision's effects — its Decisions row, the school's email, the card
 */
export async function carryOutQueuedEffects(ports: Pick<CasesHandlerPorts, "state" | "carryOut" | "queueEffects" | "log">, message: CaseEffectsMessage): Promise<number> {
  try {
    return await carryOutStashed(ports, message.itemId);
  } catch (e) {
    // Emails owed to a busy mailbox: this message is done; a new one comes back after the Retry-After.
    if (await owedToTheMailbox(ports, message.itemId, e)) return 0;
    throw e;
  }
}
