import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { CoreState, RegisteredFunction } from "./coreModule";

export interface RpcTypedData {
  string?: string;
  json?: string;
  bytes?: Uint8Array;
  http?: unknown;
  int?: number;
  double?: number;
}

export interface InvocationOutcome {
  outputData: { name: string; data: RpcTypedData }[];
  returnValue?: RpcTypedData & { http?: { statusCode?: string; headers?: Record<string, string>; cookies?: unknown[]; body?: RpcTypedData } };
}

/**
 * Runs one invocation the way the worker's InvocationHandler does: the programming model turns the RPC request
 * into arguments, preInvocation hooks run, the function runs, postInvocation hooks run, and the model turns the
 * result back into RPC outputs; `writeOutputs` then writes the output bindings. Logged as the host logs it:
 * "Executing 'Functions.name' (Reason=…, Id=…)" and "Executed 'Functions.name' (Succeeded|Failed, Id=…, Duration=…ms)"
 * once the outputs are written (the bench reads these lines for its timeline).
 */
export async function invoke(
  core: CoreState,
  fn: RegisteredFunction,
  inputData: { name: string; data: RpcTypedData }[],
  triggerMetadata: Record<string, RpcTypedData> = {},
  reason = "This function was programmatically called via the host APIs.",
  writeOutputs: (outcome: InvocationOutcome) => Promise<void> = async () => undefined,
): Promise<InvocationOutcome> {
  if (!core.model) throw new Error("The app registered no programming model (is @azure/functions installed?).");
  const invocationId = randomUUID();
  const started = performance.now();
  core.log("information", "host", `Executing 'Functions.${fn.metadata.name}' (Reason='${reason}', Id=${invocationId})`);
  try {
    const outcome = await run(core, fn, invocationId, inputData, triggerMetadata);
    await writeOutputs(outcome);
    core.log("information", "host", `Executed 'Functions.${fn.metadata.name}' (Succeeded, Id=${invocationId}, Duration=${Math.round(performance.now() - started)}ms)`);
    return outcome;
  } catch (e) {
    core.log("information", "host", `Executed 'Functions.${fn.metadata.name}' (Failed, Id=${invocationId}, Duration=${Math.round(performance.now() - started)}ms)`);
    throw e;
  }
}

async function run(core: CoreState, fn: RegisteredFunction, invocationId: string, inputData: { name: string; data: RpcTypedData }[], triggerMetadata: Record<string, RpcTypedData>): Promise<InvocationOutcome> {
  if (!core.model) throw new Error("The app registered no programming model (is @azure/functions installed?).");
  const model = core.model.getInvocationModel({
    invocationId,
    request: { invocationId, functionId: fn.metadata.functionId ?? fn.metadata.name, inputData, triggerMetadata, traceContext: { traceParent: `00-${randomUUID().replace(/-/g, "")}-${randomUUID().replace(/-/g, "").slice(0, 16)}-01`, traceState: "", attributes: {} } },
    metadata: fn.metadata,
    state: undefined,
    log: (level: string, category: string, message: string) => core.log(level, `${fn.metadata.name} ${invocationId.slice(0, 8)}`, `${category === "user" ? "" : "[system] "}${message}`),
  });
  const { context, inputs } = await model.getArguments();
  const hookData: Record<string, unknown> = {};
  const pre = { invocationContext: context, inputs, functionCallback: fn.callback, hookData, appHookData: core.appHookData };
  await core.runHooks("preInvocation", pre);
  let result: unknown;
  let error: unknown;
  try {
    result = await model.invokeFunction(context, pre.inputs, pre.functionCallback);
  } catch (e) {
    error = e;
  }
  const post = { invocationContext: context, inputs: pre.inputs, result, error, hookData, appHookData: core.appHookData };
  await core.runHooks("postInvocation", post);
  if (post.error) throw post.error;
  return (await model.getResponse(context, post.result)) as InvocationOutcome;
}

/** An RPC value as text (for queue outputs and logs). */
export function typedDataText(data: RpcTypedData | undefined): string | undefined {
  if (!data) return undefined;
  if (data.string !== undefined) return data.string;
  if (data.json !== undefined) return data.json;
  if (data.bytes !== undefined) return Buffer.from(data.bytes).toString("utf8");
  if (data.int !== undefined) return String(data.int);
  if (data.double !== undefined) return String(data.double);
  return undefined;
}
