import Module from "node:module";

/** What `registerFunction` receives from @azure/functions v4 (the worker's RpcFunctionMetadata, in part). */
export interface RpcBinding {
  type: string;
  direction: "in" | "out" | "inout";
  authLevel?: string;
  methods?: string[];
  route?: string;
  schedule?: string;
  runOnStartup?: boolean;
  queueName?: string;
  connection?: string;
  [key: string]: unknown;
}
export interface FunctionMetadata {
  name: string;
  functionId?: string;
  bindings: Record<string, RpcBinding>;
  retryOptions?: unknown;
}
export type FunctionCallback = (...args: unknown[]) => unknown;
export interface RegisteredFunction {
  metadata: FunctionMetadata;
  callback: FunctionCallback;
}
export interface InvocationModelLike {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], callback: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<{ outputData?: { name: string; data: unknown }[]; returnValue?: unknown }>;
}
export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreCtx: unknown): InvocationModelLike;
  getCapabilities?(capabilities: Record<string, string>): Record<string, string> | Promise<Record<string, string>>;
}
type HookName = "appStart" | "appTerminate" | "preInvocation" | "postInvocation" | "log";

/**
 * The host's log lines, written a tick's worth at a time: on Linux a write to a pipe (the host under the bench or a
 * test) blocks, and the real host never holds an invocation up for its log, so neither does this one.
 */
let pending: string[] = [];
function flushLog(): void {
  if (pending.length === 0) return;
  const text = pending.join("");
  pending = [];
  process.stdout.write(text);
}
function hostLog(line: string): void {
  if (pending.push(line) === 1) setImmediate(flushLog);
}
process.on("exit", flushLog);

/**
 * The state behind the `@azure/functions-core` module this host serves, as the Azure Functions Node worker does
 * (it is not on npm: the worker answers `require("@azure/functions-core")` itself).
 */
export class CoreState {
  readonly functions = new Map<string, RegisteredFunction>();
  readonly hooks: Record<HookName, ((ctx: unknown) => unknown)[]> = { appStart: [], appTerminate: [], preInvocation: [], postInvocation: [], log: [] };
  model: ProgrammingModel | undefined;
  locked = false;
  /** Shared by every hook of the app for the life of the process, as the worker's appHookData is. */
  readonly appHookData: Record<string, unknown> = {};
  log: (level: string, category: string, message: string) => void = (level, category, message) => hostLog(`${new Date().toISOString()} [${level}] (${category}) ${message}\n`);

  readonly module = {
    version: "3.10.1",
    hostVersion: "4.1040.0",
    registerFunction: (metadata: FunctionMetadata, callback: FunctionCallback) => {
      if (this.locked) throw new Error("A function can only be registered during app startup.");
      if (this.functions.has(metadata.name)) throw new Error(`A function with name "${metadata.name}" has already been registered.`);
      this.functions.set(metadata.name, { metadata, callback });
      return { dispose: () => void this.functions.delete(metadata.name) };
    },
    registerHook: (name: HookName, callback: (ctx: unknown) => unknown) => {
      const list = this.hooks[name];
      if (!list) throw new Error(`Unknown hook "${String(name)}"`);
      list.push(callback);
      return { dispose: () => void list.splice(list.indexOf(callback), 1) };
    },
    setProgrammingModel: (model: ProgrammingModel) => {
      this.model = model;
    },
    getProgrammingModel: () => this.model,
    log: (level: string, category: string, message: string) => this.log(level, category, message),
  };

  async runHooks(name: HookName, ctx: unknown): Promise<void> {
    for (const hook of this.hooks[name]) await hook(ctx);
  }
}

/**
 * Serves `require("@azure/functions-core")` from this process's CoreState, exactly as the worker's
 * setupCoreModule does: it must be in place before the app (and so @azure/functions) is first required,
 * because the library caches its lookup.
 */
export function installCoreModule(state: CoreState): void {
  const proto = Module.prototype as unknown as { require: (id: string) => unknown };
  const original = proto.require;
  proto.require = new Proxy(original, {
    apply(target, thisArg, args: [string]) {
      if (args[0] === "@azure/functions-core") return state.module;
      return Reflect.apply(target, thisArg, args);
    },
  });
}
