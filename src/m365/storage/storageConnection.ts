import { ManagedIdentityCredential } from "@azure/identity";

/**
 * Where the app's own tables and queues live: a connection string (Azurite locally, or a key if someone insists),
 * or — in Azure — the storage account reached with the app's user-assigned managed identity, no key anywhere.
 *
 * The Functions host reads identity-based storage from `AzureWebJobsStorage__accountName`,
 * `AzureWebJobsStorage__credential` and `AzureWebJobsStorage__clientId`; the settings loader turns those into
 * `ManagedIdentity;AccountName=…;ClientId=…` in `AzureWebJobsStorage` (`identityStorageSetting` in
 * src/settings), so every part of the app that takes
 * "the storage connection" keeps taking one string.
 *
 * @example
 * parseStorageConnection("UseDevelopmentStorage=true")                         // { kind: "connectionString", value: "UseDevelopmentStorage=true" }
 * parseStorageConnection("ManagedIdentity;AccountName=stlncip;ClientId=3b9d…") // { kind: "identity", accountName: "stlncip", clientId: "3b9d…" }
 */
export type StorageConnection = { kind: "connectionString"; value: string } | { kind: "identity"; accountName: string; clientId?: string | undefined };

const IDENTITY = /^ManagedIdentity;AccountName=([a-z0-9]{3,24})(?:;ClientId=([0-9a-fA-F-]{36}))?$/;

export function parseStorageConnection(setting: string): StorageConnection {
  const m = IDENTITY.exec(setting.trim());
  if (m) return { kind: "identity", accountName: m[1] as string, clientId: m[2] };
  return { kind: "connectionString", value: setting };
}

/**
 * The service URL and credential for identity-based storage (public Azure endpoints).
 *
 * @example
 * identityEndpoint({ kind: "identity", accountName: "stlncip" }, "queue").url // "https://stlncip.queue.core.windows.net"
 */
export function identityEndpoint(connection: Extract<StorageConnection, { kind: "identity" }>, service: "table" | "queue") {
  return { url: `https://${connection.accountName}.${service}.core.windows.net`, credential: new ManagedIdentityCredential(connection.clientId ? { clientId: connection.clientId } : {}) };
}
