import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { settingsSchema } from "../src/settings/settings";
import { identityStorageSetting } from "../src/settings/settings";
import { graphClient } from "../src/m365/graph/graphClient";
import { sharePointSite } from "../src/m365/sharepoint/site";
import { appState, tableStore } from "../src/m365/tables";
import { botAdapter } from "../src/teams/bot/functionsBotAdapter";
import { conversationStore } from "../src/teams/bot/conversationStore";
import { botTeamsChannel } from "../src/teams/bot/botTeamsChannel";
import { checkPermissions, formatGrantChecks, type BotCheckPort } from "../src/workflows/provisioning/permissionChecks";

/**
 * `npm run provision -- --check [--site host:/sites/path] [--send-test-mail <address>]`: proves each permission the
 * app uses in the tenant its settings name (environment first, then local.settings.json), as the identity those
 * settings give, and prints each grant's state with the commands that grant what is missing. Exit code 1 when
 * something is missing. It writes nothing that stays: the test subscription and the test meeting are deleted; the
 * bot posts one short card into the Core Group's channel (the proof that it can).
 */
export const checkUsage = "npm run provision -- --check [--site <host:/sites/path>] [--send-test-mail <address>]";

const checkSettingsSchema = settingsSchema
  .pick({ GRAPH_BASE_URL: true, AZURE_AUTHORITY_HOST: true, AZURE_TENANT_ID: true, AZURE_CLIENT_ID: true, AZURE_CLIENT_SECRET: true, PARTNERSHIP_MAILBOX: true, SHAREPOINT_SITE: true, BOT_CLIENT_ID: true, BOT_TENANT_ID: true })
  .extend({ NOTIFICATION_URL: settingsSchema.shape.NOTIFICATION_URL.optional(), AzureWebJobsStorage: z.string().trim().min(1).optional() });

const argsSchema = z.object({
  site: settingsSchema.shape.SHAREPOINT_SITE.optional(),
  sendTestMail: z.email("expected an email address after --send-test-mail").optional(),
});

function readSettings(env: NodeJS.ProcessEnv, site: string | undefined) {
  const file = join(process.cwd(), "local.settings.json");
  const local = existsSync(file) ? ((JSON.parse(readFileSync(file, "utf8")) as { Values?: Record<string, string> }).Values ?? {}) : {};
  const pick = (k: string) => env[k]?.trim() || local[k]?.trim() || undefined;
  const raw: Record<string, string> = {};
  for (const k of [...Object.keys(checkSettingsSchema.shape), "AzureWebJobsStorage__accountName", "AzureWebJobsStorage__clientId"]) {
    const v = pick(k);
    if (v !== undefined) raw[k] = v;
  }
  // Identity-based storage (the function app's settings in Azure), in the one-string form the app uses.
  if (!raw.AzureWebJobsStorage && raw.AzureWebJobsStorage__accountName) raw.AzureWebJobsStorage = identityStorageSetting(raw.AzureWebJobsStorage__accountName, raw.AzureWebJobsStorage__clientId);
  if (site) raw.SHAREPOINT_SITE = site;
  const parsed = checkSettingsSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`The permission check needs these settings (environment or local.settings.json):\n${parsed.error.issues.map((i) => `  - ${String(i.path[0])}: ${i.message}`).join("\n")}`);
  return parsed.data;
}

/** The bot as the app runs it: its conversation store in the app's storage, its Teams channel through the Agents SDK. */
function botPort(settings: ReturnType<typeof readSettings>): BotCheckPort | undefined {
  if (!settings.AzureWebJobsStorage) return undefined;
  const store = conversationStore(appState(tableStore(settings.AzureWebJobsStorage, "AppState")));
  const channel = botTeamsChannel(botAdapter(settings), store, settings.BOT_CLIENT_ID);
  return {
    async presence() {
      if (await store.chosen("coreGroup")) return { kind: "channel", panel: "coreGroup" };
      if (await store.chosen("inclusionForum")) return { kind: "channel", panel: "inclusionForum" };
      return (await store.known()).length ? { kind: "installedWithoutChannel" } : { kind: "notInstalled" };
    },
    async post(panel, text) {
      await channel.postCard(panel, { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text, wrap: true }] }, "Inclusion Flow permission check");
    },
  };
}

/**
 * Runs the check and prints its report.
 *
 * @example
 * await runPermissionCheck(["--check"], process.env, (line) => console.log(line)) // 0 when nothing is missing
 */
export async function runPermissionCheck(argv: readonly string[], env: NodeJS.ProcessEnv, out: (line?: string) => void): Promise<number> {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const known = new Set(["--check", "--site", "--send-test-mail"]);
  const unknown = argv.filter((a, i) => a.startsWith("--") && !known.has(a) && !(i > 0 && ["--site", "--send-test-mail"].includes(argv[i - 1] ?? "")));
  if (unknown.length) throw new Error(`${unknown.join(", ")} cannot be used with --check.\nUsage: ${checkUsage}`);
  const args = argsSchema.safeParse({ site: value("--site"), sendTestMail: value("--send-test-mail") });
  if (!args.success) throw new Error(`${args.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join("\n")}\nUsage: ${checkUsage}`);
  const settings = readSettings(env, args.data.site);
  const graph = graphClient(settings);
  out(`Permission check of the app ${settings.AZURE_CLIENT_ID} on ${settings.SHAREPOINT_SITE} and ${settings.PARTNERSHIP_MAILBOX} (Graph: ${settings.GRAPH_BASE_URL})`);
  out();
  const checks = await checkPermissions({
    graph,
    site: sharePointSite(graph, settings.SHAREPOINT_SITE),
    mailbox: settings.PARTNERSHIP_MAILBOX,
    clientId: settings.AZURE_CLIENT_ID,
    notificationUrl: settings.NOTIFICATION_URL,
    bot: botPort(settings),
    sendTestMailTo: args.data.sendTestMail,
    now: () => new Date(),
  });
  for (const line of formatGrantChecks(checks)) out(line);
  const count = (state: string) => checks.filter((c) => c.state === state).length;
  out();
  out(`${count("granted")} granted, ${count("missing")} missing, ${count("not checked")} not checked.`);
  if (count("missing")) out("Grant what is missing with the commands under it, then run npm run provision -- --check again.");
  return count("missing") ? 1 : 0;
}
