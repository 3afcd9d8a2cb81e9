import type { FormatterElement, FormatterExpr } from "../../src/domain/lists/views";
import { html, SafeHtml } from "./html";

/**
 * Renders SharePoint column formatting (the `CustomFormatter` JSON) as SharePoint's list view does, for the local
 * tenant: the abstract-syntax-tree expressions (`{operator, operands}`), `@currentField`, `[$Column]` and `@now`,
 * the operators this project's formatters use and a few more, the allowed element types, attributes and styles.
 * Everything comes out escaped; a link only to http(s) or a relative address, no image or style that loads
 * anything. Excel-style expressions (strings starting with `=`) are not interpreted: they are shown as text.
 *
 * Development only.
 */
export type FormatterValue = string | number | boolean | Date | readonly string[] | undefined;

export interface FormattingContext {
  /** The formatted column's value (dates as Date). */
  currentField: FormatterValue;
  /** Another column's value by internal name (dates as Date); undefined for an empty one. */
  column(name: string): FormatterValue;
  now: Date;
}

const ELEMENTS = new Set(["div", "span", "a", "p", "button"]);
const ATTRIBUTES = new Set(["class", "title", "role", "href", "target", "rel", "aria-label"]);
const STYLES = new Set([
  "background-color", "color", "border", "border-radius", "padding", "padding-left", "padding-right", "margin", "margin-left", "margin-right",
  "display", "font-weight", "font-size", "font-style", "text-decoration", "white-space", "width", "min-width", "max-width", "text-align", "vertical-align", "line-height",
]);

/**
 * The formatter's HTML for one cell.
 *
 * @example
 * renderFormatter({ elmType: "div", txtContent: "@currentField" }, { currentField: "<b>", column: () => undefined, now }).text
 * // "<div>&#60;b&#62;</div>"
 */
export function renderFormatter(element: FormatterElement, ctx: FormattingContext): SafeHtml {
  const tag = ELEMENTS.has(element.elmType) ? element.elmType : "span";
  const attrs: SafeHtml[] = [];
  for (const [name, expr] of Object.entries(element.attributes ?? {})) {
    if (!ATTRIBUTES.has(name)) continue;
    const value = toText(evaluate(expr, ctx));
    if (name === "href" && !/^(https?:\/\/|\/(?!\/))/i.test(value)) continue;
    attrs.push(html` ${name}="${value}"`);
  }
  if (tag === "a") attrs.push(html` rel="noopener noreferrer"`);
  const styles: string[] = [];
  for (const [name, expr] of Object.entries(element.style ?? {})) {
    const value = toText(evaluate(expr, ctx));
    if (!STYLES.has(name) || /url\(|expression|javascript:|[;{}<>\\]/i.test(value)) continue;
    styles.push(`${name}:${value}`);
  }
  if (styles.length) attrs.push(html` style="${styles.join(";")}"`);
  const content =
    element.txtContent !== undefined ? html`${toText(evaluate(element.txtContent, ctx))}` : html`${(element.children ?? []).map((c) => renderFormatter(c, ctx))}`;
  return html`<${new SafeHtml(tag)}${attrs}>${content}</${new SafeHtml(tag)}>`;
}

/**
 * One expression's value.
 *
 * @example
 * evaluate({ operator: "+", operands: ["Due ", { operator: "toString()", operands: [3] }] }, ctx) // "Due 3"
 */
export function evaluate(expr: FormatterExpr, ctx: FormattingContext): FormatterValue {
  if (typeof expr === "number" || typeof expr === "boolean") return expr;
  if (typeof expr === "string") {
    if (expr === "@currentField") return ctx.currentField ?? "";
    if (expr === "@now") return ctx.now;
    const ref = /^\[\$([A-Za-z0-9_]+)\]$/.exec(expr);
    if (ref) return ctx.column(ref[1] as string) ?? "";
    return expr;
  }
  const args = () => expr.operands.map((o) => evaluate(o, ctx));
  switch (expr.operator) {
    case "?":
    case ":": {
      const [test, then, otherwise] = expr.operands;
      return truthy(evaluate(test ?? false, ctx)) ? evaluate(then ?? "", ctx) : evaluate(otherwise ?? "", ctx);
    }
    case "&&":
      return expr.operands.every((o) => truthy(evaluate(o, ctx)));
    case "||":
      return expr.operands.some((o) => truthy(evaluate(o, ctx)));
    case "+": {
      const [a, b] = args();
      if (typeof a === "string" || typeof b === "string") return toText(a) + toText(b);
      return num(a) + num(b);
    }
    case "-":
      return binary(args(), (a, b) => a - b);
    case "*":
      return binary(args(), (a, b) => a * b);
    case "/":
      return binary(args(), (a, b) => a / b);
    case "%":
      return binary(args(), (a, b) => a % b);
    case "<":
    case ">":
    case "<=":
    case ">=":
      return compare(expr.operator, args());
    case "==":
    case "!=": {
      const [a, b] = args();
      const same = a instanceof Date || b instanceof Date ? num(a) === num(b) : toText(a) === toText(b);
      return expr.operator === "==" ? same : !same;
    }
    case "Number()":
      return num(args()[0]);
    case "toString()":
      return toText(args()[0]);
    case "Date()": {
      const v = args()[0];
      return v instanceof Date ? v : new Date(typeof v === "number" ? v : Date.parse(toText(v)));
    }
    case "floor":
      return Math.floor(num(args()[0]));
    case "ceiling":
      return Math.ceil(num(args()[0]));
    case "abs":
      return Math.abs(num(args()[0]));
    case "substring": {
      const [s, a, b] = args();
      return toText(s).substring(num(a), b === undefined ? undefined : num(b));
    }
    case "indexOf": {
      const [s, t] = args();
      return toText(s).indexOf(toText(t));
    }
    case "toLowerCase":
      return toText(args()[0]).toLowerCase();
    case "toUpperCase":
      return toText(args()[0]).toUpperCase();
    case "length": {
      const v = args()[0];
      return Array.isArray(v) ? v.length : truthy(v) ? 1 : 0;
    }
    case "toLocaleDateString()": {
      const v = args()[0];
      const d = v instanceof Date ? v : new Date(toText(v));
      return Number.isNaN(d.getTime()) ? "" : d.toLocaleDateString("en-GB", { timeZone: "Europe/London", day: "numeric", month: "short", year: "numeric" });
    }
    default:
      throw new Error(`Column formatting operator "${expr.operator}" is not supported by the local tenant`);
  }
}

function binary(values: FormatterValue[], f: (a: number, b: number) => number): number {
  return f(num(values[0]), num(values[1]));
}

function compare(operator: string, [a, b]: FormatterValue[]): boolean {
  const numeric = typeof a === "number" || typeof b === "number" || a instanceof Date || b instanceof Date;
  const x = numeric ? num(a) : toText(a);
  const y = numeric ? num(b) : toText(b);
  return operator === "<" ? x < y : operator === ">" ? x > y : operator === "<=" ? x <= y : x >= y;
}

function num(v: FormatterValue): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v === undefined) return 0;
  return Number(v);
}

function truthy(v: FormatterValue): boolean {
  if (v instanceof Date) return !Number.isNaN(v.getTime());
  if (Array.isArray(v)) return v.length > 0;
  return Boolean(v);
}

function toText(v: FormatterValue): string {
  if (v === undefined) return "";
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.join(", ");
  return String(v);
}
