import type { CaseEffect } from "../../domain/case";
import { PENDING_EFFECTS_SCOPE } from "../cases/caseEffects";
import { CaseNotOnCardError, loadCaseOnCard, postCoreGroupCard, refreshCoreGroupCard } from "./coreGroupCard";
import type { CoreGroupPorts } from "./coreGroupPorts";

/**
 * Carries out the card effects that were kept pending while there was no Teams channel (a case became ready for
 * Core Group before the bot was set up): posts the card of each case still waiting for its decision, refreshes
 * the rest, and removes each from the pending effects once done. Returns how many it carried out.
 *
 * @example
 * await carryOutPendingCardEffects(ports) // 1: the demo case's card, posted once the bot is there
 */
export async function carryOutPendingCardEffects(ports: CoreGroupPorts): Promise<number> {
  let done = 0;
  for (const pending of await ports.state.list<{ caseRef: string; effect: CaseEffect }>(PENDING_EFFECTS_SCOPE)) {
    const { caseRef, effect } = pending.value;
    if (effect.kind !== "postCoreGroupCard" && effect.kind !== "updateCoreGroupCard") continue;
    try {
      const c = await loadCaseOnCard(ports, caseRef);
      if (effect.kind === "postCoreGroupCard" && c.row.WorkflowStatus === "readyForCoreGroup") await postCoreGroupCard(ports, caseRef, effect.key);
      else await refreshCoreGroupCard(ports, caseRef);
    } catch (e) {
      if (!(e instanceof CaseNotOnCardError)) throw e;
      ports.log(`${caseRef}: a pending ${effect.kind} was dropped: ${e.message}`);
    }
    await ports.state.remove(PENDING_EFFECTS_SCOPE, pending.name);
    done++;
  }
  return done;
}
