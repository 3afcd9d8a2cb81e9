import { z } from "zod";
import { fieldMetaOf, type FieldMeta } from "./fieldMeta";

/** One field of a (possibly nested) object schema: its dotted path, its schema and its metadata. */
export interface FieldLeaf {
  path: string;
  schema: z.ZodType;
  meta: FieldMeta;
  /** True when the object requires the field (not optional). */
  required: boolean;
}

/**
 * Every field of an object schema that carries field metadata, depth first, with dotted paths.
 *
 * @example
 * fieldLeaves(z.object({ pupil: z.object({ upn: field(z.string(), { column: "Upn" }) }) }))
 * // [{ path: "pupil.upn", meta: { column: "Upn" }, required: true, ... }]
 */
export function fieldLeaves(schema: z.ZodObject, prefix = ""): FieldLeaf[] {
  const leaves: FieldLeaf[] = [];
  for (const [key, child] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const meta = fieldMetaOf(child);
    const inner = unwrap(child);
    if (meta) {
      leaves.push({ path, schema: child, meta, required: !child.safeParse(undefined).success });
    } else if (inner instanceof z.ZodObject) {
      leaves.push(...fieldLeaves(inner, path));
    }
  }
  return leaves;
}

/** The schema under optional/nullable/default wrappers. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
    else return s;
  }
}

/** Reads a dotted path from a nested object. */
export function getPath(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const key of path.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** Writes a dotted path into a nested object, creating the objects on the way. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let o = obj;
  for (const key of keys.slice(0, -1)) {
    const next = o[key];
    if (next === null || typeof next !== "object") o[key] = {};
    o = o[key] as Record<string, unknown>;
  }
  o[keys[keys.length - 1] as string] = value;
}
