import { createInterface } from "node:readline";
import { localPorts } from "../localPorts";
import { resolve } from "node:path";
import { startAzurite } from "../azurite";
import { appEnvironment } from "../appEnvironment";
import { defaultAreas } from "../graph/areas";
import { startGraphSandbox } from "../graph/server";
import { defaultKeys } from "../host/host";
import { startFunctionsHost } from "../host/startFunctionsHost";
import { startPlayground } from "../playground";
import { drivePlayground } from "../playgroundDriver";
import type { ChildExit } from "../processes";
import { seedDemoTenant } from "./demoTenant";
import { providerKeys, tableStore } from "../../src/m365/tables";
import { story, type StoryFacts, type StoryWorld } from "./story";

/**
 * `npm run demo`: the whole story on the local tenant, one keypress (Enter) per step — a forum discussion, a
 * referral, triage, the Core Group card, a decision, a placement with its reviews, a day of attendance and its
 * digest, the Director's week — saying what happened and where to look at each step (see ./story.ts).
 *
 * It starts what `npm start` starts (Azurite, the Graph sandbox with the demo tenant, the app in the local Functions
 * host, the Agents Playground), on the same ports and with the same variables to move them, and stops each by its
 * own process id: at the end (after a last Enter), on Ctrl-C, SIGINT, SIGTERM or SIGHUP, or when one of them stops. With
 * `--yes`, or when stdin is not a terminal, it runs every step without waiting and stops everything at the end, so
 * a test can run it end to end; it exits non-zero when a step did not come true.
 *
 * The app runs with the real Core Group quorum (three schools: the demo presses for three heads) and with the
 * attendance timer disabled (AzureWebJobs.attendanceRounds.Disabled) and the digest due from midnight, so the day's
 * digest goes out when the story asks for it (the host's admin API runs the timer on demand), not before the day's
 * marks are in.
 */

const root = resolve(__dirname, "..", "..", "..");
const ports = localPorts();
const interactive = !process.argv.includes("--yes") && process.stdin.isTTY === true;
const out = (line = "") => process.stdout.write(`${line}\n`);

interface Running {
  name: string;
  exited?: Promise<ChildExit>;
  stop(): Promise<void>;
}

async function main(): Promise<void> {
  const running: Running[] = [];
  let stopping = false;
  const stopAll = async (code: number, why?: string): Promise<never> => {
    if (!stopping) {
      stopping = true;
      if (why) process.stderr.write(`\n${why}\n`);
      out("Stopping everything the demo started…");
      for (const r of [...running].reverse()) await r.stop().catch(() => undefined);
    }
    process.exit(code);
  };
  const keep = (r: Running) => {
    running.push(r);
    void r.exited?.then((exit) => {
      if (!stopping) void stopAll(1, `${r.name} stopped (${exit.signal ?? `exit code ${exit.code}`}); the demo cannot go on.`);
    });
  };
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));
  // The terminal closed: nobody is left to press Enter.
  process.on("SIGHUP", () => void stopAll(0));
  const lines = interactive ? createInterface({ input: process.stdin }) : undefined;
  lines?.on("SIGINT", () => void stopAll(0));
  const next = (prompt: string) =>
    interactive && lines ? new Promise<void>((done) => {
      process.stdout.write(prompt);
      lines.once("line", () => done());
    }) : Promise.resolve();

  try {
    out("Inclusion Flow: the demo, step by step. Starting Azurite, the Graph sandbox, the app and the Agents Playground…");
    const azurite = await startAzurite({ blob: ports.blob, queue: ports.queue, table: ports.table });
    keep({ name: "Azurite", exited: azurite.exited, stop: azurite.stop });
    const graph = await startGraphSandbox({ port: ports.graph, areas: defaultAreas({ tenant: { auditStorage: azurite.connectionString } }), seed: seedDemoTenant });
    keep({ name: "the Graph sandbox", stop: graph.close });
    const env = appEnvironment(
      { root, appPort: ports.app, storage: azurite.connectionString, graph },
      { ATTENDANCE_DIGEST_TIME: "00:00", "AzureWebJobs.attendanceRounds.Disabled": "true" },
    );
    const host = await startFunctionsHost({ appRoot: root, port: ports.app, env, quiet: true });
    keep({ name: "the app (local Functions host)", exited: host.exited, stop: host.stop });
    const playgroundProcess = await startPlayground({ port: ports.playground, botEndpoint: `${host.url}/api/messages`, quiet: true });
    const playground = await drivePlayground(playgroundProcess);
    keep({ name: "the Agents Playground", exited: playgroundProcess.exited, stop: playground.stop });

    out();
    out("Everything is up on this machine (Ctrl-C stops it all):");
    out(`  Local tenant (SharePoint lists, mailboxes, calendars, audit)  ${graph.url}/   (its certificate is a local, self-signed one: accept it)`);
    out(`  Agents Playground (Teams)                                     ${playgroundProcess.url}/`);
    out(`  The app                                                       ${host.url}/api`);
    out("Open both in a browser now: the Playground shows what arrives while it is open.");

    const world: StoryWorld = {
      appUrl: host.url,
      functionKey: defaultKeys.functionKey,
      masterKey: defaultKeys.masterKey,
      graph,
      playground,
      // As `npm run provider-key -- issue <id>` does in a tenant: the key is shown to the provider once.
      providerKey: (providerId) => providerKeys(tableStore(azurite.connectionString, "ProviderKeys")).issue(providerId, new Date()),
      say: (line) => out(`  ${line}`),
      look: (where) => {
        out("  Look:");
        const width = Math.max(...where.map(([label]) => label.length));
        for (const [label, address] of where) out(`    ${label.padEnd(width)}  ${address}`);
      },
    };
    const facts: StoryFacts = {};
    for (const [i, step] of story.entries()) {
      out();
      await next(`Press Enter for step ${i + 1} of ${story.length}: ${step.title} `);
      out(`── Step ${i + 1} of ${story.length}: ${step.title}`);
      await step.run(world, facts);
    }
    out();
    out("That is the whole story.");
    if (interactive) await next("Everything is still running: look around, then press Enter (or Ctrl-C) to stop it all. ");
    lines?.close();
    await stopAll(0);
  } catch (e) {
    lines?.close();
    if (!stopping) await stopAll(1, `The demo stopped: ${e instanceof Error ? e.message : String(e)}`);
  }
}

void main();
