import { constants, createHash, verify, X509Certificate } from "node:crypto";

/**
 * Checks a client assertion (RFC 7523, as MSAL signs it for a certificate credential): a JWT signed with RS256 or
 * PS256 by the private key of a certificate registered on the app, named by its SHA-1 (`x5t`) or SHA-256
 * (`x5t#S256`) thumbprint; `iss` and `sub` the client id, `aud` the token endpoint, `exp`/`nbf` around now.
 * The answers carry the AADSTS codes Entra uses for each failure.
 *
 * @example
 * verifyClientAssertion(jwt, { clientId, certificatePem, audience: "https://127.0.0.1:7080/{tenant}/oauth2/v2.0/token", now })
 * // { ok: true }
 */
export function verifyClientAssertion(
  assertion: string,
  o: { clientId: string; certificatePem: string | undefined; audience: string; now: Date },
): { ok: true } | { ok: false; aadsts: string; message: string } {
  const fail = (aadsts: string, message: string) => ({ ok: false as const, aadsts, message });
  const [h, p, s] = assertion.split(".");
  if (!h || !p || !s) return fail("AADSTS50027", "JWT token is invalid or malformed.");
  let header: { alg?: string; x5t?: string; "x5t#S256"?: string };
  let claims: { iss?: string; sub?: string; aud?: string; exp?: number; nbf?: number };
  try {
    header = JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as typeof header;
    claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as typeof claims;
  } catch {
    return fail("AADSTS50027", "JWT token is invalid or malformed.");
  }
  if (!o.certificatePem) return fail("AADSTS700027", `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found.] Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${o.clientId}'.`);
  const certificate = new X509Certificate(o.certificatePem);
  const thumbprint = (algorithm: "sha1" | "sha256") => createHash(algorithm).update(certificate.raw).digest("base64url");
  const named = header["x5t#S256"] ? header["x5t#S256"] === thumbprint("sha256") : header.x5t === thumbprint("sha1");
  if (!named) return fail("AADSTS700027", `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found.] Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${o.clientId}'.`);
  const data = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(s, "base64url");
  const key = certificate.publicKey;
  const signed =
    header.alg === "PS256"
      ? verify("sha256", data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature)
      : header.alg === "RS256"
        ? verify("sha256", data, key, signature)
        : false;
  if (!signed) return fail("AADSTS700027", "Client assertion failed signature validation.");
  if (claims.iss !== o.clientId || claims.sub !== o.clientId) return fail("AADSTS700023", "Client assertion audience claim does not match Realm issuer.");
  if (o.audience && claims.aud !== o.audience) return fail("AADSTS700016", `The audience of the client assertion, '${String(claims.aud)}', is not the token endpoint.`);
  const now = Math.floor(o.now.getTime() / 1000);
  if (typeof claims.exp !== "number" || claims.exp < now - 300 || (typeof claims.nbf === "number" && claims.nbf > now + 300)) {
    return fail("AADSTS700024", "Client assertion is not within its valid time range.");
  }
  return { ok: true };
}
