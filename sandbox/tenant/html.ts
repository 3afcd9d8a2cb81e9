/**
 * HTML that cannot be forgotten to escape: `html` is a tagged template whose interpolated values are escaped
 * unless they are themselves `SafeHtml` (built by `html`), so markup from an item, an email or a formatter can
 * only ever be text. Arrays are joined; undefined, null and false render nothing.
 *
 * Development only (the local tenant's pages).
 */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Part = SafeHtml | string | number | boolean | null | undefined | readonly Part[];

/**
 * @example
 * html`<p>${"<script>"}</p>`.text // "<p>&lt;script&gt;</p>"
 */
export function html(strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? "");
  });
  return new SafeHtml(out);
}

function render(v: Part): string {
  if (v === undefined || v === null || v === false) return "";
  if (v instanceof SafeHtml) return v.text;
  if (Array.isArray(v)) return v.map(render).join("");
  return escapeHtml(String(v));
}

/** Escapes text for an element's content or a quoted attribute value. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}
