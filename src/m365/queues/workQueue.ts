import { QueueClient } from "@azure/storage-queue";
import type { z } from "zod";
import { identityEndpoint, parseStorageConnection } from "../storage/storageConnection";

/**
 * A storage queue of work for a queue-triggered function. Messages are plain JSON (host.json
 * `messageEncoding: "none"`) and carry identifiers only — case references, response ids, list names — never
 * personal data, because queue messages end up in poison queues and diagnostics that many people can read.
 *
 * @example
 * const queue = workQueue(settings.AzureWebJobsStorage, "case-intake", intakeMessageSchema);
 * await queue.send({ responseId: "17", caseRef: "LNCIP-2026-0042" });
 */
export interface WorkQueue<T> {
  readonly name: string;
  send(message: T, options?: { visibilityTimeoutSeconds?: number }): Promise<void>;
}

export function workQueue<S extends z.ZodType>(connectionString: string, name: string, schema: S): WorkQueue<z.output<S>> {
  const client = queueClient(connectionString, name);
  let created: Promise<unknown> | undefined;
  return {
    name,
    async send(message, options = {}) {
      // Validate on the way in too: a malformed message would only fail later, in the poison queue.
      const checked = schema.parse(message);
      created ??= client.createIfNotExists().catch((e: unknown) => {
        created = undefined;
        throw e;
      });
      await created;
      await client.sendMessage(JSON.stringify(checked), {
        ...(options.visibilityTimeoutSeconds ? { visibilityTimeout: options.visibilityTimeoutSeconds } : {}),
      });
    },
  };
}

export function queueClient(connectionString: string, name: string): QueueClient {
  const connection = parseStorageConnection(connectionString);
  if (connection.kind === "identity") {
    const { url, credential } = identityEndpoint(connection, "queue");
    return new QueueClient(`${url}/${name}`, credential);
  }
  return new QueueClient(connectionString, name);
}
