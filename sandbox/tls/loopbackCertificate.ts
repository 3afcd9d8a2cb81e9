import { spawnSync } from "node:child_process";
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/**
 * The sandbox's TLS material, made on this machine the first time it is needed (a start, a test run, the soak) and
 * never committed (sandbox/tls/*.pem are git-ignored):
 *
 * - `cert.pem` / `key.pem`: a self-signed **leaf** certificate for 127.0.0.1 and localhost only (CA:FALSE, server
 *   authentication only), which the Graph sandbox serves and clients trust through NODE_EXTRA_CA_CERTS. Being no CA,
 *   it can vouch for nothing but itself; its key never leaves this machine.
 * - `app-credential.pem`: the sandbox app registration's certificate credential (certificate and key), with which
 *   `npm run provision` signs its SharePoint token request; the sandbox's token authority reads the same file.
 *
 * Made with openssl (Debian's `openssl`; .ci/run installs it when missing): Node can read certificates but not make
 * them.
 */
export interface LoopbackTls {
  dir: string;
  certPath: string;
  keyPath: string;
  appCredentialPath: string;
  /** What was made this time (empty when everything was there and sound). */
  made: string[];
}

/** Days a new certificate is valid; it is made again when less than a month is left. */
const VALID_DAYS = 397;
const RENEW_WITHIN_MS = 30 * 86_400_000;

/** sandbox/tls of the repository, whether this runs from the source tree or from dist/. */
export function repoTlsDir(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "sandbox"))) return join(dir, "sandbox", "tls");
    const up = dirname(dir);
    if (up === dir) throw new Error(`No repository above ${from}`);
    dir = up;
  }
}

/**
 * Makes whatever of the sandbox's TLS material is missing, unsound (a CA, a name other than loopback) or about to
 * expire; leaves sound material alone. Safe to run at every start.
 *
 * @example
 * ensureLoopbackTls().certPath // ".../sandbox/tls/cert.pem"
 */
export function ensureLoopbackTls(dir: string = repoTlsDir(), now: Date = new Date()): LoopbackTls {
  const certPath = join(dir, "cert.pem");
  const keyPath = join(dir, "key.pem");
  const appCredentialPath = join(dir, "app-credential.pem");
  const made: string[] = [];
  if (!soundLeaf(certPath, keyPath, now)) {
    const { cert, key } = openssl("/CN=127.0.0.1", [
      "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
      "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-addext", "basicConstraints=critical,CA:FALSE",
      "-addext", "keyUsage=critical,digitalSignature",
      "-addext", "extendedKeyUsage=serverAuth",
    ]);
    writeFileSync(keyPath, key, { mode: 0o600 });
    writeFileSync(certPath, cert);
    made.push("cert.pem", "key.pem");
  }
  if (!soundCredential(appCredentialPath, now)) {
    const { cert, key } = openssl("/CN=Inclusion Flow sandbox app", ["-newkey", "rsa:2048", "-addext", "basicConstraints=critical,CA:FALSE", "-addext", "keyUsage=critical,digitalSignature"]);
    writeFileSync(appCredentialPath, `${cert}${key}`, { mode: 0o600 });
    made.push("app-credential.pem");
  }
  return { dir, certPath, keyPath, appCredentialPath, made };
}

function soundLeaf(certPath: string, keyPath: string, now: Date): boolean {
  if (!existsSync(certPath) || !existsSync(keyPath)) return false;
  try {
    const cert = new X509Certificate(readFileSync(certPath));
    const names = (cert.subjectAltName ?? "").split(",").map((n) => n.trim()).sort().join(",");
    return !cert.ca && names === "DNS:localhost,IP Address:127.0.0.1" && Date.parse(cert.validTo) - now.getTime() > RENEW_WITHIN_MS && cert.checkPrivateKey(createKey(readFileSync(keyPath, "utf8")));
  } catch {
    return false;
  }
}

function soundCredential(path: string, now: Date): boolean {
  if (!existsSync(path)) return false;
  try {
    const pem = readFileSync(path, "utf8");
    const cert = new X509Certificate(pem);
    return !cert.ca && Date.parse(cert.validTo) - now.getTime() > RENEW_WITHIN_MS && cert.checkPrivateKey(createKey(pem));
  } catch {
    return false;
  }
}

function createKey(pem: string): KeyObject {
  return createPrivateKey(pem);
}

function openssl(subject: string, args: string[]): { cert: string; key: string } {
  const work = mkdtempSync(join(tmpdir(), "inclusion-flow-tls-"));
  try {
    const keyOut = join(work, "key.pem");
    const certOut = join(work, "cert.pem");
    const run = spawnSync("openssl", ["req", "-x509", "-nodes", "-sha256", "-days", String(VALID_DAYS), "-subj", subject, "-keyout", keyOut, "-out", certOut, ...args], { encoding: "utf8" });
    if (run.error || run.status !== 0) {
      throw new Error(`Could not make the sandbox's loopback certificate with openssl (${run.error?.message ?? run.stderr.trim()}). Install openssl (Debian: apt-get install openssl) and run again.`);
    }
    return { cert: readFileSync(certOut, "utf8"), key: readFileSync(keyOut, "utf8") };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
