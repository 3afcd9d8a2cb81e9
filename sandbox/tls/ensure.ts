import { ensureLoopbackTls } from "./loopbackCertificate";

/**
 * `node dist/sandbox/tls/ensure.js`: makes the sandbox's loopback certificate and app credential if this machine has
 * none yet (npm test, npm start, bench and soak run it first, before any process that reads NODE_EXTRA_CA_CERTS).
 */
const tls = ensureLoopbackTls();
if (tls.made.length) process.stdout.write(`Made the sandbox's ${tls.made.join(", ")} in ${tls.dir} (this machine's own; git-ignored).\n`);
