import { spawn, type ChildProcess } from "node:child_process";
import { createServer, connect } from "node:net";

/** Test support: a private Azurite on free loopback ports, stopped by its own PID. */
export interface TestAzurite {
  connectionString: string;
  stop(): Promise<void>;
}

export async function startTestAzurite(): Promise<TestAzurite> {
  const [blob, queue, table] = [await freePort(), await freePort(), await freePort()];
  const script = require.resolve("azurite/dist/src/azurite.js");
  const child: ChildProcess = spawn(
    process.execPath,
    [
      script,
      "--inMemoryPersistence",
      "--skipApiVersionCheck",
      "--loose",
      "--disableTelemetry",
      "--silent",
      "--blobHost", "127.0.0.1", "--blobPort", String(blob),
      "--queueHost", "127.0.0.1", "--queuePort", String(queue),
      "--tableHost", "127.0.0.1", "--tablePort", String(table),
    ],
    { stdio: "ignore" },
  );
  await Promise.all([blob, queue, table].map(waitForPort));
  const key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
  return {
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${key};` +
      `BlobEndpoint=http://127.0.0.1:${blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:${queue}/devstoreaccount1;` +
      `TableEndpoint=http://127.0.0.1:${table}/devstoreaccount1;`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      const port = typeof address === "object" && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Azurite did not open port ${port}`);
}
