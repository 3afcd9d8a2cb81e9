import { resolve } from "node:path";
import { runHost } from "./host";

/**
 * node dist/sandbox/host/cli.js [--app-root <dir>] [--port 7071]
 * Hosts the app until SIGINT/SIGTERM; a load failure exits 1 with the reason (as the Node 20+ worker does).
 */
const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const appRoot = resolve(arg("--app-root") ?? process.cwd());
const port = Number(arg("--port") ?? process.env.FUNCTIONS_HTTP_PORT ?? 7071);

runHost(appRoot, port).then(
  (host) => {
    const stop = () => void host.stop().finally(() => process.exit(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  },
  (e: unknown) => {
    process.stderr.write(`The Functions host could not start the app: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
