import { GraphError } from "./routing";

/** A parsed OData $filter, as far as Graph supports it on list items: comparisons, startswith, and/or, not, parentheses. */
export type FilterExpr =
  | { op: "eq" | "ne" | "lt" | "gt" | "le" | "ge"; path: string; value: string | number | boolean | null }
  | { op: "startswith"; path: string; value: string }
  | { op: "and" | "or"; left: FilterExpr; right: FilterExpr }
  | { op: "not"; expr: FilterExpr };

/**
 * Parses `$filter`, e.g. `fields/Status eq 'Received' and startswith(fields/Title,'LNCIP')`.
 * Anything it cannot read is a 400 `invalidRequest`, as Graph answers.
 */
export function parseFilter(text: string): FilterExpr {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const fail = (): never => {
    throw new GraphError(400, "invalidRequest", `Invalid filter clause: ${text}`);
  };
  const literal = (t: string | undefined): string | number | boolean | null => {
    if (t === undefined) return fail();
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (t === "true" || t === "false") return t === "true";
    if (t === "null") return null;
    if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
    if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/.test(t)) return t;
    return fail();
  };
  const primary = (): FilterExpr => {
    const t = next();
    if (t === "(") {
      const e = or();
      if (next() !== ")") fail();
      return e;
    }
    if (t === "not") return { op: "not", expr: primary() };
    if (t?.toLowerCase() === "startswith") {
      if (next() !== "(") fail();
      const path = next() ?? fail();
      if (next() !== ",") fail();
      const value = literal(next());
      if (next() !== ")") fail();
      if (typeof value !== "string") fail();
      return { op: "startswith", path, value: value as string };
    }
    const path = t ?? fail();
    const op = next();
    if (op !== "eq" && op !== "ne" && op !== "lt" && op !== "gt" && op !== "le" && op !== "ge") return fail();
    return { op, path, value: literal(next()) };
  };
  const and = (): FilterExpr => {
    let left = primary();
    while (peek() === "and") {
      next();
      left = { op: "and", left, right: primary() };
    }
    return left;
  };
  const or = (): FilterExpr => {
    let left = and();
    while (peek() === "or") {
      next();
      left = { op: "or", left, right: and() };
    }
    return left;
  };
  const expr = or();
  if (i !== tokens.length) fail();
  return expr;
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /\s*('(?:[^']|'')*'|\(|\)|,|[^\s(),']+)/gy;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(text)) !== null) {
    tokens.push(m[1] as string);
    last = re.lastIndex;
  }
  if (text.slice(last).trim() !== "") throw new GraphError(400, "invalidRequest", `Invalid filter clause: ${text}`);
  return tokens;
}

/** The paths a filter reads (e.g. `fields/Status`), to check indexing. */
export function filterPaths(e: FilterExpr): string[] {
  switch (e.op) {
    case "and":
    case "or":
      return [...filterPaths(e.left), ...filterPaths(e.right)];
    case "not":
      return filterPaths(e.expr);
    default:
      return [e.path];
  }
}

export function evaluate(e: FilterExpr, read: (path: string) => unknown): boolean {
  switch (e.op) {
    case "and":
      return evaluate(e.left, read) && evaluate(e.right, read);
    case "or":
      return evaluate(e.left, read) || evaluate(e.right, read);
    case "not":
      return !evaluate(e.expr, read);
    case "startswith": {
      const v = read(e.path);
      return typeof v === "string" && v.toLowerCase().startsWith(e.value.toLowerCase());
    }
    default: {
      const v = normalise(read(e.path));
      const w = normalise(e.value);
      if (e.op === "eq") return v === w;
      if (e.op === "ne") return v !== w;
      if (v === null || w === null) return false;
      if (e.op === "lt") return v < w;
      if (e.op === "gt") return v > w;
      if (e.op === "le") return v <= w;
      return v >= w;
    }
  }
}

function normalise(v: unknown): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "number" || typeof v === "boolean") return v;
  return String(v);
}

/** `fields($select=a,b)` in `$expand` → { expandFields: true, select: ["a","b"] }. */
export function parseExpandFields(expand: string | null): { expandFields: boolean; select?: string[] } {
  if (!expand) return { expandFields: false };
  const m = /(?:^|,)\s*fields(?:\(([^)]*)\))?/.exec(expand);
  if (!m) return { expandFields: false };
  const inner = m[1] ?? "";
  const sel = /\$select=([^;]*)/.exec(inner);
  return sel ? { expandFields: true, select: (sel[1] as string).split(",").map((s) => s.trim()).filter(Boolean) } : { expandFields: true };
}
