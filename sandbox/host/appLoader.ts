import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * Loads the app as the worker does: each file matched by `main` in the app's package.json (a path, or a glob
 * with `*` and `{a,b}`), in order, with require.
 *
 * @example
 * loadApp("/work/main") // requires dist/functions/health.js, dist/functions/notifications.js, ...
 */
export function loadApp(appRoot: string): string[] {
  const pkg = JSON.parse(readFileSync(join(appRoot, "package.json"), "utf8")) as { main?: string };
  if (!pkg.main) throw new Error(`${appRoot}/package.json has no "main": the host cannot find the app's entry point.`);
  const files = expand(appRoot, pkg.main);
  if (files.length === 0) throw new Error(`"main" (${pkg.main}) matches no file. Has the app been built (npm run build)?`);
  for (const file of files) require(file);
  return files;
}

export function expand(root: string, pattern: string): string[] {
  const braces = /\{([^}]+)\}/.exec(pattern);
  if (braces) return braces[1]!.split(",").flatMap((alt) => expand(root, pattern.replace(braces[0], alt.trim())));
  const parts = pattern.split("/").filter((p) => p && p !== ".");
  let paths = [resolve(root)];
  for (const part of parts) {
    const next: string[] = [];
    for (const dir of paths) {
      if (!part.includes("*")) {
        const p = join(dir, part);
        if (existsSync(p)) next.push(p);
        continue;
      }
      if (!existsSync(dir)) continue;
      const re = new RegExp(`^${part.split("*").map(escapeRe).join("[^/]*")}$`);
      for (const name of readdirSync(dir).sort()) if (re.test(name)) next.push(join(dir, name));
    }
    paths = next;
  }
  return paths.filter((p) => !p.endsWith(".map"));
}

function escapeRe(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

/** local.settings.json Values into process.env, never overriding what the environment already says. */
export function loadLocalSettings(appRoot: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const file = join(appRoot, "local.settings.json");
  if (!existsSync(file)) return [];
  const values = (JSON.parse(readFileSync(file, "utf8")) as { Values?: Record<string, string> }).Values ?? {};
  const applied: string[] = [];
  for (const [k, v] of Object.entries(values)) {
    if (env[k] === undefined) {
      env[k] = String(v);
      applied.push(k);
    }
  }
  return applied;
}

/** `%Setting%` in a schedule or queue name, resolved from the environment. */
export function resolveSetting(value: string, env: NodeJS.ProcessEnv = process.env): string {
  return value.replace(/%([^%]+)%/g, (_, name: string) => {
    const v = env[name];
    if (v === undefined) throw new Error(`The app setting ${name} (used as %${name}%) is not set.`);
    return v;
  });
}

export interface HostJson {
  extensions?: {
    http?: { routePrefix?: string };
    queues?: { messageEncoding?: "base64" | "none"; batchSize?: number; newBatchThreshold?: number; maxDequeueCount?: number; visibilityTimeout?: string; maxPollingInterval?: string };
  };
}

export function readHostJson(appRoot: string): HostJson {
  const file = join(appRoot, "host.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as HostJson) : {};
}

/**
 * A .NET TimeSpan ([d.]hh:mm:ss[.fffffff]) in milliseconds.
 *
 * @example
 * timeSpanMs("00:00:10", 0) // 10000
 * timeSpanMs("00:00:00.1", 0) // 100
 */
export function timeSpanMs(value: string | undefined, fallback: number): number {
  if (!value) return fallback;
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(value);
  if (!m) return fallback;
  const fraction = m[5] ? Number(`0.${m[5]}`) : 0;
  return Math.round(((Number(m[1] ?? 0) * 24 + Number(m[2])) * 3600 + Number(m[3]) * 60 + Number(m[4]) + fraction) * 1000);
}
