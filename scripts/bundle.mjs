// The deployable package: every functions/*.ts bundled by esbuild into ONE CommonJS file, beside host.json and a
// minimal package.json whose `main` points at it. The Functions Node worker loads `main` with require and
// supplies `@azure/functions-core` itself, so that module stays external; everything else (the Graph client,
// identity, storage SDKs, zod, the shipped JSON data) is inside the bundle: no node_modules to upload, and one
// file to read at cold start instead of hundreds.
//
//   node scripts/bundle.mjs            → dist/deploy/{main.js, main.js.map, host.json, package.json}
//   node scripts/bundle.mjs --out dir  → the same into dir
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outIndex = process.argv.indexOf("--out");
const out = resolve(outIndex >= 0 ? process.argv[outIndex + 1] : join(root, "dist", "deploy"));

const functions = readdirSync(join(root, "functions"))
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
  .sort();
// One entry that imports every trigger file in the same order the worker's glob would load them.
const entry = functions.map((f) => `import "./functions/${f.replace(/\.ts$/, "")}";`).join("\n");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const started = Date.now();
const result = await build({
  stdin: { contents: entry, resolveDir: root, sourcefile: "functions-entry.ts", loader: "ts" },
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  outfile: join(out, "main.js"),
  // @opentelemetry/api-logs: an optional peer of the Agents SDK's telemetry, required lazily inside a try (absent here).
  external: ["@azure/functions-core", "@opentelemetry/api-logs"],
  // vega-canvas's Node build tries `await import("canvas")` at top level, which a CommonJS bundle cannot hold; its
  // browser build answers "no canvas" in Node, which is what the charts use anyway (headless SVG, then resvg).
  alias: { "vega-canvas": join(root, "node_modules", "vega-canvas", "build", "vega-canvas.browser.js") },
  // Some dependencies ship only ESM that reads import.meta.url (e.g. @azure/storage-common's crc64): in a CommonJS
  // bundle that is the bundle file's own URL.
  define: { "import.meta.url": "__bundleFileUrl" },
  banner: { js: 'var __bundleFileUrl = require("node:url").pathToFileURL(__filename).href;' },
  sourcemap: true,
  sourcesContent: false,
  legalComments: "linked",
  logLevel: "warning",
  metafile: true,
});

copyFileSync(join(root, "host.json"), join(out, "host.json"));
// The reports' charts (src/reports/charts.ts) read resvg's WebAssembly and their font from assets/ beside main.js.
mkdirSync(join(out, "assets"), { recursive: true });
copyFileSync(join(root, "node_modules", "@resvg", "resvg-wasm", "index_bg.wasm"), join(out, "assets", "resvg.wasm"));
copyFileSync(join(root, "node_modules", "dejavu-fonts-ttf", "ttf", "DejaVuSans.ttf"), join(out, "assets", "DejaVuSans.ttf"));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
writeFileSync(
  join(out, "package.json"),
  JSON.stringify({ name: pkg.name, version: pkg.version, private: true, description: `${pkg.name}: bundled for Azure Functions`, main: "main.js", engines: { node: ">=22" } }, null, 2) + "\n",
);
// Core Tools' `func azure functionapp publish` reads .funcignore; nothing here needs ignoring but the map.
writeFileSync(join(out, ".funcignore"), "*.map\n");

const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
process.stdout.write(
  `Bundled ${functions.length} function file(s) into ${relative(root, join(out, "main.js"))} (${(bytes / 1024 / 1024).toFixed(1)} MB with map) in ${Date.now() - started} ms\n`,
);
