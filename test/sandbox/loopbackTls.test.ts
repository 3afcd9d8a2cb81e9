import { execFileSync } from "node:child_process";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ensureLoopbackTls } from "../../sandbox/tls/loopbackCertificate";

/** The sandbox's TLS material: made per machine, a loopback leaf (never a CA), never committed. */
const root = join(__dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "loopback-tls-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the sandbox's loopback certificate", () => {
  it("is made on first use: a leaf for 127.0.0.1 and localhost only, for server authentication, with its key", () => {
    const tls = ensureLoopbackTls(dir);
    expect(tls.made.sort()).toEqual(["app-credential.pem", "cert.pem", "key.pem"]);
    const cert = new X509Certificate(readFileSync(tls.certPath));
    expect(cert.ca).toBe(false);
    expect(cert.subjectAltName?.split(",").map((s) => s.trim()).sort()).toEqual(["DNS:localhost", "IP Address:127.0.0.1"]);
    expect(cert.keyUsage ?? []).toEqual(["1.3.6.1.5.5.7.3.1"]); // extended key usage: serverAuth only
    expect(cert.checkPrivateKey(createPrivateKey(readFileSync(tls.keyPath)))).toBe(true);
    const credential = new X509Certificate(readFileSync(tls.appCredentialPath));
    expect(credential.ca).toBe(false);
  });

  it("leaves sound material alone, and makes again a certificate that is a CA (as the one once committed was)", () => {
    const before = readFileSync(join(dir, "cert.pem"), "utf8");
    expect(ensureLoopbackTls(dir).made).toEqual([]);
    expect(readFileSync(join(dir, "cert.pem"), "utf8")).toBe(before);
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=127.0.0.1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-addext", "basicConstraints=critical,CA:TRUE"], { stdio: "ignore" });
    expect(ensureLoopbackTls(dir).made).toEqual(["cert.pem", "key.pem"]);
    expect(new X509Certificate(readFileSync(join(dir, "cert.pem"))).ca).toBe(false);
    writeFileSync(join(dir, "app-credential.pem"), "not a credential");
    expect(ensureLoopbackTls(dir).made).toEqual(["app-credential.pem"]);
  });

  it("is never committed: sandbox/tls holds no key or certificate in the repository, and the .gitignore keeps them out", () => {
    expect(readFileSync(join(root, ".gitignore"), "utf8")).toMatch(/^sandbox\/tls\/\*\.pem$/m);
    if (!existsSync(join(root, ".git"))) return; // an export without git history: nothing to ask
    const tracked = execFileSync("git", ["ls-files", "sandbox/tls"], { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean);
    expect(tracked.filter((f) => /\.(pem|key|crt|p12|pfx)$/.test(f))).toEqual([]);
  });
});
