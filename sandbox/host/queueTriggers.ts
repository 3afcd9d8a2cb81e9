import { QueueClient, QueueServiceClient } from "@azure/storage-queue";
import type { CoreState, RegisteredFunction } from "./coreModule";
import { invoke, typedDataText, type InvocationOutcome } from "./invoke";
import { resolveSetting, timeSpanMs, type HostJson } from "./appLoader";
import { MINIMUM_POLLING_INTERVAL_MS, messageEnqueued, onMessageEnqueued, pollingBackoff, scalingGroup } from "./queuePolling";

export interface QueueOptions {
  encoding: "base64" | "none";
  batchSize: number;
  /** Fetch the next batch once the messages in flight drop to this many (host.json newBatchThreshold). */
  newBatchThreshold: number;
  maxDequeueCount: number;
  visibilityTimeoutMs: number;
  maxPollingIntervalMs: number;
}

/**
 * The queue settings of host.json with the Storage extension's defaults (batchSize 16, newBatchThreshold half of
 * it, 5 tries, no visibility timeout, back-off up to a minute; a maxPollingInterval under 100 ms is refused).
 *
 * @example
 * queueOptions({ extensions: { queues: { batchSize: 16, maxPollingInterval: "00:00:02" } } }).maxPollingIntervalMs // 2000
 */
export function queueOptions(host: HostJson): QueueOptions {
  const q = host.extensions?.queues ?? {};
  const batchSize = q.batchSize ?? 16;
  return {
    encoding: q.messageEncoding ?? "base64",
    batchSize,
    newBatchThreshold: q.newBatchThreshold ?? Math.floor(batchSize / 2),
    maxDequeueCount: q.maxDequeueCount ?? 5,
    visibilityTimeoutMs: timeSpanMs(q.visibilityTimeout, 0),
    maxPollingIntervalMs: minimumPolling(timeSpanMs(q.maxPollingInterval, 60_000)),
  };
}

/** The Storage extension refuses a maxPollingInterval under 100 ms, and so does the local host. */
function minimumPolling(ms: number): number {
  if (ms < MINIMUM_POLLING_INTERVAL_MS) throw new Error(`host.json: extensions.queues.maxPollingInterval must be at least 00:00:00.100 (it is ${ms} ms).`);
  return ms;
}

const clients = new Map<string, QueueClient>();
export function queueClient(connectionSetting: string, queueName: string): QueueClient {
  const key = `${connectionSetting}|${queueName}`;
  let client = clients.get(key);
  if (!client) {
    const conn = process.env[connectionSetting];
    if (!conn) throw new Error(`The app setting ${connectionSetting} (a queue connection) is not set.`);
    client = QueueServiceClient.fromConnectionString(conn).getQueueClient(queueName);
    clients.set(key, client);
  }
  return client;
}

const groupOf = (fn: RegisteredFunction) => scalingGroup(fn.metadata.name, Object.values(fn.metadata.bindings).filter((b) => b.direction === "in").map((b) => b.type));

const ensured = new Set<string>();
async function ensure(client: QueueClient): Promise<void> {
  if (ensured.has(client.url)) return;
  await client.createIfNotExists();
  ensured.add(client.url);
}

export function encode(text: string, encoding: QueueOptions["encoding"]): string {
  return encoding === "base64" ? Buffer.from(text, "utf8").toString("base64") : text;
}
function decode(text: string, encoding: QueueOptions["encoding"]): string {
  return encoding === "base64" ? Buffer.from(text, "base64").toString("utf8") : text;
}

/**
 * Writes a function's queue output bindings: each array element is its own message, as the host does, and wakes
 * this host's listener on that queue (the host's SharedQueueWatcher), so it need not wait for its next poll.
 */
export async function writeQueueOutputs(fn: RegisteredFunction, outcome: InvocationOutcome, options: QueueOptions): Promise<void> {
  for (const out of outcome.outputData ?? []) {
    const binding = fn.metadata.bindings[out.name];
    if (!binding || binding.type.toLowerCase() !== "queue") continue;
    const client = queueClient(binding.connection ?? "AzureWebJobsStorage", resolveSetting(binding.queueName ?? ""));
    await ensure(client);
    const text = typedDataText(out.data);
    if (text === undefined) continue;
    let messages: string[] = [text];
    if (out.data.json !== undefined) {
      const parsed = JSON.parse(out.data.json) as unknown;
      if (Array.isArray(parsed)) messages = parsed.map((m) => (typeof m === "string" ? m : JSON.stringify(m)));
    }
    for (const m of messages) await client.sendMessage(encode(m, options.encoding));
    messageEnqueued(client.name, groupOf(fn));
  }
}

/**
 * Drains one queue trigger with the host's semantics: a batch at a time (each message invisible while it runs,
 * deleted on success, visible again after `visibilityTimeout` on failure, moved to `<queue>-poison` once it has
 * been tried `maxDequeueCount` times), and polled as the Storage extension polls (see queuePolling.ts): the next
 * batch as soon as the messages in flight drop to `newBatchThreshold`, a randomised exponential back-off up to
 * `maxPollingInterval` while the queue is empty, and at once when a function of this host writes to the queue.
 */
export function startQueueTrigger(core: CoreState, fn: RegisteredFunction, triggerName: string, options: QueueOptions): () => Promise<void> {
  const binding = fn.metadata.bindings[triggerName]!;
  const queueName = resolveSetting(binding.queueName ?? "");
  const client = queueClient(binding.connection ?? "AzureWebJobsStorage", queueName);
  const poison = queueClient(binding.connection ?? "AzureWebJobsStorage", `${queueName}-poison`);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let notified = false;
  let running: Promise<void> = Promise.resolve();
  const inFlight = new Set<Promise<void>>();

  const handle = async (m: { messageId: string; popReceipt: string; messageText: string; dequeueCount: number; insertedOn: Date; expiresOn: Date; nextVisibleOn: Date }) => {
    if (m.dequeueCount > options.maxDequeueCount) return moveToPoison(m);
    const text = decode(m.messageText, options.encoding);
    try {
      await invoke(core, fn, [{ name: triggerName, data: { string: text } }], {
        Id: { string: m.messageId },
        DequeueCount: { json: String(m.dequeueCount) },
        InsertionTime: { string: m.insertedOn.toISOString() },
        ExpirationTime: { string: m.expiresOn.toISOString() },
        NextVisibleTime: { string: m.nextVisibleOn.toISOString() },
        PopReceipt: { string: m.popReceipt },
        QueueTrigger: { string: text },
      }, `New queue message detected on '${queueName}'.`, (outcome) => writeQueueOutputs(fn, outcome, options));
      await client.deleteMessage(m.messageId, m.popReceipt);
    } catch (e) {
      core.log("error", fn.metadata.name, `Message ${m.messageId} failed (try ${m.dequeueCount} of ${options.maxDequeueCount}): ${(e as Error).message}`);
      if (m.dequeueCount >= options.maxDequeueCount) return moveToPoison(m);
      await client.updateMessage(m.messageId, m.popReceipt, undefined, Math.ceil(options.visibilityTimeoutMs / 1000)).catch(() => undefined);
    }
  };
  const moveToPoison = async (m: { messageId: string; popReceipt: string; messageText: string }) => {
    await ensure(poison);
    await poison.sendMessage(m.messageText);
    await client.deleteMessage(m.messageId, m.popReceipt);
    core.log("warning", fn.metadata.name, `Message ${m.messageId} moved to ${queueName}-poison`);
  };
  const track = (p: Promise<void>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  // A write by a function of this instance (its scaling group) ends the current wait, or, mid-poll, the next one.
  const unwatch = onMessageEnqueued(queueName, groupOf(fn), () => {
    notified = true;
    wake?.();
  });
  const backoff = pollingBackoff(options.maxPollingIntervalMs);
  const loop = async () => {
    let foundSinceLastDelay = false;
    while (!stopped) {
      notified = false;
      let got = 0;
      try {
        await ensure(client);
        const batch = await client.receiveMessages({ numberOfMessages: Math.min(32, options.batchSize), visibilityTimeout: 600 });
        got = batch.receivedMessageItems.length;
        for (const m of batch.receivedMessageItems) track(handle(m).catch((e: unknown) => core.log("error", fn.metadata.name, String(e))));
      } catch (e) {
        core.log("warning", fn.metadata.name, `Polling ${queueName} failed: ${(e as Error).message}`);
      }
      if (got > 0) {
        foundSinceLastDelay = true;
        // The next batch once the messages in flight drop to the threshold, without waiting for the whole batch.
        while (inFlight.size > options.newBatchThreshold && !stopped) await Promise.race(inFlight);
        continue;
      }
      const delay = backoff.next(foundSinceLastDelay);
      foundSinceLastDelay = false;
      if (notified) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, delay);
      });
      wake = undefined;
      if (timer) clearTimeout(timer);
    }
    await Promise.all(inFlight);
  };
  running = loop();
  return async () => {
    stopped = true;
    unwatch();
    if (timer) clearTimeout(timer);
    wake?.();
    await running;
  };
}
