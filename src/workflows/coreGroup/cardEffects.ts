import type { CoreGroupCardEffects } from "../cases/caseEffects";
import { postCoreGroupCard, refreshCoreGroupCard } from "./coreGroupCard";
import type { CoreGroupPorts } from "./coreGroupPorts";

/**
 * The `postCoreGroupCard` / `updateCoreGroupCard` effects a case's transitions ask for, carried out through the
 * card workflows (and so the Teams channel).
 *
 * @example
 * carryOutCaseEffects({ ...effectPorts, coreGroupCards: coreGroupCardEffects(coreGroupPorts) }, decision.effects, row)
 */
export function coreGroupCardEffects(ports: CoreGroupPorts): CoreGroupCardEffects {
  return {
    post: async (caseRef, postingKey) => void (await postCoreGroupCard(ports, caseRef, postingKey)),
    refresh: (caseRef) => refreshCoreGroupCard(ports, caseRef),
  };
}
