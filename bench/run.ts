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
import { benchCases } from "./benchCases";
import { referralBurst } from "./measures/referralBurst";

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
  referralBurst: Number(process.env.BENCH_REFERRAL_BURST ?? 50),
  attendanceSchools: Number(process.env.BENCH_ATTENDANCE_SCHOOLS ?? 300),
  attendancePupils: Number(process.env.BENCH_ATTENDANCE_PUPILS ?? 5000),
  /** How much faster than real time the sandbox's and the sender's shared clock runs (Exchange's limit is per minute). */
  attendanceClockFactor: Number(process.env.BENCH_ATTENDANCE_CLOCK_FACTOR ?? 40),
};

const MEASURES = ["graphCallsPerCase", "changeToCard", "cardPress", "webhookAck", "coldStart", "referralBurst", "attendance"] as const;
type Measure = (typeof MEASURES)[number];

/** `--only a,b` runs those measures alone (cardPress needs changeToCard's cards, so it brings it); `--help` says so. */
function chosenMeasures(argv: readonly string[]): ReadonlySet<Measure> | "help" {
  if (argv.includes("--help") || argv.includes("-h")) return "help";
  const i = argv.findIndex((a) => a === "--only" || a.startsWith("--only="));
  if (i < 0) return new Set(MEASURES);
  const value = argv[i]!.includes("=") ? argv[i]!.slice("--only=".length) : argv[i + 1] ?? "";
  const names = value.split(",").map((n) => n.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(MEASURES as readonly string[]).includes(n));
  if (!names.length || unknown.length) throw new Error(`--only takes measures from ${MEASURES.join(", ")}${unknown.length ? ` (not ${unknown.join(", ")})` : ""}`);
  const chosen = new Set(names as Measure[]);
  if (chosen.has("cardPress")) chosen.add("changeToCard");
  return chosen;
}

const usage = `node dist/bench/run.js [--only <measure>[,<measure>…]]

Runs every figure of issues 8 and 16 (or only those named: ${MEASURES.join(", ")}) and writes bench/report.md and
bench/report.json. Counts move with BENCH_NOTIFICATIONS, BENCH_IN_FLIGHT, BENCH_OVERLOAD_IN_FLIGHT, BENCH_CASES,
BENCH_CARD_CHANGES, BENCH_CARD_BURST, BENCH_PRESS_CASES, BENCH_REFERRAL_BURST, BENCH_COLD_START_ROUNDS, BENCH_ATTENDANCE_SCHOOLS,
BENCH_ATTENDANCE_PUPILS, BENCH_ATTENDANCE_CLOCK_FACTOR. Run with NODE_EXTRA_CA_CERTS=sandbox/tls/cert.pem.
`;

async function main(): Promise<void> {
  const only = chosenMeasures(process.argv.slice(2));
  if (only === "help") {
    process.stdout.write(usage);
    return;
  }
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
    if (only.has("graphCallsPerCase")) {
      say(`Graph requests per case: ${options.cases} case(s)…`);
      figures.push(await graphCallsPerCase(system, { cases: options.cases }));
    }
    if (only.has("changeToCard")) {
      say(`List change → Core Group card: ${options.cardChanges} edits one at a time, then ${options.cardBurst} at once (Agents Playground)…`);
      const playground = await startTestPlayground(`${system.appUrl}/api/messages`);
      try {
        await playground.chooseChannel("Core Group");
        const { figure, cards } = await changeToCard(system, playground, { changes: options.cardChanges, burst: options.cardBurst });
        figures.push(figure);
        if (only.has("cardPress")) {
          say(`Presses on the Core Group card: ${options.pressCases} cards, three views and a decision each (Agents Playground)…`);
          figures.push(await cardPress(playground, cards, { cases: options.pressCases }));
        }
      } finally {
        await playground.stop();
      }
    }
    if (only.has("webhookAck")) {
      say(`Webhook acknowledgement: ${options.notifications} notifications…`);
      // On a settled system, as every figure: the presses' decisions leave their effects (emails, placements, cards) running.
      await benchCases(system).settle();
      figures.push(await webhookAck(system, { count: options.notifications, inFlight: options.inFlight, overloadInFlight: options.overloadInFlight }));
    }
    if (only.has("coldStart")) {
      say(`Cold start: ${options.coldStartRounds} loads each of the bundled and unbundled app…`);
      figures.push(await coldStart(repoRoot, system.env, options.coldStartRounds));
    }
    if (only.has("referralBurst")) {
      say(`Referrals at once: ${options.referralBurst}, the mailbox at Exchange's limit…`);
      figures.push(await referralBurst(system, { referrals: options.referralBurst }));
    }
    if (only.has("attendance")) {
      say(`Attendance digests: ${options.attendanceSchools} schools, ${options.attendancePupils} pupils (clock ${options.attendanceClockFactor}× real time)…`);
      figures.push(await attendanceDigests({ schools: options.attendanceSchools, pupils: options.attendancePupils, factor: options.attendanceClockFactor }));
    }
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
