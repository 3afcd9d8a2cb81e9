import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { childExit, waitForPort, type ChildExit } from "./processes";

/**
 * The Microsoft 365 Agents Playground (npm `@microsoft/m365agentsplayground`): a local Teams client with a mock
 * connector, pointed at the bot. Started headless (`TEAMSAPPTESTER_BROWSER=none`), without telemetry, in the
 * `msteams` channel.
 *
 * The Playground has no host option (it calls `server.listen(port)`, i.e. all interfaces), so it is started with
 * a small preload that makes any `listen()` without a host bind 127.0.0.1 instead.
 */
export interface PlaygroundProcess {
  /** http://127.0.0.1:<port>: the web client, its HTTP APIs and the mock connector (`/_connector`). */
  url: string;
  port: number;
  pid: number;
  /** Resolves when the Playground's process has ended, whoever ended it. */
  exited: Promise<ChildExit>;
  output(): string;
  stop(): Promise<void>;
}

/** Makes `server.listen(port)` / `listen(port, callback)` / `listen({port})` bind loopback (a data: URL preload). */
const loopbackPreload = `data:text/javascript,${encodeURIComponent(`
import net from "node:net";
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === "number" || (typeof args[0] === "string" && /^\\d+$/.test(args[0]))) {
    if (typeof args[1] !== "string") args.splice(1, 0, "127.0.0.1");
  } else if (args[0] && typeof args[0] === "object" && !("fd" in args[0]) && !("path" in args[0]) && !args[0].host) {
    args[0] = { ...args[0], host: "127.0.0.1" };
  }
  return listen.apply(this, args);
};
`)}`;

/**
 * Where the Playground's CLI lives (its package's `cli.js`).
 *
 * @example
 * playgroundCli() // "/…/node_modules/@microsoft/m365agentsplayground/cli.js"
 */
export function playgroundCli(): string {
  return join(dirname(require.resolve("@microsoft/m365agentsplayground/package.json")), "cli.js");
}

/**
 * Starts the Playground on 127.0.0.1:`port` against `botEndpoint` and waits until it answers.
 *
 * @example
 * const playground = await startPlayground({ port: 56150, botEndpoint: "http://127.0.0.1:7071/api/messages" });
 * // open playground.url in a browser; later: await playground.stop();
 */
export async function startPlayground(options: { port: number; botEndpoint: string; quiet?: boolean }): Promise<PlaygroundProcess> {
  // Its own HOME: the Playground writes logs and a config under the home directory; keep test runs apart.
  const home = mkdtempSync(join(tmpdir(), "playground-"));
  let out = "";
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", loopbackPreload, playgroundCli(), "start", "--disable-telemetry", "-e", options.botEndpoint, "-c", "msteams", "-p", String(options.port), "--service-url", `http://127.0.0.1:${options.port}/_connector`],
    {
      env: { ...process.env, TEAMSAPPTESTER_BROWSER: "none", BROWSER: "none", HOME: home, USERPROFILE: home, NODE_OPTIONS: "" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const collect = (chunk: Buffer) => {
    out += chunk.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
    if (!options.quiet) process.stdout.write(chunk);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const pid = child.pid;
  if (pid === undefined) throw new Error("The Agents Playground could not be started (no process id)");

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(pid, "SIGTERM");
      const timer = setTimeout(() => child.exitCode === null && child.signalCode === null && process.kill(pid, "SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(home, { recursive: true, force: true });
  };
  try {
    // It falls back to a random port when the one asked for is taken: read the port it reports (and then refuse, as
  // the connector URL given to the bot names the port asked for).
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`The Agents Playground did not start within 30 s.\n${out.slice(-2000)}`)), 30_000);
      const check = () => {
        const m = /Listening on (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      child.stdout?.on("data", check);
      child.once("exit", (code) => reject(new Error(`The Agents Playground exited (code ${code}).\n${out.slice(-2000)}`)));
    });
    if (port !== options.port) throw new Error(`The Agents Playground could not have port ${options.port} (it took ${port}); choose another PLAYGROUND_PORT.`);
    await waitForPort(port, 10_000);
    return { url: `http://127.0.0.1:${port}`, port, pid, exited: childExit(child), output: () => out, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
