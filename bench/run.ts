import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { repoRoot, startLocalSystem, type LocalSystem } from "../sandbox/localSystem";
import { toJson, toMarkdown, toTable, type BenchReport, type Figure } from "./report";
import { webhookAck } from "./measures/webhookAck";
import { coldStart } from "./measures/coldStart";
import { graphCallsPerCase } from "./measures/graphCallsPerCase";
import { changeToCard } from "./measures/changeToCard";
import { cardPress } from "./measures/cardPress";
import { attendanceDigests } from "./measures/attendance";
import { startTestPlayground } from "../sandbox/playgroundDriver";

/**
 * npm run bench: every figure of issues 8 and 16, each beside its goal (`meets`), against the sandbox on loopback
 * (Azurite, the Graph sandbox, the app in the local host, the Agents Playground). Bounded: a fixed number of
 * notifications, loads, cases and presses, and an overall time limit. Writes bench/report.md and bench/report.json.
 */
const LIMIT_MS = 9 * 60_000;
const options = {
  notifications: Number(process.env.BENCH_NOTIFICATIONS ?? 1000),
  inFlight: Number(process.env.BENCH_IN_FLIGHT ?? 16),
  overloadInFlight: Number(process.env.BENCH_OVERLOAD_IN_FLIGHT ?? 100),
  coldStartRounds: Number(process.env.BENCH_COLD_START_ROUNDS ?? 5),
  cases: Number(process.env.BENCH_CASES ?? 5),
  cardChanges: Number(process.env.BENCH_CARD_CHANGES ?? 20),
  cardBurst: Number(process.env.BENCH_CARD_BURST ?? 10),
  pressCases: Number(process.env.BENCH_PRESS_CASES ?? 10),
  attendanceSchools: Number(process.env.BENCH_ATTENDANCE_SCHOOLS ?? 300),
  attendancePupils: Number(process.env.BENCH_ATTENDANCE_PUPILS ?? 5000),
  /** How much faster than real time the sandbox's and the sender's shared clock runs (Exchange's limit is per minute). */
  attendanceClockFactor: Number(process.env.BENCH_ATTENDANCE_CLOCK_FACTOR ?? 40),
};

async function main(): Promise<void> {
  const started = Date.now();
  const timer = setTimeout(() => {
    process.stderr.write(`The bench ran past ${LIMIT_MS / 60_000} minutes and was stopped.\n`);
    void stop().finally(() => process.exit(1));
  }, LIMIT_MS);
  let system: LocalSystem | undefined;
  const stop = async () => system?.stop();
  const say = (m: string) => process.stdout.write(`${m}\n`);
  const figures: Figure[] = [];
  try {
    say("Starting Azurite, the Graph sandbox and the app (bundled, as deployed)…");
    // The bench's referrals all come from one school: its daily quotas would refuse them (quotas are tested in test/e2e).
    system = await startLocalSystem({ appRoot: join(repoRoot, "dist", "deploy"), env: { INTAKE_DAILY_LIMIT_PER_RESPONDER: "10000", INTAKE_DAILY_LIMIT_PER_SCHOOL: "10000" } });
    // First, on a quiet system: the bursts below leave thousands of queued rounds behind them.
    say(`Graph requests per case: ${options.cases} case(s)…`);
    figures.push(await graphCallsPerCase(system, { cases: options.cases }));
    say(`List change → Core Group card: ${options.cardChanges} edits one at a time, then ${options.cardBurst} at once (Agents Playground)…`);
    const playground = await startTestPlayground(`${system.appUrl}/api/messages`);
    try {
      await playground.chooseChannel("Core Group");
      const { figure, cards } = await changeToCard(system, playground, { changes: options.cardChanges, burst: options.cardBurst });
      figures.push(figure);
      say(`Presses on the Core Group card: ${options.pressCases} cards, three views and a decision each (Agents Playground)…`);
      figures.push(await cardPress(playground, cards, { cases: options.pressCases }));
    } finally {
      await playground.stop();
    }
    say(`Webhook acknowledgement: ${options.notifications} notifications…`);
    figures.push(await webhookAck(system, { count: options.notifications, inFlight: options.inFlight, overloadInFlight: options.overloadInFlight }));
    say(`Cold start: ${options.coldStartRounds} loads each of the bundled and unbundled app…`);
    figures.push(await coldStart(repoRoot, system.env, options.coldStartRounds));
    say(`Attendance digests: ${options.attendanceSchools} schools, ${options.attendancePupils} pupils (clock ${options.attendanceClockFactor}× real time)…`);
    figures.push(await attendanceDigests({ schools: options.attendanceSchools, pupils: options.attendancePupils, factor: options.attendanceClockFactor }));
  } finally {
    await stop();
    clearTimeout(timer);
  }
  const cpu = cpus();
  const report: BenchReport = {
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    machine: { node: process.versions.node, platform: `${process.platform}-${process.arch}`, cpus: cpu.length, cpuModel: cpu[0]?.model.trim() ?? "unknown" },
    figures,
  };
  const dir = join(repoRoot, "bench");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "report.json"), `${JSON.stringify(toJson(report), null, 2)}\n`);
  writeFileSync(join(dir, "report.md"), toMarkdown(report));
  say("");
  for (const line of toTable(report)) say(line);
  say(`\nWritten bench/report.md and bench/report.json in ${Math.round(report.durationMs / 1000)} s.`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`The bench failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  },
);
