// The deployable package: every functions/*.ts bundled by esbuild into ONE CommonJS file, beside host.json and a
// minimal package.json whose `main` points at it. The Functions Node worker loads `main` with require and
// supplies `@azure/functions-core` itself, so that module stays external; everything else (the Graph client,
// identity, storage SDKs, zod, the shipped JSON data) is in the package: no node_modules to upload.
//
// Cold start: loading `main` registers every trigger, and that is all it should do. The big libraries a trigger needs
// only once it runs — the Microsoft 365 Agents SDK and the card templating (the bot, the cards), the Graph client,
// identity and the storage SDKs, the reports' Word writer and charts (docx, Vega, Vega-Lite, resvg) — are bundled
// beside it in vendor/*.js and loaded on their first use: in main.js
// each is a stand-in whose exports are getters that require its vendor bundle the first time one is read. (A
// CommonJS bundle cannot be split by esbuild itself, and these are libraries without the app's state, so one copy
// each in its vendor bundle is the only copy.) No source map is referenced from the code: main.js.map is written
// beside it for a person to use, never parsed at load.
//
//   node scripts/bundle.mjs            → dist/deploy/{main.js, main.js.map, vendor/*.js, host.json, package.json}
//   node scripts/bundle.mjs --out dir  → the same into dir
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
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

/** The libraries loaded on first use, by vendor bundle. */
const lazy = {
  teams: ["@microsoft/agents-hosting", "adaptivecards-templating"],
  azure: ["@azure/identity", "@azure/data-tables", "@azure/storage-queue", "@microsoft/microsoft-graph-client", "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials"],
  // The reports' Word document and charts: over half of what main.js would otherwise be compiled from at every start.
  reports: ["docx", "vega", "vega-lite", "@resvg/resvg-wasm"],
};
const vendorOf = new Map(Object.entries(lazy).flatMap(([vendor, packages]) => packages.map((p) => [p, vendor])));
const requireFromRoot = createRequire(join(root, "package.json"));
const common = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  // @opentelemetry/api-logs: an optional peer of the Agents SDK's telemetry, required lazily inside a try (absent here).
  external: ["@azure/functions-core", "@opentelemetry/api-logs"],
  // vega-canvas's Node build tries `await import("canvas")` at top level, which a CommonJS bundle cannot hold; its
  // browser build answers "no canvas" in Node, which is what the charts use anyway (headless SVG, then resvg).
  alias: { "vega-canvas": join(root, "node_modules", "vega-canvas", "build", "vega-canvas.browser.js") },
  // Some dependencies ship only ESM that reads import.meta.url (e.g. @azure/storage-common's crc64): in a CommonJS
  // bundle that is the bundle file's own URL.
  define: { "import.meta.url": "__bundleFileUrl" },
  banner: { js: 'var __bundleFileUrl = require("node:url").pathToFileURL(__filename).href;' },
  // Written for a person to use; no sourceMappingURL comment, so nothing parses it when the app loads.
  sourcemap: "external",
  sourcesContent: false,
  legalComments: "linked",
  logLevel: "warning",
  metafile: true,
};

/**
 * A stand-in for a lazy library: its exports, read on first use from its vendor bundle. The names are read from the
 * vendor bundle just built (CommonJS), not from the package: vega's ESM has a top-level await that require refuses.
 */
function standIn(pkg) {
  const real = requireFromRoot(join(out, "vendor", `${vendorOf.get(pkg)}.js`))[pkg];
  const names = Object.getOwnPropertyNames(real).filter((n) => n !== "__esModule");
  return [
    `let loaded;`,
    `const load = () => (loaded ??= require(require("node:path").join(__dirname, "vendor", ${JSON.stringify(`${vendorOf.get(pkg)}.js`)}))[${JSON.stringify(pkg)}]);`,
    real.__esModule ? `Object.defineProperty(module.exports, "__esModule", { value: true });` : "",
    `for (const name of ${JSON.stringify(names)}) Object.defineProperty(module.exports, name, { enumerable: true, get: () => load()[name] });`,
  ].join("\n");
}
const lazyLibraries = {
  name: "lazy-libraries",
  setup(b) {
    const filter = new RegExp(`^(${[...vendorOf.keys()].map((p) => p.replace(/[/.]/g, "\\$&")).join("|")})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: "lazy-library" }));
    b.onLoad({ filter: /.*/, namespace: "lazy-library" }, (args) => ({ contents: standIn(args.path), loader: "js", resolveDir: root }));
  },
};

/**
 * zod's `locales` namespace holds every language's error messages (a third of zod in the bundle), all compiled at
 * load because `z.locales` keeps them. The app's messages are its own and zod's default is English: only `en` is
 * bundled (`z.locales.en` still there; zod registers it itself on the first schema).
 */
const englishOnlyZod = {
  name: "english-only-zod",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => (/[\\/]zod[\\/]v4[\\/]/.test(args.importer) ? { path: join(dirname(args.importer), "..", "locales", "en.js"), namespace: "zod-english" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "zod-english" }, (args) => ({ contents: `export { default as en } from ${JSON.stringify(args.path)};`, loader: "js", resolveDir: dirname(args.path) }));
  },
};

const started = Date.now();
mkdirSync(join(out, "vendor"), { recursive: true });
const vendors = await Promise.all(
  Object.entries(lazy).map(([vendor, packages]) =>
    build({
      ...common,
      stdin: { contents: packages.map((p) => `Object.defineProperty(exports, ${JSON.stringify(p)}, { enumerable: true, get: () => require(${JSON.stringify(p)}) });`).join("\n"), resolveDir: root, sourcefile: `vendor-${vendor}.js`, loader: "js" },
      outfile: join(out, "vendor", `${vendor}.js`),
    }),
  ),
);
const result = await build({
  ...common,
  stdin: { contents: entry, resolveDir: root, sourcefile: "functions-entry.ts", loader: "ts" },
  outfile: join(out, "main.js"),
  plugins: [lazyLibraries, englishOnlyZod],
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

const size = (r) => Object.entries(r.metafile.outputs).filter(([f]) => f.endsWith(".js")).reduce((n, [, o]) => n + o.bytes, 0);
const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;
process.stdout.write(
  `Bundled ${functions.length} function file(s) into ${relative(root, join(out, "main.js"))} (${mb(size(result))}; loaded on first use: ${Object.keys(lazy).map((v, i) => `vendor/${v}.js ${mb(size(vendors[i]))}`).join(", ")}) in ${Date.now() - started} ms\n`,
);
