/**
 * A view's query (`ViewQuery`, the CAML inside `<Query>`) read and run as SharePoint runs it for a list view:
 * `<Where>` with Eq, Neq, Lt, Leq, Gt, Geq, In, IsNull, IsNotNull, And, Or (values typed Text, Choice, DateTime with
 * `<Today Offset="n"/>`, Number, Boolean), `<OrderBy>` and `<GroupBy>`. Enough XML to read that, and no more.
 *
 * Development only.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export interface ViewQuery {
  where?: XmlElement | undefined;
  orderBy: { column: string; ascending: boolean }[];
  groupBy: string[];
}

/** Parses an XML fragment (several roots allowed); throws on anything malformed. */
export function parseXmlFragment(source: string): XmlElement[] {
  const root: XmlElement = { name: "#root", attributes: {}, children: [], text: "" };
  const stack = [root];
  const token = /<\/([A-Za-z][\w:.-]*)\s*>|<([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < source.length) {
    token.lastIndex = at;
    m = token.exec(source);
    if (!m) throw new Error(`The view's query is not well-formed XML near "${source.slice(at, at + 30)}"`);
    at = token.lastIndex;
    const top = stack[stack.length - 1] as XmlElement;
    if (m[1]) {
      if (top.name !== m[1]) throw new Error(`The view's query closes <${m[1]}> where <${top.name}> is open`);
      stack.pop();
    } else if (m[2]) {
      const attributes: Record<string, string> = {};
      for (const a of (m[3] ?? "").matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attributes[a[1] as string] = unescapeXml(a[2] ?? a[3] ?? "");
      const el: XmlElement = { name: m[2], attributes, children: [], text: "" };
      top.children.push(el);
      if (!m[4]) stack.push(el);
    } else if (m[5]) {
      top.text += unescapeXml(m[5]);
    }
  }
  if (stack.length !== 1) throw new Error(`The view's query leaves <${(stack[stack.length - 1] as XmlElement).name}> open`);
  return root.children;
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    const named: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
    if (named[e.toLowerCase()]) return named[e.toLowerCase()] as string;
    return String.fromCodePoint(e[1]?.toLowerCase() === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

/**
 * @example
 * parseViewQuery('<Where><Eq><FieldRef Name="Status" /><Value Type="Choice">New</Value></Eq></Where>').where?.name // "Eq"
 */
export function parseViewQuery(xml: string): ViewQuery {
  const roots = parseXmlFragment(xml.trim());
  const find = (name: string) => roots.find((r) => r.name === name);
  const where = find("Where")?.children[0];
  const refs = (el: XmlElement | undefined) => (el?.children ?? []).filter((c) => c.name === "FieldRef");
  return {
    where,
    orderBy: refs(find("OrderBy")).map((r) => ({ column: r.attributes.Name ?? "", ascending: (r.attributes.Ascending ?? "TRUE").toUpperCase() !== "FALSE" })),
    groupBy: refs(find("GroupBy")).map((r) => r.attributes.Name ?? ""),
  };
}

/**
 * Does an item's fields satisfy a `<Where>` condition? `today` is the day "Today" means (the site's time zone).
 *
 * @example
 * matches(parseViewQuery(q).where, { Status: "New" }, "2026-12-09") // true
 */
export function matches(condition: XmlElement | undefined, fields: Record<string, unknown>, today: string): boolean {
  if (!condition) return true;
  const [a, b] = condition.children;
  switch (condition.name) {
    case "And":
      return matches(a, fields, today) && matches(b, fields, today);
    case "Or":
      return matches(a, fields, today) || matches(b, fields, today);
    case "IsNull":
      return isEmpty(valueOf(condition, fields));
    case "IsNotNull":
      return !isEmpty(valueOf(condition, fields));
    case "In": {
      const have = valueOf(condition, fields);
      const values = (condition.children.find((c) => c.name === "Values")?.children ?? []).map((v) => v.text);
      return values.some((v) => same(have, v, "Text"));
    }
    case "Eq":
    case "Neq":
    case "Lt":
    case "Leq":
    case "Gt":
    case "Geq": {
      const have = valueOf(condition, fields);
      const valueEl = condition.children.find((c) => c.name === "Value");
      const type = valueEl?.attributes.Type ?? "Text";
      if (isEmpty(have)) return false; // SharePoint compares no empty value (IsNull finds those)
      const todayEl = valueEl?.children.find((c) => c.name === "Today");
      const wanted = todayEl ? addDays(today, Number(todayEl.attributes.Offset ?? todayEl.attributes.OffsetDays ?? 0)) : (valueEl?.text ?? "");
      const c = compare(have, wanted, type);
      return { Eq: c === 0, Neq: c !== 0, Lt: c < 0, Leq: c <= 0, Gt: c > 0, Geq: c >= 0 }[condition.name];
    }
    default:
      throw new Error(`The view's query uses <${condition.name}>, which the sandbox does not run`);
  }
}

/** Orders items as `<OrderBy>` says (empty values first when ascending, as SharePoint does). */
export function orderItems<T extends { id: string; fields: Record<string, unknown> }>(items: T[], orderBy: ViewQuery["orderBy"]): T[] {
  return [...items].sort((x, y) => {
    for (const o of orderBy) {
      const name = o.column === "LinkTitle" ? "Title" : o.column;
      const c = compare(x.fields[name], y.fields[name], "Text");
      if (c !== 0) return o.ascending ? c : -c;
    }
    return Number(x.id) - Number(y.id);
  });
}

function valueOf(condition: XmlElement, fields: Record<string, unknown>): unknown {
  const name = condition.children.find((c) => c.name === "FieldRef")?.attributes.Name ?? "";
  return fields[name === "LinkTitle" ? "Title" : name];
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);
}

function same(have: unknown, wanted: string, type: string): boolean {
  if (Array.isArray(have)) return have.some((h) => compare(h, wanted, type) === 0);
  return compare(have, wanted, type) === 0;
}

function compare(a: unknown, b: unknown, type: string): number {
  if (isEmpty(a) && isEmpty(b)) return 0;
  if (isEmpty(a)) return -1;
  if (isEmpty(b)) return 1;
  if (type === "DateTime") return String(a).slice(0, 10).localeCompare(String(b).slice(0, 10));
  if (type === "Number" || (typeof a === "number" && !Number.isNaN(Number(b)))) return Number(a) - Number(b);
  if (type === "Boolean" || typeof a === "boolean") return Number(a === true || a === "1" || a === 1) - Number(b === true || b === "1" || b === 1);
  return String(a).localeCompare(String(b));
}

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
