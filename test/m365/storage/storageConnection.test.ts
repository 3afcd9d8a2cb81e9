import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSettings } from "../../../src/settings/settings";
import { parseStorageConnection } from "../../../src/m365/storage/storageConnection";
import { tableStore } from "../../../src/m365/tables/tableStore";
import { queueClient } from "../../../src/m365/queues/workQueue";

const example = (JSON.parse(readFileSync(join(__dirname, "../../../local.settings.example.json"), "utf8")) as { Values: Record<string, string> }).Values;
const clientId = "3b9d8f5e-7c21-4e0a-8f3b-000000000002";

describe("identity-based storage (Azure: no storage key anywhere)", () => {
  it("takes the host's AzureWebJobsStorage__accountName and __clientId when AzureWebJobsStorage is not set", () => {
    const settings = loadSettings({ ...example, AzureWebJobsStorage: undefined, AzureWebJobsStorage__accountName: "stlncipflow", AzureWebJobsStorage__credential: "managedidentity", AzureWebJobsStorage__clientId: clientId });
    expect(parseStorageConnection(settings.AzureWebJobsStorage)).toEqual({ kind: "identity", accountName: "stlncipflow", clientId });
  });

  it("points the app's tables and queues at the account's endpoints with the managed identity", () => {
    const setting = `ManagedIdentity;AccountName=stlncipflow;ClientId=${clientId}`;
    expect(tableStore(setting, "AppState").client.url).toBe("https://stlncipflow.table.core.windows.net");
    expect(queueClient(setting, "case-intake").url).toBe("https://stlncipflow.queue.core.windows.net/case-intake");
  });

  it("leaves a connection string as it is (Azurite locally)", () => {
    expect(parseStorageConnection("UseDevelopmentStorage=true")).toEqual({ kind: "connectionString", value: "UseDevelopmentStorage=true" });
    expect(loadSettings(example).AzureWebJobsStorage).toBe("UseDevelopmentStorage=true");
  });
});
