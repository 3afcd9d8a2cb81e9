import { RestError } from "@azure/data-tables";
import type { TokenCredential } from "@azure/identity";
import { tableStore } from "../m365/tables/tableStore";
import { appState } from "../m365/tables/appState";
import { degradedParts } from "../workflows/operations/degradedParts";
import { queueClient } from "../m365/queues/workQueue";
import type { Settings } from "../settings/settings";
import { CASE_INTAKE_QUEUE } from "../workflows/intake/intakeMessage";
import { LIST_CHANGES_QUEUE } from "../workflows/listChanges/listChangeMessage";
import { CASE_EFFECTS_QUEUE } from "../workflows/cases/caseEffectsQueue";
import type { HealthPorts } from "../workflows/operations/healthCheck";

/**
 * The app's work queues: each has a `-poison` twin the host fills after maxDequeueCount failed tries. New
 * queue-triggered workflows add their queue here so health and replay know it.
 *
 * @example
 * workQueues // ["case-intake", "list-changes", "case-effects"]
 */
export const workQueues: readonly string[] = [CASE_INTAKE_QUEUE, LIST_CHANGES_QUEUE, CASE_EFFECTS_QUEUE];

/**
 * The health check's ports: the app's state table, the app's Graph credential (its tokens cached), its queues.
 *
 * @example
 * await checkHealth(healthPorts(settings, graphCredential(settings)))
 */
export function healthPorts(settings: Settings, credential: TokenCredential): HealthPorts {
  const state = tableStore(settings.AzureWebJobsStorage, "AppState");
  return {
    queues: workQueues,
    now: () => Date.now(),
    degraded: () => degradedParts(appState(state)),
    async probeStorage() {
      await state.ready();
      try {
        await state.client.getEntity("health", "probe");
      } catch (e) {
        if (!(e instanceof RestError && e.statusCode === 404)) throw e;
      }
    },
    async graphToken() {
      const token = await credential.getToken("https://graph.microsoft.com/.default");
      if (!token?.token) throw new Error("No token");
    },
    async queueDepth(name) {
      try {
        return (await queueClient(settings.AzureWebJobsStorage, name).getProperties()).approximateMessagesCount ?? 0;
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode === 404) return 0;
        throw e;
      }
    },
  };
}
