import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    // This machine's loopback certificate, made before any test process starts (they trust it by NODE_EXTRA_CA_CERTS).
    globalSetup: ["test/support/loopbackTls.ts"],
    // Sandbox and host tests start real servers on loopback; keep them from starving each other on 2 cores.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: "test-results/vitest.json" },
  },
});
