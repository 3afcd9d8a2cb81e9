import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { DefaultAzureCredential } from "@azure/identity";
import { TableClient } from "@azure/data-tables";
import { providerKeys, tableStore, type TableStore } from "../src/m365/tables";
import { CENTRE_PROVIDER_ID } from "../src/domain/placement/providers";

/**
 * npm run provider-key -- issue <provider id> | revoke <provider id> | list [--account <storage account>]
 *
 * Issues a provider its own key for POST /api/attendance/marks (shown once: send it to the provider's office by a
 * channel you trust; the app keeps only its SHA-256), revokes a provider's keys, or lists who has keys. The provider
 * id is the Providers list's ProviderId (the one its placements' patterns name); `centre` is the partnership's own
 * centre staff. Storage from AzureWebJobsStorage (environment, then local.settings.json), or --account in Azure
 * (your own sign-in, with Storage Table Data Contributor).
 */
const usage = "npm run provider-key -- issue <provider id> | revoke <provider id> | list [--account <storage account>]";

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const at = argv.indexOf("--account");
  const account = at >= 0 ? argv[at + 1] : undefined;
  const [command, providerId] = argv.filter((_, i) => i !== at && i !== at + 1);
  const args = z
    .object({
      command: z.enum(["issue", "revoke", "list"], { error: `Usage: ${usage}` }),
      providerId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,49}$/, `a provider id as the Providers list has it (lower-case letters, digits and dashes), or ${CENTRE_PROVIDER_ID}`).optional(),
      account: z.string().regex(/^[a-z0-9]{3,24}$/, "expected a storage account name").optional(),
    })
    .refine((a) => a.command === "list" || a.providerId !== undefined, `Name the provider. Usage: ${usage}`)
    .safeParse({ command, providerId, account });
  if (!args.success) {
    process.stderr.write(`${args.error.issues.map((i) => i.message).join("\n")}\n`);
    return 2;
  }
  const file = join(process.cwd(), "local.settings.json");
  const local = existsSync(file) ? ((JSON.parse(readFileSync(file, "utf8")) as { Values?: Record<string, string> }).Values ?? {}) : {};
  const storage = process.env.AzureWebJobsStorage || local.AzureWebJobsStorage;
  let store: TableStore;
  if (args.data.account) {
    const client = new TableClient(`https://${args.data.account}.table.core.windows.net`, "ProviderKeys", new DefaultAzureCredential());
    store = { client, ready: async () => void (await client.createTable()) };
  } else if (storage) {
    store = tableStore(storage, "ProviderKeys");
  } else {
    process.stderr.write("Set AzureWebJobsStorage (a connection string, e.g. Azurite) or name the storage account with --account.\n");
    return 2;
  }
  const keys = providerKeys(store);
  if (args.data.command === "list") {
    for (const k of await keys.list()) process.stdout.write(`${k.providerId}\tissued ${k.issuedAt}\tfingerprint ${k.fingerprint}\n`);
    return 0;
  }
  const id = args.data.providerId as string;
  if (args.data.command === "revoke") {
    process.stdout.write(`Revoked ${await keys.revoke(id)} key(s) of ${id}.\n`);
    return 0;
  }
  const key = await keys.issue(id, new Date());
  process.stdout.write(`Key for ${id} (shown once; the app keeps only its hash):\n\n  ${key}\n\nThe provider's flow sends it in the x-provider-key header, beside the function key in x-functions-key.\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
