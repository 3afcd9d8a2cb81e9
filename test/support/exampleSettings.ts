import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The example settings in process.env (never overriding one already set), for tests that load a function module:
 * the app parses its settings when the first function module loads, as the Functions host does.
 */
const example = (JSON.parse(readFileSync(join(__dirname, "..", "..", "local.settings.example.json"), "utf8")) as { Values: Record<string, string> }).Values;
for (const [name, value] of Object.entries(example)) process.env[name] ??= value;
