import { QueueClient, QueueServiceClient } from "@azure/storage-queue";
import type { CoreState, RegisteredFunction } from "./coreModule";
import { invoke, typedDataText, type InvocationOutcome } from "./invoke";
import { resolveSetting, timeSpanMs, type HostJson } from "./appLoader";

export interface QueueOptions {
  encoding: "base64" | "none";
  batchSize: number;
  maxDequeueCount: number;
  visibilityTimeoutMs: number;
  maxPollingIntervalMs: number;
}

export function queueOptions(host: HostJson): QueueOptions {
  const q = host.extensions?.queues ?? {};
  return {
    encoding: q.messageEncoding ?? "base64",
    batchSize: q.batchSize ?? 16,
    maxDequeueCount: q.maxDequeueCount ?? 5,
    visibilityTimeoutMs: timeSpanMs(q.visibilityTimeout, 0),
    // The real host backs off to a minute; locally, a short ceiling keeps the demo responsive.
    maxPollingIntervalMs: timeSpanMs(q.maxPollingInterval, 2_000),
  };
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

/** Writes a function's queue output bindings: each array element is its own message, as the host does. */
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
  }
}

/**
 * Drains one queue trigger with the host's semantics: a batch at a time, each message invisible while it runs,
 * deleted on success, visible again after `visibilityTimeout` on failure, and moved to `<queue>-poison` once it
 * has been tried `maxDequeueCount` times. Polls at once while messages keep coming, backing off when idle.
 */
export function startQueueTrigger(core: CoreState, fn: RegisteredFunction, triggerName: string, options: QueueOptions): () => Promise<void> {
  const binding = fn.metadata.bindings[triggerName]!;
  const queueName = resolveSetting(binding.queueName ?? "");
  const client = queueClient(binding.connection ?? "AzureWebJobsStorage", queueName);
  const poison = queueClient(binding.connection ?? "AzureWebJobsStorage", `${queueName}-poison`);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let running: Promise<void> = Promise.resolve();

  const handle = async (m: { messageId: string; popReceipt: string; messageText: string; dequeueCount: number; insertedOn: Date; expiresOn: Date; nextVisibleOn: Date }) => {
    if (m.dequeueCount > options.maxDequeueCount) return moveToPoison(m);
    const text = decode(m.messageText, options.encoding);
    try {
      const outcome = await invoke(core, fn, [{ name: triggerName, data: { string: text } }], {
        Id: { string: m.messageId },
        DequeueCount: { json: String(m.dequeueCount) },
        InsertionTime: { string: m.insertedOn.toISOString() },
        ExpirationTime: { string: m.expiresOn.toISOString() },
        NextVisibleTime: { string: m.nextVisibleOn.toISOString() },
        PopReceipt: { string: m.popReceipt },
        QueueTrigger: { string: text },
      });
      await writeQueueOutputs(fn, outcome, options);
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

  const loop = async () => {
    let idle = 100;
    while (!stopped) {
      let got = 0;
      try {
        await ensure(client);
        const batch = await client.receiveMessages({ numberOfMessages: Math.min(32, options.batchSize), visibilityTimeout: 600 });
        got = batch.receivedMessageItems.length;
        await Promise.all(batch.receivedMessageItems.map((m) => handle(m).catch((e: unknown) => core.log("error", fn.metadata.name, String(e)))));
      } catch (e) {
        core.log("warning", fn.metadata.name, `Polling ${queueName} failed: ${(e as Error).message}`);
      }
      if (got > 0) {
        idle = 100;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, idle);
      });
      idle = Math.min(idle * 2, options.maxPollingIntervalMs);
    }
  };
  running = loop();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    wake?.();
    await running;
  };
}
