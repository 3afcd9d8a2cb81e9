import { ensureLoopbackTls } from "../../sandbox/tls/loopbackCertificate";

/**
 * Vitest's global setup: this machine's loopback certificate and app credential, made if missing before any test
 * process starts (each reads NODE_EXTRA_CA_CERTS when it starts), so a fresh clone's tests need no manual step.
 */
export default function setup(): void {
  ensureLoopbackTls();
}
