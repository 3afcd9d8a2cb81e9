import { createHash } from "node:crypto";
import { TableClient, RestError, type TableEntityResult } from "@azure/data-tables";
import { identityEndpoint, parseStorageConnection } from "../storage/storageConnection";

/**
 * One Azure Table, created on first use. The app keeps its own small state here (delta links, idempotency
 * keys, case-number counters, conversation references, the audit trail): app-private and transactional per
 * partition, which SharePoint lists are not.
 *
 * @example
 * const table = tableStore(settings.AzureWebJobsStorage, "AppState");
 * await table.ready();
 */
export interface TableStore {
  readonly client: TableClient;
  /** Creates the table if it does not exist yet (idempotent, cached per process). */
  ready(): Promise<void>;
}

export function tableStore(connectionString: string, tableName: string): TableStore {
  const connection = parseStorageConnection(connectionString);
  // In Azure: the managed identity, no key (see storageConnection.ts).
  const identity = connection.kind === "identity" ? identityEndpoint(connection, "table") : undefined;
  // Azurite speaks plain http on loopback; the SDK refuses that unless told.
  const client = identity
    ? new TableClient(identity.url, tableName, identity.credential)
    : TableClient.fromConnectionString(connectionString, tableName, {
        allowInsecureConnection: /UseDevelopmentStorage=true|http:\/\//i.test(connectionString),
      });
  let creating: Promise<void> | undefined;
  return {
    client,
    ready() {
      creating ??= client.createTable().catch((e: unknown) => {
        creating = undefined;
        throw e;
      });
      return creating;
    },
  };
}

/** The longest key `tableKey` gives (Azure Table keys are at most 1 KiB: 512 UTF-16 characters). */
export const MAX_TABLE_KEY_CHARS = 400;

/**
 * A row or partition key for any value: keys may not contain / \ # ? or control characters, so anything outside a
 * safe set is encoded; and keys are at most 1 KiB, so an encoded value longer than `MAX_TABLE_KEY_CHARS` keeps its
 * start (for reading) and ends with the SHA-256 of the whole value (for uniqueness). Short keys are as they always were.
 *
 * @example
 * tableKey("r/1?#") // "r~002f1~003f~0023"
 * tableKey("x".repeat(5000)).length // 367
 */
export function tableKey(value: string): string {
  const encoded = value.replace(/[^A-Za-z0-9 _.:@+=,;()-]/g, (c) => `~${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  if (encoded.length <= MAX_TABLE_KEY_CHARS) return encoded;
  return `${encoded.slice(0, 300)}~h${createHash("sha256").update(value, "utf8").digest("hex")}`;
}

export function isStatus(e: unknown, ...statuses: number[]): boolean {
  return e instanceof RestError && e.statusCode !== undefined && statuses.includes(e.statusCode);
}

export async function getEntityOrUndefined<T extends object>(
  client: TableClient,
  partitionKey: string,
  rowKey: string,
): Promise<TableEntityResult<T> | undefined> {
  try {
    return await client.getEntity<T>(partitionKey, rowKey);
  } catch (e) {
    if (isStatus(e, 404)) return undefined;
    throw e;
  }
}
