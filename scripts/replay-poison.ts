import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { workQueues } from "../src/app/operations";
import { storageReplayQueue } from "../src/m365/queues/replayQueue";
import { replayPoison } from "../src/workflows/operations/replayPoison";

/**
 * npm run replay-poison -- --queue <name> [--max N] [--dry-run]
 *
 * Moves the messages parked in `<name>-poison` back to `<name>` so the queue-triggered function tries them
 * again (after the cause is fixed: README, "When the poison queue is not empty"). Storage from
 * AzureWebJobsStorage (environment, then local.settings.json).
 */
const usage = "npm run replay-poison -- --queue <name> [--max N] [--dry-run]";

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
    })
    .safeParse({ queue: value("--queue"), max: value("--max") });
  if (!args.success) {
    process.stderr.write(`${args.error.issues.map((i) => i.message).join("\n")}\n`);
    return 2;
  }
  const file = join(process.cwd(), "local.settings.json");
  const local = existsSync(file) ? ((JSON.parse(readFileSync(file, "utf8")) as { Values?: Record<string, string> }).Values ?? {}) : {};
  const storage = process.env.AzureWebJobsStorage || local.AzureWebJobsStorage;
  if (!storage) {
    process.stderr.write("AzureWebJobsStorage is not set (environment or local.settings.json): the storage account's connection string.\n");
    return 2;
  }
  const { queue, max } = args.data;
  if (!workQueues.includes(queue)) process.stdout.write(`Note: ${queue} is not one of the app's work queues (${workQueues.join(", ")}).\n`);
  const poison = storageReplayQueue(storage, `${queue}-poison`);
  const waiting = await poison.count();
  if (argv.includes("--dry-run")) {
    process.stdout.write(`${queue}-poison holds about ${waiting} message(s); nothing moved (dry run).\n`);
    return 0;
  }
  const report = await replayPoison(poison, storageReplayQueue(storage, queue), { ...(max ? { max } : {}) });
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
