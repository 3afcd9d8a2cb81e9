import { performance } from "node:perf_hooks";
import { CoreState, installCoreModule } from "../sandbox/host/coreModule";
import { loadApp } from "../sandbox/host/appLoader";

/**
 * node dist/bench/loadApp.js <appRoot>: loads the app as the Functions worker does (core module served, then
 * package.json main required) and prints `loadMs=<ms> functions=<n>`. One process per load: a cold start.
 */
const appRoot = process.argv[2];
if (!appRoot) throw new Error("usage: node dist/bench/loadApp.js <appRoot>");
const core = new CoreState();
installCoreModule(core);
const t0 = performance.now();
loadApp(appRoot);
const ms = performance.now() - t0;
process.stdout.write(`loadMs=${ms.toFixed(1)} functions=${core.functions.size}\n`);
// Timers and clients created at load must not keep the process alive.
process.exit(0);
