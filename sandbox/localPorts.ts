/**
 * The loopback ports `npm start` and `npm run demo` use, each overridable by its environment variable (the README's
 * URLs assume the defaults).
 *
 * @example
 * localPorts().graph // 7080, or GRAPH_SANDBOX_PORT
 */
export function localPorts(env: NodeJS.ProcessEnv = process.env): { app: number; graph: number; blob: number; queue: number; table: number; playground: number } {
  const port = (name: string, fallback: number) => Number(env[name] ?? fallback);
  return {
    app: port("FUNCTIONS_HTTP_PORT", 7071),
    graph: port("GRAPH_SANDBOX_PORT", 7080),
    blob: port("AZURITE_BLOB_PORT", 10000),
    queue: port("AZURITE_QUEUE_PORT", 10001),
    table: port("AZURITE_TABLE_PORT", 10002),
    playground: port("PLAYGROUND_PORT", 56150),
  };
}
