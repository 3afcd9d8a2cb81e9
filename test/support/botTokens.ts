import { createSign, generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";

/**
 * Bot Framework-style JWTs for tests: signed with a key nobody trusts (a forgery), and a stand-in JWKS endpoint
 * on loopback so a token with the right audience is refused on its signature without any network.
 */

/** A fresh RSA key pair (the forger's). */
export function forgerKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync("rsa", { modulusLength: 2048 });
}

/** An RS256 JWT with `claims` (valid times added), signed by `privateKey` (a fresh key unless given). */
export function forgedToken(claims: Record<string, unknown>, options: { privateKey?: KeyObject; kid?: string } = {}): string {
  const privateKey = options.privateKey ?? forgerKey().privateKey;
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: "RS256", typ: "JWT", kid: options.kid ?? "forged" })}.${b64({ iat: now, nbf: now, exp: now + 3600, ...claims })}`;
  return `${unsigned}.${createSign("RSA-SHA256").update(unsigned).sign(privateKey).toString("base64url")}`;
}

/** Serves `{keys: [publicKey as kid]}` at any path on 127.0.0.1 (an Entra `discovery/v2.0/keys` stand-in). */
export async function jwksServer(publicKey: KeyObject, kid: string): Promise<{ url: string; close(): Promise<void> }> {
  const jwk = { ...publicKey.export({ format: "jwk" }), kid, use: "sig", alg: "RS256" };
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
