import { startAzuriteOnFreePorts, type AzuriteProcess } from "../../sandbox/azurite";

export type TestAzurite = AzuriteProcess;

/** A private Azurite on free loopback ports for one test file. */
export async function startTestAzurite(): Promise<TestAzurite> {
  return startAzuriteOnFreePorts();
}
