import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { childExit, type ChildExit } from "../processes";

export interface FunctionsHostProcess {
  url: string;
  pid: number;
  /** Resolves when the host's process has ended, whoever ended it. */
  exited: Promise<ChildExit>;
  stop(): Promise<void>;
  /** What the host printed so far (for diagnosing a failed start). */
  output(): string;
}

/**
 * Starts the local Functions host for an app in a child process (the library caches its core lookup per
 * process: one app per process) and resolves once /admin/host/status answers. Stopped by its own PID.
 *
 * @example
 * const host = await startFunctionsHost({ appRoot: "/work/main", port: 7071, env: { AzureWebJobsStorage } });
 */
export async function startFunctionsHost(options: { appRoot: string; port: number; env?: Record<string, string>; timeoutMs?: number; quiet?: boolean }): Promise<FunctionsHostProcess> {
  // The host runs compiled: from dist/ this is beside us; from the TypeScript source (tests), it is in dist/.
  const cli = [join(__dirname, "cli.js"), join(__dirname, "..", "..", "dist", "sandbox", "host", "cli.js")].find((p) => existsSync(p));
  if (!cli) throw new Error("The Functions host is not built: run npm run build first.");
  const child = spawn(process.execPath, [cli, "--app-root", options.appRoot, "--port", String(options.port)], {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const capture = (d: Buffer) => {
    output += d.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
    if (!options.quiet) process.stdout.write(d);
  };
  child.stdout?.on("data", capture);
  child.stderr?.on("data", capture);
  const url = `http://127.0.0.1:${options.port}`;
  const exited = new Promise<number>((resolve) => child.once("exit", (code) => resolve(code ?? 1)));
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const early = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 150))]);
    if (early !== undefined) throw new Error(`The Functions host exited (${early}) before it was ready:\n${output}`);
    const ready = await fetch(`${url}/admin/host/status`).then((r) => r.ok && r.json().then((b) => (b as { state?: string }).state === "Running"), () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`The Functions host did not become ready in time:\n${output}`);
    }
  }
  return {
    url,
    pid: child.pid ?? 0,
    exited: childExit(child),
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
