/**
 * Runs the `@example` blocks of doc comments, so a worked example that stops being true fails a test.
 *
 * The format (see docs/local-development.md, "Doc examples"):
 * - `expression // result` checks that the expression equals the result. The result is the longest start of the
 *   comment that is a JavaScript expression; what follows it is explanation (`// "F": the check letter`).
 *   A result may run on over following `// …` lines.
 * - In a result, `...` in place of an object's properties or an array's elements means "and others": `{ ok: true,
 *   ... }` matches any object whose `ok` is true; `[1, 2, ...]` any array starting with 1 and 2.
 * - `expression // throws Name` checks that it throws an error of that name.
 * - A line ending in `;` is a statement (`const x = …;`), run before the lines after it, in the same scope.
 * - An expression may run over several lines; its result follows on the last line or on the next `// …` line.
 * - A block with a line `// (illustrative)` (or `@example (illustrative)`) is not run: it needs fixtures the
 *   example does not build. The test reports how many there are.
 *
 * Every export of the module, and of the layer it is in, is in scope.
 */

export interface ExampleBlock {
  file: string;
  /** The name of the declaration the doc comment is on. */
  subject: string;
  /** 1-based line of the `@example` tag. */
  line: number;
  text: string;
  illustrative: boolean;
}

export type ExampleStep =
  | { kind: "statement"; code: string }
  | { kind: "check"; code: string; result: string; explanation: string; source: string }
  | { kind: "throws"; code: string; errorName: string | undefined; source: string };

/** The `@example` blocks of a TypeScript source text. */
export function exampleBlocks(file: string, source: string): ExampleBlock[] {
  const blocks: ExampleBlock[] = [];
  for (const doc of source.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
    const start = doc.index ?? 0;
    const startLine = source.slice(0, start).split("\n").length;
    const lines = doc[1]!.split("\n").map((l) => l.replace(/^\s*\* ?/, ""));
    const after = source.slice(start + doc[0].length);
    const subject =
      /^\s*export\s+(?:default\s+)?(?:async\s+)?(?:function\*?|const|let|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/.exec(after)?.[1] ??
      "(not exported)";
    for (let i = 0; i < lines.length; i++) {
      const tag = /^\s*@example\b(.*)$/.exec(lines[i]!);
      if (!tag) continue;
      const body: string[] = [];
      let j = i + 1;
      for (; j < lines.length && !/^\s*@\w/.test(lines[j]!); j++) body.push(lines[j]!);
      const text = body.join("\n").replace(/\s+$/, "");
      blocks.push({
        file,
        subject,
        line: startLine + i,
        text,
        illustrative: /\(illustrative\)/.test(tag[1]!) || body.some((l) => /^\s*\/\/\s*\(illustrative\)/.test(l)),
      });
      i = j - 1;
    }
  }
  return blocks;
}

/** Splits a line into its code and its `//` comment, ignoring `//` inside string literals. */
export function splitComment(line: string): { code: string; comment: string | undefined } {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === "`") {
      quote = c;
    } else if (c === "/" && line[i + 1] === "/") {
      return { code: line.slice(0, i), comment: line.slice(i + 2).trim() };
    }
  }
  return { code: line, comment: undefined };
}

function compiles(expression: string): boolean {
  try {
    new Function(`"use strict"; return (${expression}\n);`);
    return true;
  } catch {
    return false;
  }
}

/** The longest start of a comment that is an expression, and the explanation after it. */
export function resultOf(comment: string): { result: string; explanation: string } | undefined {
  for (let end = comment.length; end > 0; end--) {
    const candidate = comment.slice(0, end);
    if (/\s$/.test(candidate) || explanationInParentheses(candidate)) continue;
    const marked = markRest(candidate);
    if (marked !== undefined && compiles(marked)) return { result: candidate, explanation: comment.slice(end).trim() };
  }
  return undefined;
}

/** `"2026-11-30" (Friday → Monday)`: a bracket after a space, outside any bracket, starts an explanation, not a call. */
function explanationInParentheses(candidate: string): boolean {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < candidate.length; i++) {
    const c = candidate[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "(" && depth === 0 && /\s/.test(candidate[i - 1] ?? "")) return true;
    else if (c === "{" || c === "[" || c === "(") depth++;
    else if (c === "}" || c === "]" || c === ")") depth--;
  }
  return false;
}

export const REST_KEY = "__examplesRest__";
export const REST = "__EXAMPLES_REST__";

/**
 * Replaces each `...` that stands for "and others" (not a spread: nothing follows it but `,`, `}` or `]`) with a
 * marker the matcher understands: a `REST_KEY: true` property in an object, the `REST` string in an array.
 */
export function markRest(result: string): string | undefined {
  let out = "";
  const stack: string[] = [];
  let quote: string | undefined;
  for (let i = 0; i < result.length; i++) {
    const c = result[i]!;
    if (quote) {
      out += c;
      if (c === "\\") out += result[++i] ?? "";
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") quote = c;
    if (c === "{" || c === "[" || c === "(") stack.push(c);
    if (c === "}" || c === "]" || c === ")") stack.pop();
    if (result.startsWith("...", i) && /^\s*(?:[,}\]]|$)/.test(result.slice(i + 3))) {
      const inside = stack[stack.length - 1];
      if (inside === "{") out += `${JSON.stringify(REST_KEY)}: true`;
      else if (inside === "[") out += JSON.stringify(REST);
      else return undefined;
      i += 2;
      continue;
    }
    out += c;
  }
  return out;
}

/** The steps of an example: statements to run and checks to make, in order. */
export function exampleSteps(text: string): ExampleStep[] {
  const steps: ExampleStep[] = [];
  let buffer: string[] = [];
  let pending: { code: string; comments: string[] } | undefined;

  const flushPending = () => {
    if (!pending) return;
    const comment = pending.comments.join(" ").replace(/\s+/g, " ").trim();
    const source = `${pending.code.trim()} // ${comment}`;
    const thrown = /^throws\b\s*([A-Za-z_$][\w$]*)?/.exec(comment);
    if (thrown) {
      steps.push({ kind: "throws", code: pending.code, errorName: thrown[1], source });
    } else {
      const parsed = resultOf(comment);
      if (!parsed) throw new Error(`The result of this example is not an expression (mark the block "// (illustrative)" if it cannot be): ${source}`);
      steps.push({ kind: "check", code: pending.code, result: parsed.result, explanation: parsed.explanation, source });
    }
    pending = undefined;
  };
  const flushStatements = () => {
    if (buffer.length) steps.push({ kind: "statement", code: buffer.join("\n") });
    buffer = [];
  };

  for (const line of text.split("\n")) {
    const { code, comment } = splitComment(line);
    if (/^\s*\(illustrative\)\s*$/.test(comment ?? "")) continue;
    if (code.trim()) {
      flushPending();
      if (buffer.length && buffer[buffer.length - 1]!.trim().endsWith(";")) flushStatements();
      buffer.push(code);
      if (comment !== undefined && !code.trim().endsWith(";")) {
        pending = { code: buffer.join("\n"), comments: [comment] };
        buffer = [];
      }
    } else if (comment !== undefined) {
      if (pending) pending.comments.push(comment);
      else if (buffer.length && !buffer[buffer.length - 1]!.trim().endsWith(";")) {
        pending = { code: buffer.join("\n"), comments: [comment] };
        buffer = [];
      }
    } else {
      flushPending();
    }
  }
  flushPending();
  flushStatements();
  return steps;
}

/** Why `actual` does not match `expected` (with `...` markers), or undefined when it does. */
export function mismatch(actual: unknown, expected: unknown, path = "result"): string | undefined {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array, got ${show(actual)}`;
    const rest = expected.indexOf(REST);
    if (rest < 0) {
      if (actual.length !== expected.length) return `${path}: expected ${expected.length} elements, got ${actual.length}: ${show(actual)}`;
      for (let i = 0; i < expected.length; i++) {
        const m = mismatch(actual[i], expected[i], `${path}[${i}]`);
        if (m) return m;
      }
      return undefined;
    }
    const head = expected.slice(0, rest);
    const tail = expected.slice(rest + 1);
    if (actual.length < head.length + tail.length) return `${path}: expected at least ${head.length + tail.length} elements, got ${show(actual)}`;
    for (let i = 0; i < head.length; i++) {
      const m = mismatch(actual[i], head[i], `${path}[${i}]`);
      if (m) return m;
    }
    for (let i = 0; i < tail.length; i++) {
      const at = actual.length - tail.length + i;
      const m = mismatch(actual[at], tail[i], `${path}[${at}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (expected instanceof Date) {
    return actual instanceof Date && actual.getTime() === expected.getTime() ? undefined : `${path}: expected ${expected.toISOString()}, got ${show(actual)}`;
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object") return `${path}: expected an object, got ${show(actual)}`;
    const exp = expected as Record<string, unknown>;
    const act = actual as Record<string, unknown>;
    const partial = exp[REST_KEY] === true;
    const keys = Object.keys(exp).filter((k) => k !== REST_KEY);
    for (const k of keys) {
      const m = mismatch(act[k], exp[k], `${path}.${k}`);
      if (m) return m;
    }
    if (!partial) {
      const extra = Object.keys(act).filter((k) => !keys.includes(k) && act[k] !== undefined);
      if (extra.length) return `${path}: has ${extra.join(", ")} too (end the result with "..." if that is meant): ${show(actual)}`;
    }
    return undefined;
  }
  return Object.is(actual, expected) ? undefined : `${path}: expected ${show(expected)}, got ${show(actual)}`;
}

function show(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  try {
    const text = JSON.stringify(value, (_k, v: unknown) => (v instanceof Set ? [...v] : v instanceof Map ? Object.fromEntries(v) : v));
    return text === undefined ? String(value) : text.length > 600 ? `${text.slice(0, 600)}…` : text;
  } catch {
    return String(value);
  }
}

/** Runs an example's steps with the given names in scope; throws with the failing line when a check fails. */
export function runExample(steps: readonly ExampleStep[], scope: Readonly<Record<string, unknown>>): { checks: number } {
  const names = Object.keys(scope).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
  const lines: string[] = [];
  steps.forEach((s, i) => {
    if (s.kind === "statement") lines.push(s.code);
    else if (s.kind === "check") lines.push(`__check(${i}, () => (${s.code}\n), () => (${markRest(s.result)}\n));`);
    else lines.push(`__throws(${i}, () => (${s.code}\n));`);
  });
  let checks = 0;
  const check = (i: number, run: () => unknown, result: () => unknown) => {
    const step = steps[i] as Extract<ExampleStep, { kind: "check" }>;
    const m = mismatch(run(), result());
    if (m) throw new Error(`${step.source}\n  ${m}`);
    checks++;
  };
  const throws = (i: number, run: () => unknown) => {
    const step = steps[i] as Extract<ExampleStep, { kind: "throws" }>;
    let value: unknown;
    try {
      value = run();
    } catch (error) {
      const name = error instanceof Error ? error.name : typeof error;
      if (step.errorName && name !== step.errorName) throw new Error(`${step.source}\n  threw ${name}, not ${step.errorName}`);
      checks++;
      return;
    }
    throw new Error(`${step.source}\n  did not throw; it gave ${show(value)}`);
  };
  const body = `"use strict";\n${lines.join("\n")}`;
  const fn = new Function(...names, "__check", "__throws", body) as (...args: unknown[]) => void;
  fn(...names.map((n) => scope[n]), check, throws);
  return { checks };
}
