import type { HttpRequest, HttpResponseInit } from "@azure/functions";

/** A request body read within its limit, or the answer that refuses it. */
export type BoundedBody = { ok: true; text: string } | { ok: false; response: HttpResponseInit };

/** The largest body each endpoint reads (bytes): a little over what its largest honest request needs. */
export const BODY_LIMITS = {
  /** A whole Referral Form is a few tens of kilobytes. */
  referral: 256 * 1024,
  /** 100 marks (the most one call takes) are about 30 KB. */
  marks: 128 * 1024,
  /** Graph batches up to 1,000 notifications of a few hundred bytes each (lists carry no resource data). */
  notifications: 1024 * 1024,
  /** The Bot Connector's activities are at most 256 KB. */
  bot: 256 * 1024,
} as const;

/**
 * Reads a request's body as UTF-8 text, refusing it — before any of it is read — when its `Content-Length` says it
 * is larger than `maxBytes` (413) or is not a number (400), and stopping as soon as the bytes read pass the limit
 * when there is no `Content-Length` or it lies (413). Nothing larger than the limit is ever held, decoded or parsed.
 *
 * @example
 * const body = await readBoundedBody(request, BODY_LIMITS.marks);
 * if (!body.ok) return body.response; // 413 "The request is larger than 128 KB: …"
 * JSON.parse(body.text)
 */
export async function readBoundedBody(request: Pick<HttpRequest, "headers" | "body">, maxBytes: number, tooLarge = "send less at once"): Promise<BoundedBody> {
  const refuse = (): BoundedBody => ({ ok: false, response: { status: 413, jsonBody: { error: `The request is larger than ${Math.round(maxBytes / 1024)} KB: ${tooLarge}.` } } });
  const declared = request.headers.get("content-length");
  if (declared !== null) {
    if (!/^\d{1,15}$/.test(declared.trim())) return { ok: false, response: { status: 400, jsonBody: { error: "The Content-Length header is not a number." } } };
    if (Number(declared) > maxBytes) return refuse();
  }
  const stream = request.body;
  if (!stream) return { ok: true, text: "" };
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return refuse();
    }
    chunks.push(value);
  }
  return { ok: true, text: new TextDecoder("utf-8").decode(Buffer.concat(chunks)) };
}
