import { spawn } from "node:child_process";
import { childExit, freePort, waitForPort, type ChildExit } from "./processes";

export interface AzuriteProcess {
  connectionString: string;
  pid: number;
  ports: { blob: number; queue: number; table: number };
  /** Resolves when Azurite's process has ended, whoever ended it. */
  exited: Promise<ChildExit>;
  stop(): Promise<void>;
}

const ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/**
 * Starts Azurite (Microsoft's storage emulator, npm `azurite`) in memory on loopback, as a child process stopped
 * by its own PID. The package's CLI script is run directly: killing an npx wrapper leaves Azurite running.
 *
 * @example
 * const azurite = await startAzurite({ blob: 10000, queue: 10001, table: 10002 });
 * azurite.connectionString // "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;..."
 */
export async function startAzurite(ports: { blob: number; queue: number; table: number }): Promise<AzuriteProcess> {
  const script = require.resolve("azurite/dist/src/azurite.js");
  const child = spawn(
    process.execPath,
    [
      script, "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--silent",
      "--blobHost", "127.0.0.1", "--blobPort", String(ports.blob),
      "--queueHost", "127.0.0.1", "--queuePort", String(ports.queue),
      "--tableHost", "127.0.0.1", "--tablePort", String(ports.table),
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const stopOnExit = () => child.kill("SIGKILL");
  process.once("exit", stopOnExit);
  const exited = childExit(child);
  // A loaded machine (CI on two cores, a dozen servers) can take a while to start Node; a child that dies (a port
  // taken between asking and listening) is reported at once instead of after the whole wait.
  const died = exited.then(({ code, signal }) => {
    throw new Error(`Azurite ended before listening (code ${code}, signal ${signal}): ${stderr.trim() || "no output"}`);
  });
  try {
    await Promise.race([Promise.all([ports.blob, ports.queue, ports.table].map((p) => waitForPort(p, 60_000))), died]);
  } catch (error) {
    process.removeListener("exit", stopOnExit);
    child.kill("SIGKILL");
    throw error;
  } finally {
    died.catch(() => undefined);
  }
  return {
    pid: child.pid ?? 0,
    ports,
    exited,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${ACCOUNT_KEY};` +
      `BlobEndpoint=http://127.0.0.1:${ports.blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:${ports.queue}/devstoreaccount1;` +
      `TableEndpoint=http://127.0.0.1:${ports.table}/devstoreaccount1;`,
    stop: () =>
      new Promise<void>((resolve) => {
        process.removeListener("exit", stopOnExit);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * Starts Azurite on ports the OS says are free, trying fresh ports again if another process took one between asking
 * and listening (two test files asking at once on a busy machine).
 *
 * @example
 * const azurite = await startAzuriteOnFreePorts();
 * azurite.ports.blob // 40123 (whatever the OS gave)
 */
export async function startAzuriteOnFreePorts(attempts = 3): Promise<AzuriteProcess> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await startAzurite({ blob: await freePort(), queue: await freePort(), table: await freePort() });
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
