import { startAzurite, type AzuriteProcess } from "../../sandbox/azurite";
import { freePort } from "../../sandbox/processes";

export type TestAzurite = AzuriteProcess;

/** A private Azurite on free loopback ports for one test file. */
export async function startTestAzurite(): Promise<TestAzurite> {
  return startAzurite({ blob: await freePort(), queue: await freePort(), table: await freePort() });
}
