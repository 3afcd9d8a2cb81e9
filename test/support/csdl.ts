import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

/**
 * Microsoft's schema of Graph v1.0 (test/fixtures/graph/v1.0-Prod.csdl.gz: its source and MIT licence are in the
 * README beside it), read just enough to answer: which properties
 * (with their types) does an entity or complex type have, including those of its base types?
 */
export interface CsdlProperty {
  name: string;
  type: string;
  kind: "property" | "navigation";
}

let types: Map<string, { base?: string; properties: CsdlProperty[] }> | undefined;

function load() {
  if (types) return types;
  const xml = gunzipSync(readFileSync(join(__dirname, "../fixtures/graph/v1.0-Prod.csdl.gz"))).toString("utf8");
  types = new Map();
  const typeRe = /<(EntityType|ComplexType) Name="([^"]+)"([^>]*?)(\/?)>([\s\S]*?)(?:<\/\1>|(?=<(?:EntityType|ComplexType|EnumType|Action|Function) ))/g;
  for (const m of xml.matchAll(typeRe)) {
    const [, , name, attrs, selfClosing, body] = m;
    const base = /BaseType="graph\.([^"]+)"/.exec(attrs ?? "")?.[1];
    const properties: CsdlProperty[] = [];
    if (!selfClosing) {
      for (const p of (body ?? "").matchAll(/<(Property|NavigationProperty) Name="([^"]+)" Type="([^"]+)"/g)) {
        properties.push({ name: p[2]!, type: p[3]!, kind: p[1] === "Property" ? "property" : "navigation" });
      }
    }
    types.set(name!, { ...(base ? { base } : {}), properties });
  }
  return types;
}

/** Every property of a type, its own and its base types'. */
export function csdlProperties(typeName: string): Map<string, CsdlProperty> {
  const all = new Map<string, CsdlProperty>();
  let name: string | undefined = typeName;
  while (name) {
    const t = load().get(name);
    if (!t) throw new Error(`The CSDL has no type ${name}`);
    for (const p of t.properties) if (!all.has(p.name)) all.set(p.name, p);
    name = t.base;
  }
  return all;
}

/** Property names of an object that the CSDL type does not define (OData annotations like @odata.etag excepted). */
export function undefinedProperties(typeName: string, value: Record<string, unknown>): string[] {
  const known = csdlProperties(typeName);
  return Object.keys(value).filter((k) => !k.includes("@") && !known.has(k));
}
