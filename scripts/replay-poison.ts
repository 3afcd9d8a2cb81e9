import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { workQueues } from "../src/app/operations";
import { DefaultAzureCredential } from "@azure/identity";
import { accountReplayQueue, storageReplayQueue } from "../src/m365/queues/replayQueue";
import { replayPoison } from "../src/workflows/operations/replayPoison";

/**
 * npm run replay-poison -- --queue <name> [--account <storage account>] [--max N] [--dry-run]
 *
 * Moves the messages parked in `<name>-poison` back to `<name>` so the queue-triggered function tries them
 * again (after the cause is fixed: docs/operations.md, "When the poison queue is not empty"). Storage from
 * AzureWebJobsStorage (environment, then local.settings.json).
 */
const usage = "npm run replay-poison -- --queue <name> [--account <storage account>] [--max N] [--dry-run]";

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const args = z
    .object({
      queue: z.string({ error: `--queue is required.\nUsage: ${usage}` }).regex(/^[a-z0-9](?:[a-z0-9-]{1,55})[a-z0-9]$/, "expected a storage queue name (lower-case letters, digits and hyphens)").refine((q) => !q.endsWith("-poison"), "name the work queue, not its -poison twin"),
      max: z.coerce.number().int().min(1).optional(),
      account: z.string().regex(/^[a-z0-9]{3,24}$/, "expected a storage account name (3 to 24 lower-case letters and digits)").optional(),
    })
    .safeParse({ queue: value("--queue"), max: value("--max"), account: value("--account") });
  if (!args.success) {
    process.stderr.write(`${args.error.issues.map((i) => i.message).join("\n")}\n`);
    return 2;
  }
  const file = join(process.cwd(), "local.settings.json");
  const local = existsSync(file) ? ((JSON.parse(readFileSync(file, "utf8")) as { Values?: Record<string, string> }).Values ?? {}) : {};
  const storage = process.env.AzureWebJobsStorage || local.AzureWebJobsStorage;
  const { queue, max, account } = args.data;
  if (!storage && !account) {
    process.stderr.write("Name the storage account with --account (Azure: signs in as you, e.g. az login) or set AzureWebJobsStorage (a connection string, e.g. Azurite).\n");
    return 2;
  }
  // In Azure the account has no shared keys: the administrator's own sign-in, with Storage Queue Data Contributor.
  const credential = account ? new DefaultAzureCredential() : undefined;
  const open = (name: string) => (account && credential ? accountReplayQueue(account, name, credential) : storageReplayQueue(storage as string, name));
  if (!workQueues.includes(queue)) process.stdout.write(`Note: ${queue} is not one of the app's work queues (${workQueues.join(", ")}).\n`);
  const poison = open(`${queue}-poison`);
  const waiting = await poison.count();
  if (argv.includes("--dry-run")) {
    process.stdout.write(`${queue}-poison holds about ${waiting} message(s); nothing moved (dry run).\n`);
    return 0;
  }
  const report = await replayPoison(poison, open(queue), { ...(max ? { max } : {}) });
  process.stdout.write(`Moved ${report.moved} message(s) from ${queue}-poison back to ${queue}.\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
