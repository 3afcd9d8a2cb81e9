import { resolve } from "node:path";
import { localPorts } from "./localPorts";
import { startAzurite } from "./azurite";
import { startGraphSandbox } from "./graph/server";
import { defaultAreas } from "./graph/areas";
import { appEnvironment } from "./appEnvironment";
import { demoProviders, demoSite, seedDemoTenant } from "./demo/demoTenant";
import { seedEmptySite } from "./demo/emptySite";
import { seedDemoHistory } from "./demo/demoHistory";
import { startFunctionsHost } from "./host/startFunctionsHost";
import { defaultKeys } from "./host/host";
import { primeCoreGroupDemo } from "./demo/coreGroupDemo";
import { startPlayground } from "./playground";
import { providerKeys, tableStore } from "../src/m365/tables";
import type { ChildExit } from "./processes";

/**
 * `npm start`: the whole system on loopback with demo data — Azurite, the Graph sandbox (seeded with the demo
 * partnership) and the app in the local Functions host — then what to try. Each port can be moved with an
 * environment variable.
 *
 * Stopping: Ctrl-C, or SIGINT or SIGTERM to any of its processes, stops everything it started, each by its own
 * process id. npm forwards SIGINT and SIGTERM to the script's process only, which is why the script `exec`s node
 * (package.json): without it the signal reaches a shell that waits on node, and nothing stops. A signal to one of
 * the children (Azurite, the Functions host, the Playground) ends that child; the others are then stopped too, so
 * nothing is left half running.
 */
interface Service {
  name: string;
  where: string;
  /** A child process's end, when the service is one (the Graph sandbox runs in this process). */
  exited?: Promise<ChildExit>;
  stop(): Promise<void>;
}

const root = resolve(__dirname, "..", "..");
const ports = localPorts();

/**
 * The Playground's web page acts as one person (Alex Wilber, on the demo panel the Head of Oakfield Academy, who
 * chairs): a quorum of one school lets that person give a view and record the decision. The tests, `npm run demo`
 * (which presses for three heads) and a tenant keep the real quorum.
 */
const playsOnePerson = { CORE_GROUP_QUORUM: "1" };

async function main(): Promise<void> {
  const services: Service[] = [];
  /** A service still starting when a stop is asked for: the stop waits for it, then stops it too. */
  let starting: Promise<unknown> = Promise.resolve();
  let stopping = false;
  const stopAll = async (code: number, why?: string) => {
    if (stopping) return;
    stopping = true;
    if (why) process.stderr.write(`\n${why}; stopping everything else.\n`);
    await starting.catch(() => undefined);
    for (const s of [...services].reverse()) await s.stop().catch(() => undefined);
    process.exit(code);
  };
  /** Starts a service and keeps it: stopped with the rest, and its process's end stops the rest. */
  const start = async <T extends Service>(begin: () => Promise<T>): Promise<T> => {
    if (stopping) throw new Error("stopping");
    const started = begin();
    starting = started;
    const service = await started;
    services.push(service);
    void service.exited?.then((exit) => {
      if (stopping) return;
      // Someone stopped it (a signal, or it shut down cleanly): stop the rest. Anything else is a crash.
      const asked = exit.code === 0 || exit.signal === "SIGINT" || exit.signal === "SIGTERM";
      void stopAll(asked ? 0 : 1, `${service.name} ${asked ? "was stopped" : "stopped unexpectedly"} (${exit.signal ?? `exit code ${exit.code}`})`);
    });
    return service;
  };
  let demoCase: string | undefined;
  let demoProviderKey = "";
  const demoProvider = demoProviders[0]!;
  // `on`, not `once`: Ctrl-C in a terminal reaches this process twice (from the terminal, and forwarded by npm), and
  // a second signal without a listener would end it before it has stopped the others.
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));

  try {
    const azurite = await start(async () => {
      const a = await startAzurite({ blob: ports.blob, queue: ports.queue, table: ports.table });
      return { name: "Azurite", where: `blob ${ports.blob}, queue ${ports.queue}, table ${ports.table} (in memory)`, exited: a.exited, stop: a.stop, connectionString: a.connectionString };
    });

    // SANDBOX_SEED=empty: the partnership's site with no lists, to try `npm run provision` against.
    // GRAPH_SANDBOX_TENANT=strict: a tenant that refuses what a real one may (sandbox/graph/strictTenant.ts).
    // The demo's alternative provider's own key for POST /api/attendance/marks (a tenant's come from npm run provider-key).
    // It is a provider in the Providers list (the history's placements name it), so its key marks those pupils' sessions.
    demoProviderKey = await providerKeys(tableStore(azurite.connectionString, "ProviderKeys")).issue(demoProvider.ProviderId, new Date());
    // DEMO=off: the demo tenant without its history (a year and a term of cases, placements, reviews and marks).
    const withHistory: typeof seedDemoTenant = (ctx, areas) => {
      seedDemoTenant(ctx, areas);
      seedDemoHistory(ctx, areas);
    };
    const seed = process.env.SANDBOX_SEED === "empty" ? seedEmptySite : process.env.DEMO === "off" ? seedDemoTenant : withHistory;
    const graph = await startGraphSandbox({ port: ports.graph, areas: defaultAreas({ tenant: { auditStorage: azurite.connectionString } }), seed });
    await start(async () => ({ name: "Graph sandbox", where: `${graph.graphUrl}  (admin and JSON state: ${graph.url}/_sandbox/${graph.tenant.mode === "default" ? "" : `, a ${graph.tenant.mode} tenant`})`, stop: graph.close }));
    await start(async () => ({ name: "Local tenant (browser)", where: `${graph.url}/  (SharePoint ${graph.url}/sites/${demoSite.path} , mailboxes, calendars, audit)`, stop: async () => undefined }));

    const host = await start(async () => {
      const h = await startFunctionsHost({ appRoot: root, port: ports.app, env: appEnvironment({ root, appPort: ports.app, storage: azurite.connectionString, graph }, playsOnePerson) });
      return { name: "App (local Functions host)", where: `${h.url}/api  (health: ${h.url}/api/health)`, exited: h.exited, stop: h.stop, url: h.url };
    });

    // The Microsoft 365 Agents Playground (a local Teams client) against the bot, on loopback; PLAYGROUND=off skips it.
    if (process.env.PLAYGROUND !== "off") {
      await start(async () => {
        const p = await startPlayground({ port: ports.playground, botEndpoint: `${host.url}/api/messages`, quiet: true });
        return { name: "Agents Playground (Teams)", where: `${p.url}/  (the bot at ${host.url}/api/messages)`, exited: p.exited, stop: p.stop };
      });
      // DEMO=off leaves the tenant as seeded (nothing submitted, no channel chosen).
      if (process.env.DEMO !== "off" && process.env.SANDBOX_SEED !== "empty") {
        demoCase = await primeCoreGroupDemo({ appUrl: host.url, functionKey: defaultKeys.functionKey, graph });
      }
    }
  } catch (e) {
    if (stopping) return;
    process.stderr.write(`\nnpm start could not bring everything up: ${e instanceof Error ? e.message : String(e)}\n`);
    return stopAll(1);
  }
  if (stopping) return;

  const width = Math.max(...services.map((s) => s.name.length));
  process.stdout.write(
    [
      "",
      "Inclusion Flow is running on this machine against the sandbox (Ctrl-C stops everything):",
      ...services.map((s) => `  ${s.name.padEnd(width)}  ${s.where}`),
      "",
      "Try it:",
      "  Referrals come in by the standard route (docs/forms-flow.md): the flow leaves each Forms response in the ReferralInbox",
      "  list and the app takes it from there (the demo's came that way). The HTTP route, for tenants with Power Automate Premium:",
      `  curl -s -X POST -H 'x-functions-key: ${defaultKeys.functionKey}' -H 'content-type: application/json' \\`,
      `    --data @sandbox/demo/referral.json http://127.0.0.1:${ports.app}/api/forms/referral   (the demo's again: 200, nothing new)`,
      `  Then open the local tenant, https://127.0.0.1:${ports.graph}/ , to see the case in the Cases list and the emails in the`,
      "  mailboxes; edit a case there as a member of staff (the sandbox's certificate is a local, self-signed one: accept it).",
      `  Session marks from the demo's alternative provider (${demoProvider.Name}, for its pupils): its key for POST /api/attendance/marks is x-provider-key: ${demoProviderKey}`,
      ...(demoCase
        ? [
            `  Teams: the demo case ${demoCase} is Ready for Core Group (the school's referral came through the Referral inbox,`,
            `  naming its Inclusion Forum case LNCIP-2026-0001; a coordinator moved it on). Open http://127.0.0.1:${ports.playground}/ ,`,
            '  go to My Team › General and post "@Test Bot use this channel for Core Group" (type @ and pick Test Bot: in a',
            "  channel the bot hears only mentions). The bot answers, then posts the Core Group card it kept for the case.",
            "  You are Alex Wilber; the demo panel knows you as the Head of Oakfield Academy, a member who chairs: choose an",
            '  outcome, press "Give my view", then "Record decision" (npm start sets CORE_GROUP_QUORUM=1 so one person can',
            "  decide; a tenant's is 3 schools). The card then shows the decision to everyone, and the Decisions list has it:",
            `  https://127.0.0.1:${ports.graph}/sites/${demoSite.path}/Lists/Decisions`,
            '  Reloaded the page? Open My Team › General again: the bot posts the open cases\' cards again (so does',
            '  "@Test Bot show open cases"). The whole story, step by step: npm run demo (instead of npm start).',
          ]
        : [`  Teams: open http://127.0.0.1:${ports.playground}/ ; in the General channel, "@Test Bot use this channel for Core Group" picks the channel.`]),
      ...(process.env.SANDBOX_SEED !== "empty" && process.env.DEMO !== "off"
        ? [
            "",
            "Reports (docs/reports.md): the lists hold a year and a term of demo history.",
            `  The Director's week (due Mondays from 08:00 UK, once a week; the timer checks every 10 minutes), now:`,
            `    curl -s -X POST -H 'x-functions-key: ${defaultKeys.masterKey}' -d '{}' http://127.0.0.1:${ports.app}/admin/functions/directorsWeek`,
            `    then https://127.0.0.1:${ports.graph}/_tenant/mail/${encodeURIComponent("director@lncip.example")} (charts inline).`,
            `  Last school year's Progress & Achievement summary: npm run report:progress -- --year ${previousAcademicYear()}`,
            `    (reports/ locally, the Reports library at https://127.0.0.1:${ports.graph}/sites/${demoSite.path}/Reports , and the Director's mailbox).`,
            "  A school's Ofsted pack: tick \"Send Ofsted pack to the SENCO\" on the school's item in the Schools list (edit as the Coordinator).",
            `  Termly statements for the last term that ended: curl … /admin/functions/termlyStatements (as above).`,
          ]
        : []),
      "",
    ].join("\n"),
  );
}

/** The school year before this one, e.g. "2025/26" in December 2026. */
function previousAcademicYear(): string {
  const today = new Date().toISOString().slice(0, 10);
  const start = Number(today.slice(0, 4)) - (today.slice(5) >= "09-01" ? 1 : 2);
  return `${start}/${String((start + 1) % 100).padStart(2, "0")}`;
}

void main();
