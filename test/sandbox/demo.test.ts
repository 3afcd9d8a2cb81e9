import { afterAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../sandbox/processes";
import { story } from "../../sandbox/demo/story";

/**
 * `npm run demo`, end to end, as a person without a terminal runs it (stdin not a TTY: every step without waiting):
 * npm on the demo script as package.json has it, less its build step (the suite has built dist/), with every service
 * on free ports. Each step waits until the app has done its part, so a demo that exits 0 has told the whole story;
 * then every process it started is gone and every port is free.
 */
const root = join(__dirname, "..", "..");
const demoScript = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.demo as string;
let dir: string | undefined;
let npm: ChildProcess | undefined;

function descendants(pid: number): number[] {
  const out: number[] = [];
  const walk = (p: number) => {
    let children: number[] = [];
    try {
      children = readdirSync(`/proc/${p}/task`).flatMap((t) => readFileSync(`/proc/${p}/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {
      return;
    }
    for (const c of children) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });

afterAll(() => {
  if (npm?.pid && npm.exitCode === null) process.kill(npm.pid, "SIGTERM");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("npm run demo", () => {
  it("tells the whole story without a terminal, says where to look at each step, and stops everything it started", async () => {
    // The TLS step first (the sandbox's certificate is this machine's own), then the demo in npm's own process.
    expect(demoScript).toBe("npm run build && node dist/sandbox/tls/ensure.js && exec node dist/sandbox/demo/runDemo.js");
    dir = mkdtempSync(join(tmpdir(), "npm-demo-"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "npm-demo", version: "0.0.0", private: true, scripts: { demo: `cd '${root}' && ${demoScript.replace(/^npm run build && /, "")}` } }));
    const ports = { FUNCTIONS_HTTP_PORT: await freePort(), GRAPH_SANDBOX_PORT: await freePort(), AZURITE_BLOB_PORT: await freePort(), AZURITE_QUEUE_PORT: await freePort(), AZURITE_TABLE_PORT: await freePort(), PLAYGROUND_PORT: await freePort() };
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, npm_config_update_notifier: "false", npm_config_fund: "false" };
    for (const [k, v] of Object.entries(ports)) env[k] = String(v);
    const started = spawn("npm", ["run", "demo"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    npm = started;
    let output = "";
    started.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    started.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    const seen = new Set<number>();
    const watch = setInterval(() => descendants(started.pid!).forEach((p) => seen.add(p)), 250);
    const code = await new Promise<number | null>((resolve) => started.once("exit", (c) => resolve(c)));
    clearInterval(watch);

    expect(output).not.toContain("The demo stopped");
    expect(code, output).toBe(0);
    // Every step, in order, each saying what happened and (unless it was skipped) where to look.
    let at = 0;
    for (const [i, step] of story.entries()) {
      const header = `── Step ${i + 1} of ${story.length}: ${step.title}`;
      const found = output.indexOf(header, at);
      expect(found, `${header} in\n${output}`).toBeGreaterThan(at - 1);
      at = found;
    }
    const tenant = `https://127.0.0.1:${ports.GRAPH_SANDBOX_PORT}`;
    const playground = `http://127.0.0.1:${ports.PLAYGROUND_PORT}`;
    for (const address of [
      `${tenant}/sites/lncip/Lists/Cases/ReadyforCoreGroup.aspx`,
      `${tenant}/sites/lncip/Lists/Decisions/Latestdecisions.aspx`,
      `${tenant}/_tenant/mail/senco@oakfieldacad.example`,
      `${tenant}/_tenant/calendar/partnership@lncip.example`,
      `${playground}/  › My Team › General`,
      `${playground}/  › My Team › Announcements`,
    ]) {
      expect(output).toContain(address);
    }
    // Each case's item page by its id (the tenant's own closed forum case is item 1: the story's cases come after it).
    expect(output).toMatch(new RegExp(`${tenant.replace(/\./g, "\\.")}/sites/lncip/Lists/Cases/DispForm\\.aspx\\?ID=\\d+\\n`));
    expect(output).not.toMatch(/DispForm\.aspx\?ID=\n/);
    expect(output).toContain("LNCIP-2026-0001");
    expect(output).toContain("Programme Management (full-time)");
    expect(output).toMatch(/The day's digest goes to Oakfield Academy's attendance lead|is not a school day/);
    expect(output).toMatch(/The Director's week: |The Director's weekly report is not wired into the app yet/);
    expect(output).toContain("Stopping everything the demo started");

    // Nothing left behind: every process it started has ended, every port is free again.
    expect(seen.size).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 500));
    expect([...seen].filter(alive)).toEqual([]);
    for (const p of Object.values(ports)) expect(await listening(p)).toBe(false);
  }, 420_000);
});
