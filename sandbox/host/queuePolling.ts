/**
 * How the Azure Functions host's queue trigger (the Storage extension's QueueListener) decides when to poll, so
 * the local host waits exactly as long as Azure would — never less:
 *
 * - a poll that finds messages is followed by another at once, as soon as the messages in flight drop to
 *   `newBatchThreshold` (by default half of `batchSize`);
 * - an empty poll waits by a randomised exponential back-off: 100 ms (QueuePollingIntervals.Minimum), then 100 ms
 *   plus 100 ms × 2^(n−1) × a random factor in [0.8, 1.2), up to `maxPollingInterval`; the first empty poll after
 *   messages were found waits the minimum again;
 * - a function of the same host instance that writes to a queue through an output binding wakes that queue's
 *   listener at once (SharedQueueWatcher.Notify). A message written by anyone else — the Storage SDK, or another
 *   instance — is found by the next poll.
 *
 * On Flex Consumption (infra/main.bicep) functions scale per function: the HTTP-triggered functions share their own
 * instances and every queue-triggered function runs on instances of its own. So the webhook that queues a list
 * change and the queue function that runs it never share a host: the new message is found by polling, and its
 * latency does depend on maxPollingInterval (up to it after an idle spell). The local host hosts every function in
 * one process but wakes a listener only for writes from the same scaling group (`scalingGroup`), as Azure would.
 */

/** QueuePollingIntervals.Minimum in the Storage extension: the smallest wait between polls, and the back-off's step. */
export const MINIMUM_POLLING_INTERVAL_MS = 100;
const RANDOMIZATION_FACTOR = 0.2;

/**
 * The Storage extension's RandomizedExponentialBackoffStrategy: `next(true)` after messages were found returns the
 * minimum and restarts the back-off; `next(false)` grows the wait towards `maximumMs`.
 *
 * @example
 * const backoff = pollingBackoff(2_000, () => 0.5);
 * [backoff.next(false), backoff.next(false), backoff.next(false), backoff.next(false)] // [100, 200, 300, 500]
 * backoff.next(true) // 100
 */
export function pollingBackoff(maximumMs: number, random: () => number = Math.random): { next(foundMessages: boolean): number } {
  const minimum = Math.min(MINIMUM_POLLING_INTERVAL_MS, maximumMs);
  let current = 0;
  let exponent = 0;
  return {
    next(foundMessages) {
      if (foundMessages) {
        current = minimum;
        exponent = 1;
        return current;
      }
      if (current === maximumMs) return current;
      let wait = minimum;
      if (exponent > 0) wait += (1 - RANDOMIZATION_FACTOR + random() * 2 * RANDOMIZATION_FACTOR) * 2 ** (exponent - 1) * MINIMUM_POLLING_INTERVAL_MS;
      if (wait < maximumMs) {
        current = wait;
        exponent++;
      } else {
        current = maximumMs;
      }
      return current;
    },
  };
}

/**
 * Which instances a function runs on under Flex Consumption's per-function scaling: HTTP, Blob (Event Grid) and
 * Durable triggers share the "http" group's instances; every other function has instances of its own.
 *
 * @example
 * scalingGroup("notifications", ["httpTrigger"]) // "http"
 * scalingGroup("listChanges", ["queueTrigger"]) // "function:listChanges"
 */
export function scalingGroup(functionName: string, triggerTypes: readonly string[]): string {
  const shared = triggerTypes.some((t) => /^(httpTrigger|blobTrigger|orchestrationTrigger|activityTrigger|entityTrigger|durableClient)$/i.test(t));
  return shared ? "http" : `function:${functionName}`;
}

type Wake = () => void;
const listeners = new Map<string, Set<{ group: string; wake: Wake }>>();

/**
 * SharedQueueWatcher: a queue listener registers to be woken when a function of its own host instance (its scaling
 * group) writes to its queue.
 *
 * @example
 * const stop = onMessageEnqueued("list-changes", "function:listChanges", () => pollNow());
 */
export function onMessageEnqueued(queueName: string, group: string, wake: Wake): () => void {
  let set = listeners.get(queueName);
  if (!set) listeners.set(queueName, (set = new Set()));
  const entry = { group, wake };
  set.add(entry);
  return () => void set.delete(entry);
}

/** Called after an output binding of a function in `group` has written to `queueName`: wakes that group's listeners. */
export function messageEnqueued(queueName: string, group: string): void {
  for (const l of listeners.get(queueName) ?? []) if (l.group === group) l.wake();
}
