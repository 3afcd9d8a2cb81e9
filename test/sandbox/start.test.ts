import { afterEach, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../sandbox/processes";

/**
 * `npm start` stops everything it started on SIGINT or SIGTERM sent to any of its processes: npm's own process id
 * (npm forwards the signal to the script's process only), or one of the children. The test runs npm on the start
 * script as package.json has it, less its build step (the suite has built dist/ already, and rebuilding it under
 * other tests would pull it from under them), with every service on free ports, and then checks each process it
 * saw is gone and each port is free.
 */
const root = join(__dirname, "..", "..");
const startScript = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.start as string;
let running: { npm: ChildProcess; dir: string } | undefined;

/** Every descendant of a process (Linux /proc), with its command line. */
function descendants(pid: number): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  const walk = (p: number) => {
    let children: number[] = [];
    try {
      children = readdirSync(`/proc/${p}/task`).flatMap((t) => readFileSync(`/proc/${p}/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {
      return;
    }
    for (const c of children) {
      let cmd = "";
      try {
        cmd = readFileSync(`/proc/${c}/cmdline`, "utf8").replace(/\0/g, " ").trim();
      } catch {
        // already gone
      }
      out.push({ pid: c, cmd });
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
const listening = (port: number) => new Promise<boolean>((resolve) => {
  const socket = connect(port, "127.0.0.1");
  socket.once("connect", () => (socket.destroy(), resolve(true)));
  socket.once("error", () => resolve(false));
});

async function startNpm(): Promise<{ npm: ChildProcess; ports: Record<string, number>; output: () => string }> {
  expect(startScript).toMatch(/^npm run build && node dist\/sandbox\/tls\/ensure\.js && exec node dist\/sandbox\/start\.js$/);
  const dir = mkdtempSync(join(tmpdir(), "npm-start-"));
  // The same script npm runs for `npm start`, from the repository, without the build.
  const script = `cd '${root}' && ${startScript.replace(/^npm run build && /, "")}`;
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "npm-start-signals", version: "0.0.0", private: true, scripts: { start: script } }));
  const ports = { FUNCTIONS_HTTP_PORT: await freePort(), GRAPH_SANDBOX_PORT: await freePort(), AZURITE_BLOB_PORT: await freePort(), AZURITE_QUEUE_PORT: await freePort(), AZURITE_TABLE_PORT: await freePort(), PLAYGROUND_PORT: await freePort() };
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DEMO: "off", npm_config_update_notifier: "false", npm_config_fund: "false" };
  for (const [k, v] of Object.entries(ports)) env[k] = String(v);
  const npm = spawn("npm", ["start"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  running = { npm, dir };
  let out = "";
  npm.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  npm.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 90_000;
  while (!out.includes("Inclusion Flow is running")) {
    if (npm.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { npm, ports, output: () => out };
}

async function allGone(npm: ChildProcess, pids: number[], ports: number[], output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((npm.exitCode === null && npm.signalCode === null) || pids.some(alive)) {
    if (Date.now() > deadline) throw new Error(`Still running 30 s after the signal: ${pids.filter(alive).join(", ")}${npm.exitCode === null ? " and npm" : ""}\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const port of ports) expect(await listening(port), `port ${port}`).toBe(false);
}

afterEach(() => {
  // A failed test must not leave the system running: each by its own id.
  if (running) {
    for (const p of descendants(running.npm.pid!).reverse()) if (alive(p.pid)) process.kill(p.pid, "SIGKILL");
    if (running.npm.exitCode === null) running.npm.kill("SIGKILL");
    rmSync(running.dir, { recursive: true, force: true });
    running = undefined;
  }
});

describe("npm start", () => {
  it("stops every process it started, and frees every port, on SIGINT to npm's own process id", async () => {
    const { npm, ports, output } = await startNpm();
    const tree = descendants(npm.pid!);
    // npm's only child is node running the start script (exec: no shell in between), with the services under it.
    expect(tree[0]?.cmd).toMatch(/^node dist\/sandbox\/start\.js$/);
    for (const service of [/azurite\.js/, /sandbox\/host\/cli\.js/, /m365agentsplayground\/cli\.js/]) expect(tree.some((p) => service.test(p.cmd)), String(service)).toBe(true);
    for (const port of Object.values(ports)) expect(await listening(port), `port ${port} before`).toBe(true);

    process.kill(npm.pid!, "SIGINT");
    await allGone(npm, tree.map((p) => p.pid), Object.values(ports), output);
    expect(npm.exitCode).toBe(0);
  }, 150_000);

  it("stops everything else when one of its children is sent SIGTERM", async () => {
    const { npm, ports, output } = await startNpm();
    const tree = descendants(npm.pid!);
    const host = tree.find((p) => /sandbox\/host\/cli\.js/.test(p.cmd));
    expect(host).toBeDefined();

    process.kill(host!.pid, "SIGTERM");
    await allGone(npm, tree.map((p) => p.pid), Object.values(ports), output);
    expect(output()).toContain("App (local Functions host) was stopped");
  }, 150_000);
});
